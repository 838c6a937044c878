// Test-only: runs the crypto known-answer tests (tests/tls/as/kat.ts) at
// boot through BearSSL's binding, prints one line per check, and exits 0
// when all pass, 1 otherwise.
import { exit } from "../../../libos/platform/exit";
import { runKats } from "../../tls/as/kat";

exit(runKats() == 0 ? 0 : 1);
