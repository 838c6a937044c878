/**
 * What the tender refuses before the guest runs: a bad command line, an
 * image that is not a Solo5 hvt ABI 2 executable, a malformed manifest, and
 * devices that do not match the manifest. Each refusal exits 1, prints one
 * line saying what is wrong (and what to do), and never starts the guest.
 * These run before KVM is opened, so they need no /dev/kvm.
 */
import { readFile, writeFile } from "node:fs/promises";
import { execFile } from "node:child_process";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { buildTender } from "../../toolchain/tender/build.ts";
import { buildGuest, outDir } from "./guests/build.ts";

let tender: string;
let good: string; // no devices
let net: string; // declares net "service"
let block: string; // declares block "storage"

/** Runs the tender to completion; these runs never get as far as KVM. */
function tend(args: string[]): Promise<{ status: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) =>
    execFile(tender, args, { timeout: 20_000 }, (err, stdout, stderr) => {
      const code = err ? (err as { code?: unknown }).code : 0;
      if (typeof code !== "number") return reject(err);
      resolve({ status: code, stdout, stderr });
    }),
  );
}

/** Expects a refusal: status 1, nothing from the guest, a message matching. */
async function refused(args: string[], message: RegExp): Promise<void> {
  const r = await tend(args);
  expect(r.stdout).toBe("");
  expect(r.stderr).toMatch(message);
  expect(r.status).toBe(1);
}

/** Copies `src` to NAME.hvt with bytes patched (offset -> little-endian value). */
async function patched(src: string, name: string, patch: (v: DataView) => void): Promise<string> {
  const bytes = new Uint8Array(await readFile(src));
  patch(new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  const out = path.join(outDir, `${name}.hvt`);
  await writeFile(out, bytes);
  return out;
}

// ELF64 field offsets (ELF-64 Object File Format 1.5, "ELF Header", "Program Header").
const E_CLASS = 4, E_TYPE = 16, E_MACHINE = 18, E_ENTRY = 24, E_PHOFF = 32;
const P_FLAGS = 4, P_VADDR = 16, P_MEMSZ = 40, PHENT = 56;
const phdr = (v: DataView, i: number) => Number(v.getBigUint64(E_PHOFF, true)) + i * PHENT;

beforeAll(async () => {
  tender = await buildTender();
  [good, net, block] = await Promise.all([
    buildGuest("refuse-good"),
    buildGuest("refuse-net", ["DEVICES=NET"]),
    buildGuest("refuse-block", ["DEVICES=BLOCK"]),
  ]);
});

describe("the command line", () => {
  it("needs a KERNEL", async () => {
    await refused([], /missing KERNEL/);
    await refused(["--mem=64"], /missing KERNEL/);
  });

  it("refuses unknown options and shows the usage", async () => {
    await refused(["--memory=64", good], /unknown option '--memory=64'[^]*usage:/);
  });

  it("prints the usage for --help and exits 0", async () => {
    const r = await tend(["--help"]);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^usage: morgana-hvt \[OPTIONS\] \[--\] KERNEL \[ARGS\.\.\.\]/);
    expect(r.stdout).toMatch(/--block-sector-size:NAME=N/);
  });

  it.each(["--mem=0", "--mem=", "--mem=abc", "--mem=64M", "--mem=-1"])("refuses %s", async (opt) => {
    await refused([opt, good], /--mem=.*expected a whole number of MiB/);
  });

  it("refuses more than 4096 MiB", async () => {
    await refused(["--mem=4098", good], /guest memory is at most 4096 MiB/);
  });

  it.each([
    ["--net-mac:service=02:00:00:00:00", /malformed MAC address/],
    ["--net-mac:service=02:00:00:00:00:0g", /malformed MAC address/],
    ["--net-mac:service=02-00-00-00-00-01", /malformed MAC address/],
    ["--net-mac:service=01:00:5e:00:00:01", /multicast address/],
    ["--net-mac:service=00:00:00:00:00:00", /all-zero MAC/],
  ])("refuses %s", async (opt, message) => {
    await refused([opt as string, net], message as RegExp);
  });

  it.each(["256", "1000", "65536", "x"])("refuses sector size %s", async (n) => {
    await refused([`--block-sector-size:storage=${n}`, block], /power of two from 512 to 32768/);
  });

  it.each(["--net:=tap0", "--net:ser-vice=tap0", "--net:service", "--block:storage="])(
    "refuses the malformed device option %s",
    async (opt) => {
      await refused([opt, net], /expected NAME=VALUE|nothing after '='/);
    },
  );
});

