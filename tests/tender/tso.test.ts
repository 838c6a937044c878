/**
 * TCP segmentation offload through the net rings (boot/morgana_abi.h,
 * version 2, MORGANA_NET_F_TSO4): registration with and without the
 * feature; a TSO frame the guest queues (spanning slots and wrapping at
 * the ring's end) reaches the wire as MSS-sized segments with correct
 * checksums; frames that are not TCP/IPv4 or have bad sizes are dropped
 * and counted, never written; a tap with GSO off refuses the feature;
 * ring contents no correct guest writes stop it. The wire: the namespace forwards what the guest sends to 10.0.1.2
 * out of a veth with segmentation and checksum offload off, so the kernel
 * cuts and checksums every segment in software, and tcpdump on the veth's
 * peer records them.
 */
import { readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { buildTender } from "../../toolchain/tender/build.ts";
import { hasNetns, warnNoNetns, withNetns, type Netns } from "../support/netns.ts";
import { hasKvm, runImage, warnNoKvm } from "../support/tender.ts";
import { buildGuest, values } from "./guests/build.ts";

warnNoKvm("tests/tender/tso");
warnNoNetns("tests/tender/tso");

interface Segment { ipLen: number; df: boolean; seq: number; flags: number; hl: number; payload: Buffer; checksumOk: boolean }

/** The TCP segments of a pcap file (Ethernet link type), checksums checked. */
function tcpSegments(file: string): Segment[] {
  const b = readFileSync(file);
  const out: Segment[] = [];
  for (let at = 24; at + 16 <= b.length;) {
    const caplen = b.readUInt32LE(at + 8);
    const f = b.subarray(at + 16, at + 16 + caplen);
    at += 16 + caplen;
    if (f.readUInt16BE(12) !== 0x0800) continue;
    const ip = f.subarray(14);
    const ihl = (ip[0] & 15) * 4;
    const ipLen = ip.readUInt16BE(2);
    if (ip[9] !== 6) continue;
    const tcp = ip.subarray(ihl, ipLen);
    let sum = (ip[12] << 8 | ip[13]) + (ip[14] << 8 | ip[15]) + (ip[16] << 8 | ip[17]) + (ip[18] << 8 | ip[19]) + 6 + tcp.length;
    for (let i = 0; i < tcp.length; i += 2) sum += (tcp[i] << 8) | (i + 1 < tcp.length ? tcp[i + 1] : 0);
    while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
    const hl = (tcp[12] >> 4) * 4;
    out.push({ ipLen, df: (ip[6] & 0x40) !== 0, seq: tcp.readUInt32BE(4), flags: tcp[13], hl, payload: Buffer.from(tcp.subarray(hl)), checksumOk: sum === 0xffff });
  }
  return out;
}

/** What the guest's tso_build puts at byte k of the TCP payload. */
const pattern = (k: number) => (k * 7 + 3) & 0xff;

/** Forward 10.0.0.0/24 (the tap) to 10.0.1.2 out of veth0, offloads off. */
async function forwardingNs(ns: Netns): Promise<void> {
  const sh = (cmd: string) => ns.exec(["sh", "-c", cmd]).then((r) => {
    if (r.status !== 0) throw new Error(`${cmd}: ${r.stderr}`);
  });
  await sh(`echo 1 > /proc/sys/net/ipv6/conf/${ns.tap}/disable_ipv6`);
  await sh(`ip link set dev ${ns.tap} address 02:00:00:00:00:01`);
  await sh("ip link add veth0 type veth peer name veth1 && ip addr add 10.0.1.1/24 dev veth0");
  await sh("echo 1 > /proc/sys/net/ipv6/conf/veth0/disable_ipv6; echo 1 > /proc/sys/net/ipv6/conf/veth1/disable_ipv6");
  await sh("ip link set veth0 up && ip link set veth1 up");
  await sh("ethtool -K veth0 tso off gso off gro off tx off sg off >/dev/null");
  await sh("ip neigh replace 10.0.1.2 lladdr 02:00:00:00:00:02 dev veth0 nud permanent");
  await sh("echo 1 > /proc/sys/net/ipv4/ip_forward; echo 0 > /proc/sys/net/ipv4/conf/all/rp_filter");
}

/** tcpdump on veth1 while fn runs; the file it wrote. */
async function capture<T>(ns: Netns, file: string, fn: () => Promise<T>): Promise<T> {
  const child = ns.spawn(["tcpdump", "-i", "veth1", "-nn", "-U", "--immediate-mode", "-s", "2000", "-w", file, "tcp"]);
  let err = "";
  await new Promise<void>((resolve, reject) => {
    child.stderr!.setEncoding("utf8").on("data", (d: string) => {
      err += d;
      if (err.includes("listening on")) resolve();
    });
    child.on("close", () => reject(new Error(`tcpdump exited: ${err}`)));
  });
  try {
    return await fn();
  } finally {
    await new Promise((r) => setTimeout(r, 300));
    const closed = new Promise((r) => child.on("close", r));
    process.kill(child.pid!, "SIGINT");
    await closed;
  }
}

describe.skipIf(!hasKvm || !hasNetns)("net rings: TCP segmentation offload", () => {
  let tender: string;
  let image: string;
  beforeAll(async () => {
    tender = await buildTender();
    image = await buildGuest("net", ["DEVICES=NET"]);
  });

  const run = (ns: Netns, args: string[]) =>
    runImage(image, { args, tenderArgs: ["--mem=32", `--net:service=${ns.tap}`, "--x-exit-stats"], netns: ns.name, tender });

  it("cuts a TSO frame into MSS-sized segments with correct checksums, across the ring's end", async () => {
    const file = path.join(tmpdir(), `morgana-tso-${process.pid}.pcap`);
    try {
      await withNetns(async (ns) => {
        await forwardingNs(ns);
        const r = await capture(ns, file, () => run(ns, ["tso"]));
        expect(r.stderr).toMatch(/; net service rings rx \d+ tx 42 rx_errors 0 tx_errors 0 tso 2 tx_dropped 0 rx_dropped 0\n/);
        expect(r.status).toBe(0);
        const v = values(r.stdout);
        expect(v.unknown_feature).toBe("2");
        expect(v.registered).toBe("0");
        expect(v.sent).toBe(String(40 + 27 + 1)); // slots: 40 frames, 27 for 40,066 bytes, 1
      });
      const segs = tcpSegments(file);
      // 40,000 bytes in 1448-byte segments: 27 full ones and 904; then 500.
      expect(segs.map((s) => s.payload.length)).toEqual([...Array(27).fill(1448), 904, 500]);
      for (const s of segs) {
        expect(s.checksumOk).toBe(true);
        expect(s.df).toBe(true);
        expect(s.ipLen).toBeLessThanOrEqual(1500);
      }
      const first = segs.slice(0, 28);
      first.forEach((s, i) => {
        expect(s.hl).toBe(32);
        expect(s.seq).toBe(1000000 + 1448 * i);
        expect(s.flags & 0x08 ? "PSH" : "").toBe(i === 27 ? "PSH" : ""); // PSH on the last only
        for (let k = 0; k < s.payload.length; k++) if (s.payload[k] !== pattern(1448 * i + k)) throw new Error(`segment ${i} byte ${k}`);
      });
      expect(segs[28].seq).toBe(1000000);
      expect([...segs[28].payload]).toEqual(Array.from({ length: 500 }, (_, k) => pattern(k)));
    } finally {
      rmSync(file, { force: true });
    }
  });

  it("drops and counts TSO frames that are not TCP/IPv4 or whose sizes are wrong, and goes on", async () => {
    await withNetns(async (ns) => {
      await ns.exec(["sh", "-c", `echo 1 > /proc/sys/net/ipv6/conf/${ns.tap}/disable_ipv6`]);
      const r = await run(ns, ["tsobad"]);
      expect(r.status).toBe(0);
      const v = values(r.stdout);
      expect(v.registered).toBe("0");
      expect(v.tx_errors).toBe("0");
      expect(v.sent).toBe(String(14 * 2 - 2)); // 14 frames of 2 slots, 2 of them of 1
      expect(r.stderr).toMatch(/; net service rings rx \d+ tx 1 rx_errors 0 tx_errors 0 tso 1 tx_dropped 13 rx_dropped 0\n/);
      // Said at the 1st, 2nd, 4th and 8th.
      const said = r.stderr.split("\n").filter((l) => l.includes("TSO frame"));
      expect(said).toEqual([
        "morgana-hvt: net 'service' (tap0): 1 TSO frame from the guest dropped (last: not IPv4 (ethertype))",
        "morgana-hvt: net 'service' (tap0): 2 TSO frames from the guest dropped (last: not an IPv4 header)",
        "morgana-hvt: net 'service' (tap0): 4 TSO frames from the guest dropped (last: IPv4 total length is not the frame's)",
        "morgana-hvt: net 'service' (tap0): 8 TSO frames from the guest dropped (last: not TCP)",
      ]);
    });
  });

  it("is refused on a tap whose generic segmentation offload is off (ethtool -K TAP gso off); plain rings are not", async () => {
    await withNetns(async (ns) => {
      const off = await ns.exec(["ethtool", "-K", ns.tap, "gso", "off"]);
      expect(off.status, off.stderr).toBe(0);
      const r = await run(ns, ["tso"]);
      expect(r.status).toBe(0);
      const v = values(r.stdout);
      expect(v.registered).toBe("2");
      expect(v.registered_plain).toBe("0");
    });
  });

  const stopped: [string, RegExp][] = [
    ["short", /net ring: the guest queued a frame of 13 bytes on 'service' \(14 to 1514\); guest stopped \[toolchain\/tender\/netring\.c:\d+\]/],
    ["slots", /net ring: the guest queued a frame of 10054 bytes on 'service' that needs 7 slots, but only 6 are queued; guest stopped \[toolchain\/tender\/netring\.c:\d+\]/],
    ["plainlong", /net ring: the guest queued a frame of 1515 bytes on 'service' \(14 to 1514\); guest stopped \[toolchain\/tender\/netring\.c:\d+\]/],
  ];
  it.each(stopped)("stops the guest on %s", async (what, message) => {
    await withNetns(async (ns) => {
      const r = await runImage(image, { args: ["tsofault", what], tenderArgs: ["--mem=32", `--net:service=${ns.tap}`], netns: ns.name, tender });
      expect(r.stderr).toMatch(message);
      expect(r.stderr.trim().split("\n")).toHaveLength(1);
      expect(r.stdout).not.toContain("not stopped");
      expect(r.status).toBe(255);
    });
  });
});
