// Entry for tests/dns/server.test.ts: apps/dns itself, run by the harness.
// Its top-level code boots it (boot arguments, zones from the harness's
// asset pack, UDP and TCP on port 53) and runs the loop until nothing is
// left to do now; the test then delivers frames and turns the loop.
import "../../../apps/dns/main";
import { step } from "../../../libos/platform/index";

/** One turn of the event loop, without waiting. */
export function turn(): void {
  step(false);
}
