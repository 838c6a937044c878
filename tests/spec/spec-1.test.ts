// The spec suite, shard 1 of 4 (see suite.ts).
import { specShard } from "./suite.ts";

specShard(0);
