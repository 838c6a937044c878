/**
 * The guest memory an image needs, as the image itself says it: the memory
 * note the linker script writes (boot/morgana_abi.h, MORGANA_NOTE_MEMORY:
 * name "Morgana", type "MEM1", a u64 of bytes at offset 20 of the note),
 * so that the build, the image and Morgana's tender give the same figure.
 *
 * The link stage also needs the Wasm memory's initial size to hand the
 * linker; the lowering writes it as `const u32 PREFIX_memory0_initial_pages`.
 */
const NOTE_MEMORY = 0x314d454d;
const PT_NOTE = 4;

/** Bytes of guest memory the image needs, or undefined without the note. */
export function imageMemory(elf: Uint8Array): number | undefined {
  const v = new DataView(elf.buffer, elf.byteOffset, elf.byteLength);
  if (elf.length < 64 || v.getUint32(0, false) !== 0x7f454c46) return undefined;
  const phoff = Number(v.getBigUint64(32, true)), phentsize = v.getUint16(54, true), phnum = v.getUint16(56, true);
  for (let i = 0; i < phnum; i++) {
    const o = phoff + i * phentsize;
    if (o + 56 > elf.length || v.getUint32(o, true) !== PT_NOTE) continue;
    const off = Number(v.getBigUint64(o + 8, true)), size = Number(v.getBigUint64(o + 32, true));
    if (size < 28 || off + 28 > elf.length) continue;
    const name = new TextDecoder().decode(elf.subarray(off + 12, off + 19));
    if (v.getUint32(off, true) === 8 && v.getUint32(off + 8, true) === NOTE_MEMORY && name === "Morgana")
      return Number(v.getBigUint64(off + 20, true));
  }
  return undefined;
}

/** The least --mem (MiB) that holds `bytes`: hvt tenders round guest
 * memory down to 2 MiB, so there an even number; solo5-spt takes any
 * (MORGANA_MIN_MEM_MIB). */
export const minimumMem = (bytes: number, target: "hvt" | "spt" = "hvt"): number =>
  target === "spt" ? Math.ceil(bytes / (1 << 20)) : Math.ceil(bytes / (2 << 20)) * 2;

/** The lowered application's initial Wasm memory in bytes (0 for C with
 * no Wasm memory, such as the hand-written test guests). */
export function initialMemoryBytes(appC: string, prefix = "app"): number {
  const m = new RegExp(`const u32 ${prefix}_memory0_initial_pages = (\\d+)u;`).exec(appC);
  return m ? Number(m[1]) * 65536 : 0;
}
