// A test-only unikernel that lists its assets: name, size and an FNV-1a
// hash of the contents read in 1000-byte pieces (so offsets are exercised),
// then tries a missing name and a read past the end.
import { assets, findAsset, println } from "../../../libos/platform";

const piece = new Uint8Array(1000);
const list = assets();
println("assets: " + list.length.toString());
for (let i = 0; i < list.length; i++) {
  const a = list[i];
  let h: u32 = 0x811c9dc5;
  let offset = 0;
  for (;;) {
    const n = a.read(offset, piece);
    if (n == 0) break;
    for (let k = 0; k < n; k++) h = (h ^ piece[k]) * 0x01000193;
    offset += n;
  }
  println(a.name + " " + a.size.toString() + " " + h.toString(16));
}
println("missing: " + (findAsset("no/such/file") === null ? "null" : "found"));
if (list.length > 0) {
  const first = list[0];
  println("past end: " + first.read(first.size + 10, piece).toString());
}