describe("the image", () => {
  it("refuses a file that is not ELF", async () => {
    const text = path.join(outDir, "not-elf.hvt");
    await writeFile(text, "#!/bin/sh\necho hello\n");
    await refused([text], /not an ELF file/);
  });

  it("refuses a missing file", async () => {
    await refused([path.join(outDir, "no-such.hvt")], /cannot open the image: No such file/);
  });

  it("refuses a 32-bit ELF", async () => {
    const img = await patched(good, "elf32", (v) => v.setUint8(E_CLASS, 1));
    await refused([img], /a 32-bit ELF file; hvt images are ELF64 x86-64/);
  });

  it("refuses another machine's ELF", async () => {
    const img = await patched(good, "aarch64", (v) => v.setUint16(E_MACHINE, 183, true));
    await refused([img], /built for another machine \(e_machine 183\)/);
  });

  it("refuses a shared object / PIE", async () => {
    const img = await patched(good, "pie", (v) => v.setUint16(E_TYPE, 3, true));
    await refused([img], /not an executable \(e_type 3: shared object or PIE\).*-no-pie/);
  });

  it("refuses an image without the ABI1 note", async () => {
    await refused([await buildGuest("no-abi", ["NO_ABI"])], /no Solo5 ABI1 note/);
  });

  it("refuses an image for another Solo5 target", async () => {
    await refused([await buildGuest("spt", ["ABI_TARGET=2"])], /built for Solo5 target 2, not hvt \(1\)/);
  });

  it("refuses another hvt ABI version", async () => {
    await refused([await buildGuest("abi1", ["ABI_VERSION=1"])], /hvt ABI version 1; this tender speaks version 2/);
  });

  it("refuses a segment below 0x100000", async () => {
    const img = await patched(good, "low", (v) => v.setBigUint64(phdr(v, 0) + P_VADDR, 0x80000n, true));
    await refused([img], /segment 0 starts at 0x80000, below 0x100000/);
  });

  it("refuses a writable and executable segment", async () => {
    const img = await patched(good, "wx", (v) => v.setUint32(phdr(v, 0) + P_FLAGS, 7, true));
    await refused([img], /segment 0 is both writable and executable/);
  });

  it("refuses an entry point outside the executable segment", async () => {
    // Segment 1 is the read-only data in guest.ld's layout.
    let rodata = 0n;
    const img = await patched(good, "entry", (v) => {
      rodata = v.getBigUint64(phdr(v, 1) + P_VADDR, true);
      v.setBigUint64(E_ENTRY, rodata, true);
    });
    await refused([img], new RegExp(`entry point 0x${rodata.toString(16)} is not inside a loaded executable segment`));
  });

  it("refuses a segment that does not fit in guest memory, saying how much is needed", async () => {
    // Grow the data segment (index 2, a few pages above 1 MiB) by 64 MiB.
    let end = 0n;
    const img = await patched(good, "big", (v) => {
      end = v.getBigUint64(phdr(v, 2) + P_VADDR, true) + 0x4000000n;
      v.setBigUint64(phdr(v, 2) + P_MEMSZ, 0x4000000n, true);
    });
    await refused(["--mem=64", img], new RegExp(`segment 2 ends at 0x${end.toString(16)}, beyond guest memory \\(64 MiB\\); give at least --mem=66`));
  });

  it("refuses a segment whose address wraps around", async () => {
    const img = await patched(good, "wrap", (v) =>
      v.setBigUint64(phdr(v, 2) + P_MEMSZ, 0xffffffffffff0000n, true),
    );
    await refused([img], /segment 2 wraps around the address space/);
  });
});

describe("the manifest", () => {
  it("refuses an image without one", async () => {
    await refused([await buildGuest("no-mft", ["NO_MFT"])], /no Solo5 MFT1 \(manifest\) note/);
  });

  it("refuses another manifest version", async () => {
    await refused([await buildGuest("mft-v2", ["MFT_VERSION_BAD"])], /manifest version 2; this tender reads version 1/);
  });

  it("refuses more than 64 entries", async () => {
    await refused([await buildGuest("mft-65", ["MFT_TOO_MANY"])], /malformed manifest: 65 entries \(1 to 64/);
  });

  it("refuses a size that does not match the entry count", async () => {
    await refused([await buildGuest("mft-short", ["DEVICES=NET", "MFT_SHORT"])], /malformed manifest: 216 bytes for 3 entries \(expected 320\)/);
  });

  it("refuses a first entry that is not the reserved one", async () => {
    await refused([await buildGuest("mft-noreserved", ["MFT_NO_RESERVED"])], /entry 0 must be the reserved entry/);
  });
});

describe("devices", () => {
  it("refuses a declared device that is not attached, saying which option attaches it", async () => {
    await refused([net], /declares the net device 'service' but it is not attached; add --net:service=TAP/);
    await refused([block], /declares the block device 'storage' but it is not attached; add --block:storage=PATH/);
  });

  it("refuses a device name the image does not declare, listing those it does", async () => {
    await refused(["--net:other=tap0", net], /--net:other=tap0: the image declares no device named 'other' \(it declares: service \(net\)\)/);
    await refused(["--block:disk=/dev/null", good], /declares no device named 'disk' \(it declares: none\)/);
  });

  it("refuses a device attached with the other type's option", async () => {
    await refused(["--block:service=/dev/null", net], /'service' is a net device in the image's manifest, not a block device; attach it with --net:service=/);
    await refused(["--net:storage=tap0", block], /'storage' is a block device in the image's manifest, not a net device; attach it with --block:storage=/);
    await refused(["--net-mac:storage=02:00:00:00:00:01", block], /'storage' is a block device/);
    await refused(["--block-sector-size:service=512", net], /'service' is a net device/);
  });

  it("refuses a tap that does not exist, saying how to create it", async () => {
    await refused(["--net:service=nosuchtap9", net], /nosuchtap9: no such network interface here; create the tap first: ip tuntap add dev nosuchtap9 mode tap/);
  });

  it("refuses a missing block file and one that is not whole sectors", async () => {
    await refused([`--block:storage=${path.join(outDir, "no-such-disk")}`, block], /cannot open the block device's file: No such file/);
    const odd = path.join(outDir, "odd.disk");
    await writeFile(odd, Buffer.alloc(1000));
    await refused([`--block:storage=${odd}`, block], /its size \(1000 bytes\) must be a whole number of 512-byte sectors/);
    const small = path.join(outDir, "small.disk");
    await writeFile(small, Buffer.alloc(1024));
    await refused([`--block-sector-size:storage=4096`, `--block:storage=${small}`, block], /must be a whole number of 4096-byte sectors, at least one/);
  });

  it("refuses a device attached twice", async () => {
    const disk = path.join(outDir, "twice.disk");
    await writeFile(disk, Buffer.alloc(4096));
    await refused([`--block:storage=${disk}`, `--block:storage=${disk}`, block], /device 'storage' is already attached/);
  });
});
