/**
 * The images `npm run build` makes for each target, read back as the Solo5
 * tenders read them: ELF64 x86-64 executables whose ABI1 note says hvt v2
 * (or spt v2, for dist/NAME.spt), whose MFT1 note
 * lists exactly the devices of app.json after the reserved entry, with no
 * segment both writable and executable and every load address at or above
 * 0x100000, and no debug information.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, test } from "vitest";
import { listApps, loadApp } from "../../toolchain/app/index.ts";
import { root } from "../../toolchain/root.ts";
import { EM_X86_64, ET_EXEC, PF_W, PF_X, PT_INTERP, PT_LOAD, findNotes, readElf } from "../support/elf.ts";
import { appImage } from "../support/images.ts";

const ABI1 = 0x31494241;
const MFT1 = 0x3154464d;

const images = listApps(path.join(root, "apps")).flatMap((name) => (["hvt", "spt"] as const).map((target) => [name, target] as const));

describe.each(images)("dist/%s.%s", (name, target) => {
  const bytes = readFileSync(appImage(name, target));
  const elf = readElf(bytes);
  const app = loadApp(path.join(root, "apps", name));

  test("is an ELF64 x86-64 executable", () => {
    expect(elf.class).toBe(2);
    expect(elf.type).toBe(ET_EXEC);
    expect(elf.machine).toBe(EM_X86_64);
  });

  test(`its ABI1 note says ${target}, version 2`, () => {
    const notes = findNotes(elf, ABI1, 4);
    expect(notes).toHaveLength(1);
    const d = new DataView(notes[0].desc.buffer, notes[0].desc.byteOffset, notes[0].desc.byteLength);
    expect([d.getUint32(0, true), d.getUint32(4, true)]).toEqual([target === "hvt" ? 1 : 2, 2]);
  });

  test("its MFT1 note lists exactly the declared devices after the reserved entry", () => {
    const notes = findNotes(elf, MFT1, 8);
    expect(notes).toHaveLength(1);
    const desc = notes[0].desc;
    const d = new DataView(desc.buffer, desc.byteOffset, desc.byteLength);
    expect(d.getUint32(0, true)).toBe(1);
    const entries = d.getUint32(4, true);
    const list = [];
    for (let i = 0; i < entries; i++) {
      const o = 8 + i * 104;
      const raw = desc.subarray(o, o + 68);
      list.push({ name: Buffer.from(raw.subarray(0, raw.indexOf(0))).toString(), type: d.getUint32(o + 68, true) });
    }
    expect(list[0]).toEqual({ name: "", type: 1 << 30 });
    expect(list.slice(1)).toEqual(app.devices.map((dev) => ({ name: dev.name, type: dev.type === "net" ? 2 : 1 })));
  });

  test("no segment is both writable and executable; loads start at or above 0x100000", () => {
    const loads = elf.segments.filter((s) => s.type === PT_LOAD);
    expect(loads.length).toBeGreaterThan(0);
    for (const s of loads) {
      expect(s.flags & (PF_W | PF_X)).not.toBe(PF_W | PF_X);
      expect(s.vaddr).toBeGreaterThanOrEqual(0x100000);
      expect(s.paddr).toBeGreaterThanOrEqual(0x100000);
    }
  });

  test("names /nonexistent/solo5/ as its interpreter, carries no debug information", () => {
    const interp = elf.segments.find((s) => s.type === PT_INTERP)!;
    expect(Buffer.from(bytes.subarray(interp.offset, interp.offset + interp.filesz)).toString()).toMatch(/^\/nonexistent\/solo5\/\0?$/);
    expect(elf.sections.filter((s) => s.name.startsWith(".debug"))).toEqual([]);
  });
});

test("hello.hvt is under 100 KB", () => {
  expect(readFileSync(appImage("hello")).length).toBeLessThan(100 * 1024);
});
