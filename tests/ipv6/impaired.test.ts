/**
 * A file from website.hvt over IPv6 through the seeded impairment
 * forwarder (tests/impair): 3% loss and 3% reordering both ways, and it
 * must arrive intact (issue 16); and over a plain tap whose offload takes
 * TCP super-segments over IPv4 only: IPv6 gets none, and both arrive whole. 1 MiB by default (seconds); the issue's
 * 10 MiB with MORGANA_IPV6_IMPAIRED=full (about a minute). On Morgana's
 * tender only: the subject is TCP over the IPv6 layer under loss, which
 * tests/website/impaired.test.ts runs over IPv4 under every hvt tender.
 * Last, a Packet Too Big in the middle of a download shrinks the segments
 * of that connection, not only of the next one (RFC 8201 §5.4).
 */
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, test } from "vitest";
import { buildApp } from "../../toolchain/build/index.ts";
import { root } from "../../toolchain/root.ts";
import { createLink } from "../impair/link.ts";
import { createNetns, hasNetns, warnNoNetns } from "../support/netns.ts";
import { hvtTenders, skipReason } from "../support/tender.ts";
import { Unikernel } from "../website/unikernel.ts";
import { bootV6, MAC } from "./boot.ts";

warnNoNetns("website over IPv6 through impairments");

