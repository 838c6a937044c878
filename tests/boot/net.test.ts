/**
 * The net imports under KVM with a real tap device, inside a network
 * namespace made (and removed) by the test. Morgana's tender offers net
 * rings (boot/README.md, "Net rings"); `--x-no-net-rings` takes the offer
 * away, so boot/ falls back to one hypercall per frame, as on solo5-hvt:
 * the same apps run both ways and must behave the same, and the exit
 * counts (--x-exit-stats) show what the rings save.
 */
import { beforeAll, describe, expect, test } from "vitest";
import { buildTender } from "../../toolchain/tender/build.ts";
import { hasNetns, warnNoNetns, withNetns, type Netns } from "../support/netns.ts";
import { hasKvm, runImage, warnNoKvm } from "../support/tender.ts";
import { buildPktTool } from "../tender/guests/build.ts";
import { buildApp } from "./build.ts";

warnNoKvm("tests/boot/net.test.ts");
warnNoNetns("tests/boot/net.test.ts");

const MAC = "02:00:5e:10:20:30";
const service = [{ name: "service", type: "net" as const }];
let image = "";
let pong = "";
beforeAll(async () => {
  if (hasKvm && hasNetns)
    [image, pong] = (await Promise.all([buildApp("net", { devices: service }), buildApp("pong", { devices: service })])).map(
      (b) => b.image,
    );
});

/** The two ways boot/ moves frames, both on Morgana's tender. */
const modes: [string, string[]][] = [
  ["with net rings", []],
  ["without net rings (as on solo5-hvt)", ["--x-no-net-rings"]],
];

/** Linux's IPv6 chatter (router solicitations...) would add frames. */
const quiet = (ns: Netns) => ns.exec(["sh", "-c", `echo 1 > /proc/sys/net/ipv6/conf/${ns.tap}/disable_ipv6`]);

interface Stats {
  total: number;
  calls: Record<string, number>;
  rings: boolean;
  rx: number;
  tx: number;
}

/** The tender's --x-exit-stats line. */
function stats(stderr: string): Stats {
  const m = /exit stats: hypercalls (\d+) \(([^)]*)\); net service (rings|no rings) rx (\d+) tx (\d+) rx_errors 0 tx_errors 0 tso (\d+) tx_dropped 0 rx_dropped 0\n/.exec(stderr);
  expect(m, stderr).not.toBeNull();
  const calls = Object.fromEntries(m![2].split(", ").map((kv) => kv.split(" ")).map(([k, v]) => [k, Number(v)]));
  return { total: Number(m![1]), calls, rings: m![3] === "rings", rx: Number(m![4]), tx: Number(m![5]) };
}

/** Starts `tender` in `ns` on `image`; resolves once the app says "ready",
 * with a promise of how it ends (the namespace's destroy() kills it). */
async function start(ns: Netns, tender: string, args: string[]) {
  const child = ns.spawn([tender, ...args]);
  let stdout = "";
  let stderr = "";
  child.stderr!.setEncoding("utf8").on("data", (d: string) => (stderr += d));
  const done = new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) =>
    child.on("close", (status) => resolve({ status, stdout, stderr })),
  );
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`not ready after 10 s: ${stdout}${stderr}`)), 10_000);
    child.stdout!.setEncoding("utf8").on("data", (d: string) => {
      stdout += d;
      if (stdout.includes("ready\n")) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.on("close", () => reject(new Error(`exited before it was ready: ${stdout}${stderr}`)));
  });
  return { done }; // not `done` itself: an async function would wait for it
}

/** `p`, or an error after `ms` (the namespace's destroy() then kills what
 * still runs). */
