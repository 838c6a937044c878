// Assets: read-only files embedded in the image at build time (a website,
// compiled DNS zones), outside the linear memory. Nothing is copied until
// read: `read` copies a range straight into the caller's buffer, so a large
// file can be streamed in pieces without ever being whole in memory.
import { assetCount, assetName, assetRead, assetSize } from "./abi";

export class Asset {
  constructor(
    readonly index: i32,
    /** Path inside the assets folder, '/'-separated, e.g. "css/site.css". */
    readonly name: string,
    readonly size: i32,
  ) {}

  /** Copy up to `len` bytes from `offset` to `ptr`; the number copied
   * (0 at or past the end). */
  readInto(offset: i32, ptr: usize, len: i32): i32 {
    if (offset < 0 || len <= 0) return 0;
    const n = assetRead(this.index, offset, ptr, len);
    return n < 0 ? 0 : n;
  }

  /** Copy from `offset` into `dst` (as much as fits); the number copied. */
  read(offset: i32, dst: Uint8Array): i32 {
    return this.readInto(offset, dst.dataStart, dst.length);
  }

  /** The whole asset, copied: for small assets only. */
  bytes(): Uint8Array {
    const out = new Uint8Array(this.size);
    this.read(0, out);
    return out;
  }
}

let table: Map<string, Asset> | null = null;
let list: Asset[] = [];

function load(): Map<string, Asset> {
  let t = table;
  if (t !== null) return t;
  t = new Map<string, Asset>();
  const n = assetCount();
  for (let i = 0; i < n; i++) {
    const len = assetName(i, 0, 0);
    if (len < 0) continue;
    const buf = new ArrayBuffer(len);
    assetName(i, changetype<usize>(buf), len);
    const a = new Asset(i, String.UTF8.decode(buf), assetSize(i));
    t.set(a.name, a);
    list.push(a);
  }
  table = t;
  return t;
}

/** The asset with this path, or null. */
export function findAsset(name: string): Asset | null {
  const t = load();
  return t.has(name) ? t.get(name) : null;
}

/** Every asset, in path order. */
export function assets(): Asset[] {
  load();
  return list;
}
