// A 10 MiB file from website.hvt through the seeded impairment forwarder
// (tests/impair): 5% loss, reordering, duplication and some corruption in
// both directions, and it must arrive intact. The site is made here (a
// seeded pseudo-random file) and built into an image of its own with
// --site, as a user would.
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { buildApp } from "../../toolchain/build/index.ts";
import { root } from "../../toolchain/root.ts";
import { createLink, type Impairments } from "../impair/link.ts";
import { hasNetns, warnNoNetns } from "../support/netns.ts";
import type { Target } from "../support/images.ts";
import { hvtTenders, skipReason } from "../support/tender.ts";
import { Unikernel } from "./unikernel.ts";

if (!hasNetns) warnNoNetns("website through impairments");

const BIG = 10 << 20;

/** Deterministic bytes (xorshift32 from `seed`). */
function noise(len: number, seed: number): Uint8Array {
  const out = new Uint8Array(len);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < len; i += 4) {
    x ^= x << 13; x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5; x >>>= 0;
    out[i] = x & 0xff; out[i + 1] = (x >>> 8) & 0xff; out[i + 2] = (x >>> 16) & 0xff; out[i + 3] = x >>> 24;
  }
  return out;
}

const sha = (b: Uint8Array) => createHash("sha256").update(b).digest("hex");

/** The site with the big file, made once for every tender. */
let made: Promise<{ site: string; big: Uint8Array }> | null = null;
function bigSite() {
  made ??= (async () => {
    const site = mkdtempSync(path.join(tmpdir(), "website-big-"));
    const big = noise(BIG, 20240101);
    writeFileSync(path.join(site, "big.bin"), big);
    writeFileSync(path.join(site, "index.html"), "<!DOCTYPE html><title>big</title><a href=big.bin>big</a>\n");
    return { site, big };
  })();
  return made;
}
/** Its image for `target`, built once. */
const images = new Map<Target, Promise<string>>();
function bigImage(target: Target): Promise<string> {
  if (!images.has(target))
    images.set(target, bigSite().then(async ({ site }) => (await buildApp(path.join(root, "apps", "website"), {
      outDir: path.join(root, "build", "test-images", "website-big"),
      assetDirs: { site },
      target,
    })).image));
  return images.get(target)!;
}
afterAll(async () => {
  if (made) rmSync((await made).site, { recursive: true, force: true });
});

// The hvt tenders only (Morgana's with net rings, the real solo5-hvt): the
// subject is TCP under loss, the same code on spt, and a 10 MiB run with
// its own image per target is the slowest file of the suite.
for (const tender of hvtTenders()) describe.skipIf(!hasNetns || !!skipReason("website through impairments", tender))(`website through an impaired link on ${tender.name}`, () => {
  let site: string;
  let image: string;
  let big: Uint8Array;

  beforeAll(async () => {
    ({ site, big } = await bigSite());
    image = await bigImage(tender.target);
  });

  async function download(imp: Impairments, timeoutMs: number) {
    const link = await createLink(imp);
    let web: Unikernel | null = null;
    const out = path.join(site, `got-${imp.seed}`);
    try {
      web = await Unikernel.start(link.guest, tender, image);
      const t0 = performance.now();
      const r = await link.linux.exec(["curl", "-s", "-m", String(timeoutMs / 1000), "-o", out, "-w", "%{http_code} %{size_download}",
        "http://10.0.0.2/big.bin"], { timeoutMs: timeoutMs + 5000 });
      const seconds = (performance.now() - t0) / 1000;
      const stats = await web.nextStats();
      return { r, seconds, got: new Uint8Array(readFileSync(out)), stats, link, web };
    } finally {
      await web?.stop();
      await link.destroy();
      rmSync(out, { force: true });
    }
  }

  test("10 MiB through 5% loss, reordering, duplication and corruption, both ways, arrives intact", async () => {
    const { r, seconds, got, stats, link } = await download(
      { seed: 7, loss: 0.05, reorder: 0.03, dup: 0.02, corrupt: 0.005 }, 240_000);
    expect(r.stdout).toBe(`200 ${BIG}`);
    expect(got.length).toBe(BIG);
    expect(sha(got)).toBe(sha(big));
    // The forwarder really did all of it, in both directions.
    const dirs = link.stats.split("\n").map((l) => Object.fromEntries(l.split(" ").slice(1).map((w) => w.split("=")).map(([k, v]) => [k, Number(v)])));
    expect(dirs).toHaveLength(2);
    for (const d of dirs) {
      expect(d.lost).toBeGreaterThan(0);
      expect(d.dup).toBeGreaterThan(0);
      expect(d.reordered).toBeGreaterThan(0);
    }
    expect(stats["tcp.retransmits"]).toBeGreaterThan(0);
    console.log(`10 MiB through impairments in ${seconds.toFixed(1)} s; forwarder:\n${link.stats}\n${web_line(stats)}`);
  }, 300_000);

  test("a clean link passes everything untouched", async () => {
    const { r, got, link } = await download({ seed: 1 }, 60_000);
    expect(r.stdout).toBe(`200 ${BIG}`);
    expect(sha(got)).toBe(sha(big));
    expect(link.stats.split("\n")).toHaveLength(2);
    for (const line of link.stats.split("\n")) expect(line).toMatch(/lost=0 dup=0 reordered=0 corrupted=0 queuefull=0$/);
  }, 120_000);
});

function web_line(s: Record<string, number>): string {
  return `website: retransmits=${s["tcp.retransmits"]} rto=${s["tcp.rtoExpired"]} fastrtx=${s["tcp.fastRetransmits"]}`;
}