function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what} after ${ms} ms`)), ms)));
  return Promise.race([p, late]).finally(() => clearTimeout(timer));
}

describe.skipIf(!hasKvm || !hasNetns)("net imports", () => {
  test("find the device by name and type, report its MAC and MTU, send a frame", async () => {
    await withNetns(async (ns) => {
      const r = await runImage(image, {
        netns: ns.name,
        tenderArgs: [`--net:service=${ns.tap}`, `--net-mac:service=${MAC}`],
      });
      expect(r.stderr).toBe("");
      expect(r.status).toBe(0);
      expect(r.stdout).toMatch(/^boot: net service: [^\n]+\n/); // the path it takes (tests/e2e/netpath.test.ts)
      expect(r.stdout.replace(/^boot: net service: [^\n]+\n/, "")).toBe(
        [
          "service net 1",
          "service block 0", // -1: a net device is not a block device
          "servic net 0", // -1: names match whole
          "netInfo 0 mac 02005e102030 mtu 1500",
          "netInfo bad handle 0", // -1
          "netWrite 0",
          "",
        ].join("\n"),
      );
    });
  });

  describe.each(modes)("%s", (_mode, flags) => {
    let tender = "";
    let pkt = "";
    beforeAll(async () => {
      [tender, pkt] = await Promise.all([buildTender(), buildPktTool()]);
    });

    test("answers ping, and bad calls as the tender does", async () => {
      await withNetns(async (ns) => {
        await quiet(ns);
        const { done } = await start(ns, tender, [`--net:service=${ns.tap}`, `--net-mac:service=${MAC}`, "--x-exit-stats", ...flags, "--", pong, "pong", "10"]);
        const ping = await ns.exec(["ping", "-c", "10", "-i", "0.05", "-W", "2", "10.0.0.2"]);
        const r = await within(done, 20_000, `pong did not exit (ping: ${ping.stdout})`);
        expect(ping.stdout).toContain("10 packets transmitted, 10 received");
        expect(r.status).toBe(0);
        expect(r.stdout).toMatch(/^boot: net service: [^\n]+\nread small 2 write short 2 write long 2\nready\nanswered 10 of (\d+) frames, failed 0\n$/);
        const s = stats(r.stderr);
        expect(s.rings).toBe(flags.length === 0);
        const netIo = s.calls.poll + s.calls.netread + s.calls.netwrite;
        if (s.rings) {
          // One exit a ping: the poll that sleeps wakes with the request
          // in the receive ring; the next one writes the reply and sleeps.
          expect(s.calls.netread).toBe(0);
          expect(s.calls.netwrite).toBe(0);
          expect(s.calls.netrings).toBe(1);
          expect(s.rx).toBeGreaterThanOrEqual(11); // ARP, 10 requests
          expect(s.tx).toBeGreaterThanOrEqual(11);
          expect(netIo).toBeLessThanOrEqual(10 + 3);
        } else {
          // Without rings: a poll, a read and a write per ping. Once a
          // wake-up brought one frame, no second read asks for none
          // (boot/net.c): pings 50 ms apart come one a wake-up.
          expect(s.calls.netrings).toBe(0);
          expect(s.calls.netread).toBeGreaterThanOrEqual(10);
          expect(s.calls.netread).toBeLessThan(20);
          expect(s.calls.netwrite).toBeGreaterThanOrEqual(10 + 2); // replies, ARP, the two refused
          expect(netIo).toBeGreaterThanOrEqual(3 * 10);
        }
      });
    });

    test("sends a burst larger than the transmit ring, every frame in order", async () => {
      await withNetns(async (ns) => {
        await quiet(ns);
        const count = 600; // the ring has 256 slots at MTU 1500
        const capture = ns.spawn([pkt, "recv", ns.tap, "0x88b5", "20000", String(count)]);
        let out = "";
        const captured = new Promise<number | null>((resolve) => capture.on("close", (s) => resolve(s)));
        await new Promise<void>((resolve, reject) => {
          capture.stdout!.setEncoding("utf8").on("data", (d: string) => {
            out += d;
            if (out.startsWith("ready\n")) resolve();
          });
          capture.on("close", () => reject(new Error(`pkt exited before it was ready: ${out}`)));
        });
        const r = await runImage(pong, {
          netns: ns.name,
          tender,
          args: ["burst", String(count)],
          tenderArgs: [`--net:service=${ns.tap}`, `--net-mac:service=${MAC}`, "--x-exit-stats", ...flags],
        });
        expect(r.status).toBe(0);
        expect(r.stdout).toContain(`sent ${count} failed 0\n`);
        expect(await captured).toBe(0);
        const payloads = out.split("\n").filter((l) => l.startsWith("frame ")).map((l) => l.slice(l.indexOf("payload=") + 8));
        expect(payloads).toEqual(Array.from({ length: count }, (_, i) => `burst ${i}`));
        const s = stats(r.stderr);
        if (s.rings) {
          expect(s.tx).toBe(count);
          expect(s.calls.netwrite).toBe(0);
          expect(s.calls.poll).toBe(2); // the ring was full twice; the rest went at halt
        } else {
          expect(s.calls.netwrite).toBe(count + 2); // and the two refused
        }
      });
    });
  });
});
