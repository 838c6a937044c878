// TCP segmentation offload end to end: website.hvt serves a 3 MiB file
// through a tap of MTU 1500, and curl gets it byte for byte, with net rings
// (the guest hands Morgana's tender super-segments of up to 64 KiB, which
// the kernel cuts: the tender's exit stats count them) and without
// (--x-no-net-rings: one hypercall a frame, nothing offloaded). The
// tender is always Morgana's own (--x-exit-stats is not Solo5's).
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { createHash, randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { root } from "../../toolchain/root.ts";
import { buildApp } from "../../toolchain/build/index.ts";
import { buildTender } from "../../toolchain/tender/build.ts";
import { createNetns, hasNetns, warnNoNetns, type Netns } from "../support/netns.ts";
import { hasKvm, warnNoKvm } from "../support/tender.ts";

const usable = hasKvm && hasNetns;
if (!hasKvm) warnNoKvm("website segmentation offload");
if (!hasNetns) warnNoNetns("website segmentation offload");

const sha = (b: Uint8Array) => createHash("sha256").update(b).digest("hex");
const SIZE = 3 << 20;

describe.skipIf(!usable)("website.hvt with TCP segmentation offload, tap MTU 1500", () => {
  let tmp: string;
  let image: string;
  let tender: string;
  let data: Buffer;

  beforeAll(async () => {
    tmp = mkdtempSync(path.join(tmpdir(), "website-tso-"));
    const site = path.join(tmp, "site");
    mkdirSync(site);
    data = randomBytes(SIZE);
    writeFileSync(path.join(site, "big.bin"), data);
    writeFileSync(path.join(site, "index.html"), "<p>tso</p>\n");
    tender = await buildTender();
    image = (await buildApp(path.join(root, "apps", "website"), {
      outDir: path.join(tmp, "out"), assetDirs: { site },
    })).image;
  }, 300_000);
  afterAll(() => {
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  /** Boot, fetch big.bin twice (two connections), stop; the body bytes and
   * the tender's exit stats line. */
  async function fetchBig(ns: Netns, tenderArgs: string[]) {
    const child = ns.spawn([tender, `--net:service=${ns.tap}`, "--x-exit-stats", ...tenderArgs, "--", image,
      "--ipv4=10.0.0.2/24"]);
    let out = "";
    child.stdout!.setEncoding("utf8").on("data", (d: string) => (out += d));
    child.stderr!.setEncoding("utf8").on("data", (d: string) => (out += d));
    const exited = new Promise<number | null>((resolve) => child.on("close", (c) => resolve(c)));
    const end = Date.now() + 10_000;
    while (!/\[website\] serving/.test(out)) {
      if (child.exitCode !== null || Date.now() > end) throw new Error(`website.hvt did not start:\n${out}`);
      await new Promise((r) => setTimeout(r, 25));
    }
    const bodies: Buffer[] = [];
    for (let i = 0; i < 2; i++) {
      const body = path.join(tmp, `body${i}`);
      const r = await ns.exec(["curl", "-s", "-m", "20", "-o", body, "http://10.0.0.2/big.bin"]);
      expect(r.status, `curl: ${r.stderr}\n${out}`).toBe(0);
      bodies.push(readFileSync(body));
    }
    process.kill(child.pid!, "SIGTERM");
    await exited;
    const stats = /exit stats: .*; net service (rings|no rings) rx (\d+) tx (\d+) rx_errors (\d+) tx_errors (\d+) tso (\d+) tx_dropped (\d+) rx_dropped (\d+)/.exec(out);
    expect(stats, out).not.toBeNull();
    const [, rings, rx, tx, rxErrors, txErrors, tso, txDropped, rxDropped] = stats!;
    return { bodies, out, rings, rx: +rx, tx: +tx, rxErrors: +rxErrors, txErrors: +txErrors, tso: +tso, txDropped: +txDropped, rxDropped: +rxDropped };
  }

  test("with net rings: byte for byte, mostly in super-segments the kernel cuts", async () => {
    const ns = await createNetns();
    try {
      const mtu = await ns.exec(["cat", `/sys/class/net/${ns.tap}/mtu`]);
      expect(mtu.stdout.trim()).toBe("1500");
      const r = await fetchBig(ns, []);
      for (const b of r.bodies) expect(sha(b)).toBe(sha(data));
      expect(r.rings).toBe("rings");
      expect(r.txDropped).toBe(0);
      expect(r.txErrors).toBe(0);
      expect(r.rxDropped).toBe(0);
      // 6 MiB in 1448-byte segments would be about 4,350 frames; with
      // super-segments of up to 45 segments, far fewer frames leave the ring.
      expect(r.tso).toBeGreaterThan(2 * SIZE / 65536);
      expect(r.tx).toBeLessThan(2 * SIZE / 1448 / 4);
    } finally {
      await ns.destroy();
    }
  }, 120_000);

  test("with --x-no-net-rings: byte for byte, one hypercall a frame, nothing offloaded", async () => {
    const ns = await createNetns();
    try {
      const r = await fetchBig(ns, ["--x-no-net-rings"]);
      for (const b of r.bodies) expect(sha(b)).toBe(sha(data));
      expect(r.rings).toBe("no rings");
      expect(r.tso).toBe(0);
      expect(r.rxDropped).toBe(0);
      const netwrite = /netwrite (\d+)/.exec(r.out);
      expect(Number(netwrite![1])).toBeGreaterThan(2 * SIZE / 1500);
    } finally {
      await ns.destroy();
    }
  }, 120_000);
});
