// Entry for tests/dns/authority.test.ts: an Authority over any zone table
// the test hands in (compiled from its own zones, or corrupted on
// purpose), answering queries given as bytes.
import { Authority, ZoneTable } from "../../../libos/dns/index";
export { inputBuffer, outputPtr, outputLen } from "../../harness/as/io";
import { inputBytes, setOutput } from "../../harness/as/io";

let authority: Authority | null = null;
const out = new Uint8Array(65535);

/** Load the input as the zone table: "" if it loads, else the reason. The
 * input buffer is the table's from now on (the next input is a new one). */
export function load(maxUdp: i32): string {
  const t = new ZoneTable(inputBytes());
  const why = t.check();
  authority = why === null ? new Authority(t, maxUdp) : null;
  return why === null ? "" : why!;
}

/** Answer the input as a query, into the same buffer every time (as the
 * server does); the answer's length (output: its bytes). */
export function answer(tcp: bool): i32 {
  const q = inputBytes();
  const n = authority!.answer(q, q.byteLength, out, tcp);
  setOutput(out.subarray(0, n));
  return n;
}