const BIG = process.env.MORGANA_IPV6_IMPAIRED === "full" ? 10 << 20 : 1 << 20;
const work = mkdtempSync(path.join(tmpdir(), "ipv6-impaired-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));
/** The site, at a fixed place so that the build cache serves its image
 * again on the next run. */
const site = path.join(root, "build", "test-sites", `ipv6-big-${BIG >> 20}`);

const big = Uint8Array.from({ length: BIG }, (_, i) => (i * 2654435761) >>> 24);
const sha = (b: Uint8Array) => createHash("sha256").update(b).digest("hex");
let built: Promise<string> | null = null;
/** website.hvt with big.bin in its site, built once. */
function bigImage(): Promise<string> {
  built ??= (async () => {
    // Written once: the build cache knows a site by its files' times.
    if (!existsSync(path.join(site, "big.bin")) || statSync(path.join(site, "big.bin")).size !== BIG) {
      mkdirSync(site, { recursive: true });
      writeFileSync(path.join(site, "index.html"), "<!DOCTYPE html><title>big</title>\n");
      writeFileSync(path.join(site, "big.bin"), big);
    }
    return (await buildApp(path.join(root, "apps", "website"), {
      outDir: path.join(root, "build", "test-images", "website-big6"), assetDirs: { site },
    })).image;
  })();
  return built;
}

const tender = hvtTenders().find((t) => t.bundled)!;
describe.skipIf(!hasNetns || !tender || !!skipReason("website over IPv6 through impairments", tender))("website over IPv6: a big file", () => {
  test(`${BIG >> 20} MiB through 3% loss and 3% reordering both ways arrives intact`, async () => {
    const image = await bigImage();
    const link = await createLink({ seed: 16, loss: 0.03, reorder: 0.03, ipv6: true });
    let web: Unikernel | null = null;
    const out = path.join(work, "got");
    try {
      web = await Unikernel.start(link.guest, tender, image, { args: ["--ipv4=10.0.0.2/24", "--ipv6=fd00::2/64", "--stats=1"] });
      await web.waitFor(/ipv6 fd00::2\/64 \(static\)/, 5000);
      const r = await link.linux.exec(["curl", "-6", "-s", "-m", "150", "-o", out, "-w", "%{http_code} %{size_download}",
        "http://[fd00::2]/big.bin"], { timeoutMs: 160_000 });
      expect(r.stdout).toBe(`200 ${BIG}`);
      expect(sha(new Uint8Array(readFileSync(out)))).toBe(sha(big));
      const stats = await web.nextStats();
      expect(stats["tcp.retransmits"]).toBeGreaterThan(0);
      expect(stats["ipv6.packetsOut"]).toBeGreaterThan(BIG / 1500); // the file went over IPv6
    } finally {
      await web?.stop();
      await link.destroy();
    }
    const dirs = link.stats.split("\n").map((l) => Object.fromEntries(l.split(" ").slice(1).map((w) => w.split("=")).map(([k, v]) => [k, Number(v)])));
    for (const d of dirs) {
      expect(d.lost).toBeGreaterThan(0);
      expect(d.reordered).toBeGreaterThan(0);
    }
  }, 200_000);

  test("on a tap with segmentation offload: super-segments over IPv4 only, the file intact both ways", async () => {
    const image = await bigImage();
    const ns = await createNetns({ hostAddr6: "fd00::1/64" });
    let web: Unikernel | null = null;
    try {
      web = await Unikernel.start(ns, tender, image, { args: ["--ipv4=10.0.0.2/24", "--ipv6=fd00::2/64", "--stats=1"] });
      await web.waitFor(/ipv6 fd00::2\/64 \(static\)/, 5000);
      const get = async (url: string) => {
        const r = await ns.exec(["sh", "-c", `curl -s -m 30 -o - '${url}' | sha256sum`], { timeoutMs: 40_000 });
        return r.stdout.split(" ")[0];
      };
      expect(await get("http://[fd00::2]/big.bin")).toBe(sha(big));
      const afterV6 = await web.nextStats();
      // Morgana's tender offloads TCP over IPv4 only: nothing offloaded yet.
      expect(afterV6["tcp.superSegmentsOut"]).toBe(0);
      expect(await get("http://10.0.0.2/big.bin")).toBe(sha(big));
      expect((await web.nextStats())["tcp.superSegmentsOut"]).toBeGreaterThan(0);
    } finally {
      await web?.stop();
      await ns.destroy();
    }
  });

  test("a Packet Too Big in the middle of a download shrinks that connection's segments to 1280 - 60 (RFC 8201)", async () => {
    const image = await bigImage();
    const ns = await createNetns({ hostAddr6: "fd00::1/64" });
    let web: Unikernel | null = null;
    try {
      web = await bootV6(ns, tender, image, ["--ipv4=10.0.0.2/24", "--ipv6=fd00::2/64", "--stats=1"], /\[website\] serving/);
      await web.waitFor(/ipv6 fd00::2\/64 \(static\)/, 5000);
      // The payload length of every data segment the image sends.
      const lengths: number[] = [];
      const dump = ns.spawn(["tcpdump", "-i", ns.tap, "-nn", "-l", "ip6 and tcp and src port 80"]);
      let text = "";
      dump.stdout!.setEncoding("utf8").on("data", (d: string) => {
        text += d;
        const lines = text.split("\n");
        text = lines.pop()!;
        for (const l of lines) {
          const m = l.match(/length (\d+)/);
          if (m && Number(m[1]) > 0) lengths.push(Number(m[1]));
        }
      });
      await new Promise((r) => setTimeout(r, 500)); // tcpdump listening
      // Slow enough (256 KB/s, and a small receive buffer so that the
      // rate holds the sender back) that the file is still on its way
      // when the Packet Too Big comes.
      expect((await ns.exec(["sysctl", "-qw", "net.ipv4.tcp_rmem=4096 16384 16384"])).status).toBe(0);
      const out = path.join(work, "ptb");
      const curl = ns.exec(["curl", "-6", "-s", "-m", "30", "--limit-rate", "256k", "-o", out, "-w", "%{http_code} %{size_download}",
        "http://[fd00::2]/big.bin"], { timeoutMs: 40_000 });
      await new Promise((r) => setTimeout(r, 1500));
      const before = lengths.length;
      const r = await ns.exec(["/usr/bin/python3", path.join(import.meta.dirname, "peer6.py"), "ptb", ns.tap, MAC,
        "fd00::99", "fd00::2", "fd00::1", "1280"], { timeoutMs: 10_000 });
      expect(r.status).toBe(0);
      await new Promise((r) => setTimeout(r, 300)); // what was already on its way
      const after = lengths.length;
      expect((await curl).stdout).toBe(`200 ${BIG}`);
      expect(sha(new Uint8Array(readFileSync(out)))).toBe(sha(big));
      await new Promise((r) => setTimeout(r, 300));
      process.kill(dump.pid!, "SIGTERM");
      expect(before).toBeGreaterThan(0);
      expect(Math.max(...lengths.slice(0, before))).toBeGreaterThan(1220); // MSS 1440 (less timestamps) at first
      expect(lengths.length - after).toBeGreaterThan(100); // most of the file came after
      expect(Math.max(...lengths.slice(after))).toBeLessThanOrEqual(1220);
      const s = await web.nextStats();
      expect(s["icmpv6.packetTooBigIn"]).toBe(1);
      expect(s["tcp.pathMtuShrinks"]).toBe(1);
    } finally {
      await web?.stop();
      await ns.destroy();
    }
  }, 60_000);
});
