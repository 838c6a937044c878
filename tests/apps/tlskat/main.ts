// Test-only: runs the TLS known-answer tests at boot through BearSSL's
// binding (tests/tls/as/kat.ts: the primitives; tests/tls/as/rfc8448.ts:
// the key schedule and record layer on RFC 8448's trace), prints one line
// per check, and exits 0 when all pass, 1 otherwise.
import { exit } from "../../../libos/platform/exit";
import { runKats } from "../../tls/as/kat";
import { runRfc8448 } from "../../tls/as/rfc8448";

const failed = runKats() + runRfc8448();
exit(failed == 0 ? 0 : 1);
