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

// The Authority alone, over the same zones, for hostile queries by the
// thousand without the stack in between.
import { Authority, ZoneTable } from "../../../libos/dns/index";
import { findAsset } from "../../../libos/platform/index";
export { inputBuffer, outputPtr, outputLen } from "../../harness/as/io";
import { inputBytes, setOutput } from "../../harness/as/io";

// Made on first use: the app's run() above ends the top-level code (the
// harness stops it when there is nothing left to wait for), so nothing
// after the import runs at start.
let authority: Authority | null = null;
let out = new Uint8Array(0);

/** Answer the input as a query; the answer's length (output: its bytes). */
export function answer(tcp: bool): i32 {
  if (authority === null) {
    authority = new Authority(ZoneTable.load(findAsset("zones.bin")!.bytes())!);
    out = new Uint8Array(65535);
  }
  const q = inputBytes();
  const n = authority!.answer(q, q.byteLength, out, tcp);
  setOutput(out.subarray(0, n));
  return n;
}
