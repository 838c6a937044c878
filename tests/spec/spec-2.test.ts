// The spec suite, shard 2 of 4 (see suite.ts).
import { specShard } from "./suite.ts";

specShard(1);
