/**
 * A guest that misbehaves is stopped, with status 255 and one line saying
 * what it did: a wild pointer or length in a hypercall (the message names
 * the hypercall and the tender's file:line), a hypercall that does not
 * exist, port I/O that is not a hypercall, a triple fault, an access
 * outside guest memory, HLT with interrupts off.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { buildTender } from "../../toolchain/tender/build.ts";
import { hasKvm, runImage, warnNoKvm } from "../support/tender.ts";
import { buildGuest } from "./guests/build.ts";

warnNoKvm("tests/tender/faults");

describe.skipIf(!hasKvm)("a misbehaving guest is stopped", () => {
  let tender: string;
  let image: string;
  beforeAll(async () => {
    tender = await buildTender();
    image = await buildGuest("faults");
  });

  async function stopped(command: string, message: RegExp): Promise<void> {
    const r = await runImage(image, { args: [command], tenderArgs: ["--mem=32"], tender });
    expect(r.stderr).toMatch(message);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.status).toBe(255);
  }

  const where = (file: string) => `\\[toolchain/tender/${file}:\\d+\\]\n?$`;

  it("on a wild data pointer in puts", async () => {
    await stopped("wildputs", new RegExp(`hypercall puts: the guest passed address 0xfffff000, length 0x10, which is not inside its memory \\(0x2000000 bytes\\); guest stopped ${where("hypercall.c")}`));
  });

  it("on a length that wraps around", async () => {
    await stopped("wildlen", new RegExp(`hypercall puts: the guest passed address 0x100000, length 0xffffffffffffff00,.*${where("hypercall.c")}`));
  });

  it("on an argument struct outside memory", async () => {
    await stopped("wildarg", new RegExp(`hypercall walltime: the guest passed address 0xfffff000, length 0x8,.*${where("hypercall.c")}`));
  });

  it("on a halt cookie without 512 readable bytes", async () => {
    await stopped("wildcookie", new RegExp(`hypercall halt: the guest passed address 0x1ffff9c, length 0x200,.*${where("hypercall.c")}`));
  });

  it("on a hypercall number that does not exist", async () => {
    await stopped("badcall", new RegExp(`made hypercall 0 \\(port 0x500\\), which does not exist.*${where("hypercall.c")}`));
  });

  it("on port I/O that is not a hypercall", async () => {
    await stopped("badport", new RegExp(`wrote to I/O port 0x80 \\(1 bytes\\).*only 32-bit writes to ports 0x501-0x508 are hypercalls.*${where("run.c")}`));
  });

  it("on a triple fault", async () => {
    await stopped("triple", new RegExp(`the guest triple-faulted .*rip 0x[0-9a-f]+, rsp 0x[0-9a-f]+, cr2 0x0; guest stopped ${where("run.c")}`));
  });

  it("on an access beyond guest memory (MMIO)", async () => {
    await stopped("mmio", new RegExp(`the guest wrote 8 bytes at 0x2001000, outside its memory \\(0x2000000 bytes\\).*${where("run.c")}`));
  });

  it("on HLT with interrupts off", async () => {
    await stopped("hlt", new RegExp(`executed HLT with interrupts off .*halt hypercall instead.*${where("run.c")}`));
  });
});
