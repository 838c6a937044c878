/**
 * Assets from folder to image: the pack's layout (read back here exactly as
 * boot/assets.c reads it), its order and determinism, the refusals, and the
 * same app answering identically under the Node harness and under KVM.
 */
import { mkdtempSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, test } from "vitest";
import { collectAssets, packAssets, readAssetFolder } from "../../toolchain/assets/index.ts";
import { buildApp } from "../../toolchain/build/index.ts";
import { BuildError } from "../../toolchain/diagnostics.ts";
import { root } from "../../toolchain/root.ts";
import { Harness } from "../harness/index.ts";
import { testImage } from "../support/images.ts";
import { hasKvm, runImage, warnNoKvm } from "../support/tender.ts";

const filesDir = path.join(root, "tests/apps/assets/files");

/** The pack, parsed as the guest parses it. */
function unpack(pack: Uint8Array): { name: string; bytes: Uint8Array }[] {
  const v = new DataView(pack.buffer, pack.byteOffset, pack.byteLength);
  expect(v.getUint32(0, true)).toBe(0x3141474d);
  const out = [];
  for (let i = 0; i < v.getUint32(4, true); i++) {
    const e = 8 + 16 * i;
    const [no, nl, d, size] = [0, 4, 8, 12].map((k) => v.getUint32(e + k, true));
    out.push({ name: Buffer.from(pack.subarray(no, no + nl)).toString(), bytes: pack.subarray(d, d + size) });
  }
  return out;
}

function fnv(bytes: Uint8Array): string {
  let h = 0x811c9dc5;
  for (const b of bytes) h = Math.imul(h ^ b, 0x01000193) >>> 0;
  return h.toString(16);
}

/** What tests/apps/assets prints for a folder. */
function expectedListing(dir: string): string {
  const files = readAssetFolder(dir);
  return [`assets: ${files.length}`, ...files.map((f) => `${f.path} ${f.bytes.length} ${fnv(f.bytes)}`), "missing: null"].join("\n");
}

describe("asset packs", () => {
  test("hold every file under the folder, by relative path, sorted, byte for byte", () => {
    const pack = packAssets(collectAssets({ dir: "files", option: "files" }, filesDir));
    const entries = unpack(pack);
    expect(entries.map((e) => e.name)).toEqual(["empty", "hello.txt", "sub/pattern.bin"]);
    for (const e of entries) expect(Buffer.from(e.bytes)).toEqual(readFileSync(path.join(filesDir, e.name)));
  });

  test("are the same bytes for the same files", () => {
    const a = packAssets(collectAssets({ dir: "files", option: "files" }, filesDir));
    const b = packAssets(collectAssets({ dir: "files", option: "files" }, filesDir));
    expect(Buffer.from(a)).toEqual(Buffer.from(b));
  });

  test("refuse a symbolic link, which could reach outside the folder", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "morgana-assets-"));
    writeFileSync(path.join(dir, "ok.txt"), "ok");
    symlinkSync("/etc/passwd", path.join(dir, "passwd"));
    expect(() => readAssetFolder(dir)).toThrow(/symbolic link/);
  });

  test("refuse an unknown asset compiler, naming the known ones", () => {
    try {
      collectAssets({ dir: "files", option: "files", compiler: "nonesuch" }, filesDir);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(BuildError);
      expect((e as BuildError).message).toMatch(/unknown asset compiler "nonesuch"/);
    }
  });
});

describe("the asset imports", () => {
  test("answer under the Node harness as the files are", async () => {
    const files = readAssetFolder(filesDir).map((f) => ({ name: f.path, bytes: f.bytes }));
    const h = await Harness.start("tests/apps/assets/main.ts", { assets: files });
    expect(h.console.trimEnd()).toBe(`${expectedListing(filesDir)}\npast end: 0`);
  });
});

warnNoKvm("assets end-to-end");
describe.skipIf(!hasKvm)("assets in an image", () => {
  test("read back whole, in pieces, under KVM", async () => {
    const r = await runImage(testImage("assets"));
    expect(r.status).toBe(0);
    expect(r.stdout.trimEnd()).toBe(`${expectedListing(filesDir)}\npast end: 0`);
  });

  test("come from the folder given at build time instead of the app's own", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "morgana-site-"));
    mkdirSync(path.join(dir, "deep/er"), { recursive: true });
    writeFileSync(path.join(dir, "index.html"), "<h1>mine</h1>\n");
    writeFileSync(path.join(dir, "deep/er/big.bin"), Buffer.alloc(70_000, 7));
    const out = mkdtempSync(path.join(tmpdir(), "morgana-out-"));
    const built = await buildApp(path.join(root, "tests/apps/assets"), { outDir: out, assetDirs: { files: dir } });
    const r = await runImage(built.image);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain(expectedListing(dir));
  });
});
