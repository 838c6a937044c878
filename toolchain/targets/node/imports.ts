/**
 * Platform imports (boot/README.md) that answer the same under the test
 * harness's fake machine (tests/harness) and on the node target: the
 * command line, the read-only assets, AssemblyScript strings. Each takes
 * `bytes(ptr, len)`, a checked view of the guest's memory.
 */
export type GuestBytes = (ptr: number, len: number) => Uint8Array;

export interface GuestAsset {
  name: Uint8Array;
  bytes: Uint8Array;
}

/** Assets with their names encoded, as the imports hand them out. */
export function encodeAssets(assets: { name: string; bytes: Uint8Array }[]): GuestAsset[] {
  return assets.map((a) => ({ name: Buffer.from(a.name, "utf8"), bytes: a.bytes }));
}

/** Copy up to cap bytes of `text` to ptr; its whole length (the cmdline
 * and assetName contract). */
export function copyOut(text: Uint8Array, bytes: GuestBytes, ptr: number, cap: number): number {
  const n = Math.min(cap, text.length);
  if (n > 0) bytes(ptr, n).set(text.subarray(0, n));
  return text.length;
}

/** The asset imports, as boot/assets.c answers them. */
export function assetImports(assets: GuestAsset[], bytes: GuestBytes) {
  return {
    assetCount: () => assets.length,
    assetName: (index: number, ptr: number, cap: number) => {
      const a = assets[index];
      return a ? copyOut(a.name, bytes, ptr, cap) : -1;
    },
    assetSize: (index: number) => assets[index]?.bytes.length ?? -1,
    assetRead: (index: number, offset: number, ptr: number, len: number) => {
      const a = assets[index];
      if (!a) return -1;
      const dst = bytes(ptr, len);
      if (offset >= a.bytes.length) return 0;
      const n = Math.min(len, a.bytes.length - offset);
      dst.set(a.bytes.subarray(offset, offset + n));
      return n;
    },
  };
}

/** An AssemblyScript string from its pointer (null for 0): UTF-16, its
 * byte length in the object header just before. */
export function guestString(memory: ArrayBuffer, ptr: number): string | null {
  if (ptr === 0) return null;
  const len = new Uint32Array(memory, ptr - 4, 1)[0];
  return Buffer.from(memory, ptr, len).toString("utf16le");
}

/** A checked view of `memory()`: out of range is the trap the boot stub
 * reports for a bad pointer handed to an import. */
export function guestBytes(memory: () => ArrayBuffer): GuestBytes {
  return (ptr, len) => {
    const buf = memory();
    if (ptr < 0 || len < 0 || ptr + len > buf.byteLength) {
      throw new WebAssembly.RuntimeError("out of bounds memory access (platform import)");
    }
    return new Uint8Array(buf, ptr, len);
  };
}
