/**
 * A small ELF64 little-endian reader for image checks: the file header,
 * program headers, section headers with their names, and the notes of a
 * PT_NOTE segment read as Solo5 tenders read them (the first note of the
 * segment, its descriptor at `align`ed offset after a 20-byte header).
 */
export interface ElfSegment {
  type: number;
  flags: number;
  offset: number;
  vaddr: number;
  paddr: number;
  filesz: number;
  memsz: number;
  align: number;
}

export interface ElfSection {
  name: string;
  type: number;
  flags: number;
  addr: number;
  offset: number;
  size: number;
}

export interface ElfNote {
  name: string;
  type: number;
  /** The descriptor as the tender reads it: after `align` padding, which
   * counts in descsz. */
  desc: Uint8Array;
}

export interface Elf {
  class: number;
  data: number;
  type: number;
  machine: number;
  entry: number;
  segments: ElfSegment[];
  sections: ElfSection[];
  bytes: Uint8Array;
}

export const PT_LOAD = 1;
export const PT_INTERP = 3;
export const PT_NOTE = 4;
export const PF_X = 1;
export const PF_W = 2;
export const PF_R = 4;
export const ET_EXEC = 2;
export const EM_X86_64 = 62;

export function readElf(input: Uint8Array): Elf {
  // A plain copy: a Node Buffer's slice() is a view into a shared pool.
  const bytes = new Uint8Array(input);
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (v.getUint32(0, false) !== 0x7f454c46) throw new Error("not an ELF file");
  const u64 = (o: number) => Number(v.getBigUint64(o, true));
  const phoff = u64(32), shoff = u64(40);
  const phentsize = v.getUint16(54, true), phnum = v.getUint16(56, true);
  const shentsize = v.getUint16(58, true), shnum = v.getUint16(60, true), shstrndx = v.getUint16(62, true);
  const segments: ElfSegment[] = [];
  for (let i = 0; i < phnum; i++) {
    const o = phoff + i * phentsize;
    segments.push({
      type: v.getUint32(o, true),
      flags: v.getUint32(o + 4, true),
      offset: u64(o + 8),
      vaddr: u64(o + 16),
      paddr: u64(o + 24),
      filesz: u64(o + 32),
      memsz: u64(o + 40),
      align: u64(o + 48),
    });
  }
  const raw = [];
  for (let i = 0; i < shnum; i++) {
    const o = shoff + i * shentsize;
    raw.push({
      nameOff: v.getUint32(o, true),
      type: v.getUint32(o + 4, true),
      flags: u64(o + 8),
      addr: u64(o + 16),
      offset: u64(o + 24),
      size: u64(o + 32),
    });
  }
  const strtab = raw[shstrndx];
  const cstr = (o: number) => {
    let end = o;
    while (bytes[end] !== 0) end++;
    return new TextDecoder().decode(bytes.subarray(o, end));
  };
  const sections = raw.map((s) => ({ ...s, name: strtab ? cstr(strtab.offset + s.nameOff) : "" }));
  return {
    class: bytes[4],
    data: bytes[5],
    type: v.getUint16(16, true),
    machine: v.getUint16(18, true),
    entry: u64(24),
    segments,
    sections,
    bytes,
  };
}

/** The first note of a PT_NOTE segment, its descriptor `align`-aligned. */
export function segmentNote(elf: Elf, seg: ElfSegment, align: 4 | 8): ElfNote {
  const v = new DataView(elf.bytes.buffer, elf.bytes.byteOffset + seg.offset, seg.filesz);
  const namesz = v.getUint32(0, true), descsz = v.getUint32(4, true), type = v.getUint32(8, true);
  const name = new TextDecoder().decode(elf.bytes.subarray(seg.offset + 12, seg.offset + 12 + namesz - 1));
  const header = 12 + ((namesz + 3) & ~3);
  const start = (header + align - 1) & ~(align - 1);
  const pad = start - header;
  if (header + descsz > seg.filesz) throw new Error(`note overruns its segment: ${header + descsz} > ${seg.filesz}`);
  return { name, type, desc: elf.bytes.slice(seg.offset + start, seg.offset + start + descsz - pad) };
}

/** Every PT_NOTE segment's first note whose name and type match. */
export function findNotes(elf: Elf, type: number, align: 4 | 8): ElfNote[] {
  return elf.segments
    .filter((s) => s.type === PT_NOTE)
    .map((s) => segmentNote(elf, s, align))
    .filter((n) => n.name === "Solo5" && n.type === type);
}
