/**
 * The link stage's output, read back with tests/support/elf.ts: what the
 * hvt tenders require of an image, and what the link stage promises.
 */
import { readFile, writeFile, mkdir } from "node:fs/promises";
import path from "node:path";
import { beforeAll, describe, expect, test } from "vitest";
import { BuildError } from "../../toolchain/diagnostics.ts";
import { link } from "../../toolchain/link/index.ts";
import { EM_X86_64, ET_EXEC, PF_W, PF_X, PT_INTERP, PT_LOAD, findNotes, readElf, type Elf } from "../support/elf.ts";
import { buildApp, root } from "./build.ts";

const devices = [
  { name: "service", type: "net" as const },
  { name: "storage", type: "block" as const },
];

let release: Elf;
let releaseBytes: number;
let debug: Elf;

beforeAll(async () => {
  const r = await buildApp("hello", { devices, variant: "devices" });
  releaseBytes = r.bytes;
  release = readElf(await readFile(r.image));
  const d = await buildApp("hello", { devices, debug: true, variant: "debug" });
  debug = readElf(await readFile(d.image));
});

describe("image", () => {
  test("is an ELF64 little-endian x86-64 executable", () => {
    expect(release.class).toBe(2);
    expect(release.data).toBe(1);
    expect(release.type).toBe(ET_EXEC);
    expect(release.machine).toBe(EM_X86_64);
  });

  test("is under 100 KB", () => {
    expect(releaseBytes).toBeLessThan(100 * 1024);
  });

  test("says ABI1: hvt, version 2", () => {
    const notes = findNotes(release, 0x31494241, 4);
    expect(notes).toHaveLength(1);
    const d = new DataView(notes[0].desc.buffer);
    expect([d.getUint32(0, true), d.getUint32(4, true)]).toEqual([1, 2]);
  });

  test("its MFT1 note lists exactly the declared devices after the reserved entry", () => {
    const notes = findNotes(release, 0x3154464d, 8);
    expect(notes).toHaveLength(1);
    const desc = notes[0].desc;
    const d = new DataView(desc.buffer, desc.byteOffset, desc.byteLength);
    expect(d.getUint32(0, true)).toBe(1); // version
    expect(d.getUint32(4, true)).toBe(3); // entries
    expect(desc.byteLength).toBe(8 + 3 * 104);
    const entry = (i: number) => {
      const o = 8 + i * 104;
      const raw = desc.subarray(o, o + 68);
      return {
        name: new TextDecoder().decode(raw.subarray(0, raw.indexOf(0))),
        type: d.getUint32(o + 68, true),
        rest: [...desc.subarray(o + 72, o + 104)].every((b) => b === 0),
      };
    };
    expect(entry(0)).toEqual({ name: "", type: 1 << 30, rest: true });
    expect(entry(1)).toEqual({ name: "service", type: 2, rest: true });
    expect(entry(2)).toEqual({ name: "storage", type: 1, rest: true });
  });

  test("has no segment both writable and executable", () => {
    const loads = release.segments.filter((s) => s.type === PT_LOAD);
    expect(loads.length).toBeGreaterThan(0);
    for (const s of loads) expect(s.flags & (PF_W | PF_X)).not.toBe(PF_W | PF_X);
  });

  test("loads at or above 0x100000, page aligned, in ascending order, segments not sharing a page", () => {
    let end = 0;
    for (const s of release.segments.filter((s) => s.type === PT_LOAD)) {
      expect(s.vaddr).toBeGreaterThanOrEqual(0x100000);
      expect(s.vaddr % 4096).toBe(0);
      expect(s.vaddr).toBeGreaterThanOrEqual(end);
      end = Math.ceil((s.vaddr + s.memsz) / 4096) * 4096;
    }
  });

  test("the writable segments (CPU tables, data) have file bytes (tenders skip segments without)", () => {
    const rw = release.segments.filter((s) => s.type === PT_LOAD && s.flags & PF_W);
    expect(rw).toHaveLength(2);
    for (const s of rw) expect(s.filesz).toBeGreaterThan(0);
    // The data segment carries .bss: the tender zeroes memsz beyond filesz.
    expect(rw[1].memsz).toBeGreaterThan(rw[1].filesz);
  });

  test("names /nonexistent/solo5/ as its interpreter", () => {
    const interp = release.segments.find((s) => s.type === PT_INTERP);
    expect(interp).toBeDefined();
    const text = new TextDecoder().decode(release.bytes.subarray(interp!.offset, interp!.offset + interp!.filesz));
    expect(text).toBe("/nonexistent/solo5/\0");
    expect(release.sections.map((s) => s.name)).toContain(".interp");
  });

  test("has no debug sections, unless built with debug", () => {
    const debugSections = (e: Elf) => e.sections.filter((s) => s.name.startsWith(".debug")).map((s) => s.name);
    expect(debugSections(release)).toEqual([]);
    expect(release.sections.map((s) => s.name)).not.toContain(".symtab");
    expect(debugSections(debug)).toContain(".debug_info");
  });
});

describe("link errors", () => {
  const dir = path.join(root, "build/tests/boot/errors");

  test("a compiler error is E_CC with the compiler's output", async () => {
    await mkdir(dir, { recursive: true });
    const bad = path.join(dir, "bad.c");
    await writeFile(bad, "#include \"wasm-rt.h\"\nvoid app_instantiate(void) { this is not C; }\n");
    const err = await link({ appC: bad, devices: [], out: path.join(dir, "bad.hvt"), buildDir: path.join(dir, "obj") }).catch((e) => e);
    expect(err).toBeInstanceOf(BuildError);
    expect(err.code).toBe("E_CC");
    expect(err.details.join("\n")).toMatch(/bad\.c:2:.*error/);
  });

  test("a missing compiler is E_CC_MISSING", async () => {
    const saved = process.env.MORGANA_CC;
    process.env.MORGANA_CC = "/nonexistent/gcc";
    try {
      const err = await link({
        appC: path.join(root, "tests/boot/apps/hello.c"),
        devices: [],
        out: path.join(dir, "none.hvt"),
        buildDir: path.join(dir, "obj-none"),
      }).catch((e) => e);
      expect(err).toBeInstanceOf(BuildError);
      expect(err.code).toBe("E_CC_MISSING");
    } finally {
      if (saved === undefined) delete process.env.MORGANA_CC;
      else process.env.MORGANA_CC = saved;
    }
  });

  test("a bad device list is E_MANIFEST before anything is compiled", async () => {
    const err = await link({
      appC: path.join(root, "tests/boot/apps/hello.c"),
      devices: [{ name: "tap-0", type: "net" }],
      out: path.join(dir, "m.hvt"),
      buildDir: path.join(dir, "obj-m"),
    }).catch((e) => e);
    expect(err.code).toBe("E_MANIFEST");
  });
});
