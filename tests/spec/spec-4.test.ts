// The spec suite, shard 4 of 4 (see suite.ts).
import { specShard } from "./suite.ts";

specShard(3);
