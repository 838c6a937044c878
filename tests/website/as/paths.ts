// Entry for tests/website/paths.test.ts: apps/website/paths.ts on request
// targets given as input bytes (latin1, as they arrive on the wire).
import { directoryLocation, resolveTarget } from "../../../apps/website/paths";
export { inputBuffer, outputPtr, outputLen } from "../../harness/as/io";
import { inputBytes } from "../../harness/as/io";

/** "name|dir|location" for the input target, or "400". */
export function resolve(): string {
  const b = inputBytes();
  let t = "";
  for (let i = 0; i < b.length; i++) t += String.fromCharCode(b[i]);
  const r = resolveTarget(t);
  if (r === null) return "400";
  return r.name + "|" + (r.directory ? "dir" : "file") + "|" + directoryLocation(r);
}
