// The spec suite, shard 3 of 4 (see suite.ts).
import { specShard } from "./suite.ts";

specShard(2);
