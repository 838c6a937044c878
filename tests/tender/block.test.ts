/**
 * Block devices: a file attached with --block, read and written by the
 * guest through the block hypercalls; the file's bytes are checked from
 * the host. I/O that is not sector aligned or not inside the device comes
 * back EINVAL (2) without stopping the guest; a wild buffer stops it.
 */
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildTender } from "../../toolchain/tender/build.ts";
import { hasKvm, runImage, warnNoKvm } from "../support/tender.ts";
import { buildGuest, values } from "./guests/build.ts";

warnNoKvm("tests/tender/block");

const EINVAL = "2";

describe.skipIf(!hasKvm)("block devices", () => {
  let tender: string;
  let image: string;
  let dir: string;
  beforeAll(async () => {
    tender = await buildTender();
    image = await buildGuest("block", ["DEVICES=BLOCK"]);
    dir = await mkdtemp(path.join(tmpdir(), "morgana-tender-block-"));
  });
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  async function disk(name: string, size: number): Promise<string> {
    const file = path.join(dir, name);
    await writeFile(file, Buffer.alloc(size));
    return file;
  }

  const run = (args: string[], tenderArgs: string[]) =>
    runImage(image, { args, tenderArgs: ["--mem=32", ...tenderArgs], tender });

  it("shows capacity, sector size and attached in the manifest copy", async () => {
    const file = await disk("info.disk", 64 * 1024);
    const r = await run(["mft"], [`--block:storage=${file}`]);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain("dev1 name=storage type=0x1 attached=1 capacity=65536 block_size=512 host=0x0\n");
  });

  it.each([512, 4096])("reads and writes whole sectors of %i bytes and refuses the rest", async (bs) => {
    const size = 16 * bs;
    const file = await disk(`io-${bs}.disk`, size);
    const r = await run(["blk"], [`--block-sector-size:storage=${bs}`, `--block:storage=${file}`]);
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    const v = values(r.stdout);
    expect(v.capacity).toBe(String(size));
    expect(v.block_size).toBe(String(bs));
    expect([v.write_sector1, v.read_sector1, v.read_matches, v.write_last]).toEqual(["0", "0", "1", "0"]);
    expect(v.write_unaligned_offset).toBe(EINVAL);
    expect(v.read_unaligned_len).toBe(EINVAL);
    expect(v.read_at_capacity).toBe(EINVAL);
    expect(v.write_past_end).toBe(EINVAL);
    expect(v.read_offset_wraps).toBe(EINVAL);
    expect(v.read_net_handle).toBe(EINVAL); // handle 0: the reserved entry
    expect(v.read_handle_99).toBe(EINVAL);

    // What reached the file: sector 1 is A..Z repeated, the last sector is
    // all Z, and nothing else was written (the refused I/O changed nothing).
    const bytes = await readFile(file);
    expect(bytes.length).toBe(size);
    const expected = Buffer.alloc(size);
    for (let i = 0; i < bs; i++) expected[bs + i] = 65 + (i % 26);
    expected.fill("Z", size - bs);
    expect(bytes.equals(expected)).toBe(true);
  });

  it("stops a guest that hands blkread a buffer outside its memory", async () => {
    const file = await disk("wild.disk", 4096);
    const r = await run(["wildblk"], [`--block:storage=${file}`]);
    expect(r.status).toBe(255);
    expect(r.stderr).toMatch(/hypercall blkread: the guest passed address 0xfffff000, length 0x200, .*\[toolchain\/tender\/block\.c:\d+\]/);
  });
});
