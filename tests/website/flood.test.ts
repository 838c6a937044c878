// website.hvt under a SYN flood: 20,000 SYNs from random ports (a raw
// socket inside the test's namespace, never leaving it), and meanwhile a
// client on an established keep-alive connection and new clients keep
// being served; the half-open connections stay within the backlog, the
// rest are answered with SYN cookies, and memory stays bounded.
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { appImage } from "../support/images.ts";
import { createNetns, hasNetns, warnNoNetns, type Netns } from "../support/netns.ts";
import { skipReason, tenders } from "../support/tender.ts";
import { Unikernel } from "./unikernel.ts";

if (!hasNetns) warnNoNetns("website under a SYN flood");

/** Sends COUNT SYNs to 10.0.0.2:80 from 10.0.0.99 (an address nobody in
 * the namespace has, so the SYN-ACKs find no one and nothing answers them,
 * as with a spoofing flooder), random source ports and sequence numbers,
 * as fast as it can (bounded by COUNT). */
const FLOODER = `
import random, socket, struct, sys
count = int(sys.argv[1])
src, dst = socket.inet_aton("10.0.0.99"), socket.inet_aton("10.0.0.2")
def csum(b):
    if len(b) % 2: b += b"\\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16: s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff
s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)
for i in range(count):
    tcp = struct.pack("!HHIIBBHHH", random.randint(1024, 65535), 80, random.getrandbits(32), 0, 5 << 4, 2, 64240, 0, 0)
    tcp = tcp[:16] + struct.pack("!H", csum(src + dst + struct.pack("!BBH", 0, 6, len(tcp)) + tcp)) + tcp[18:]
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(tcp), i & 0xffff, 0, 64, 6, 0, src, dst)
    ip = ip[:10] + struct.pack("!H", csum(ip)) + ip[12:]
    s.sendto(ip + tcp, ("10.0.0.2", 0))
print("sent", count)
`;

for (const tender of tenders()) describe.skipIf(!hasNetns || !!skipReason("website under a SYN flood", tender))(`website under a SYN flood on ${tender.name}`, () => {
  let ns: Netns;
  let web: Unikernel;

  beforeAll(async () => {
    ns = await createNetns();
    web = await Unikernel.start(ns, tender, appImage("website", tender.target), { mem: 32 });
  });
  afterAll(async () => {
    await web?.stop();
    await ns?.destroy();
  });

  test("established and new clients are served while 20,000 SYNs arrive", async () => {
    const flood = ns.exec(["/usr/bin/python3", "-c", FLOODER, "20000"], { timeoutMs: 60_000 });
    await new Promise((r) => setTimeout(r, 150)); // the flood is under way
    // During the flood: one client on one connection, and new connections.
    const during = await ns.exec(["curl", "-s", "-m", "20", "-w", "%{http_code} %{num_connects}\\n",
      ...Array.from({ length: 50 }, () => ["-o", "/dev/null", "http://10.0.0.2/hello.txt"]).flat()], { timeoutMs: 30_000 });
    const fresh = await ns.exec(["curl", "-s", "-m", "20", "-o", "/dev/null", "-w", "%{http_code}", "http://10.0.0.2/"]);
    const f = await flood;
    expect(f.stdout.trim()).toBe("sent 20000");
    const codes = during.stdout.trim().split("\n");
    expect(codes).toHaveLength(50);
    expect(codes.every((c) => c.startsWith("200"))).toBe(true);
    expect(fresh.stdout).toBe("200");
    const s = await web.nextStats();
    console.log(`during the flood: ${codes.length} answers on one connection, a new one answered; ${web.lastStatsLine()}`);
    // Half-open connections are bounded by the backlog; the rest got cookies.
    expect(s["tcp.cookiesSent"]).toBeGreaterThan(1000);
    expect(s["tcpload.active"]).toBeLessThanOrEqual(200);
    expect(s["memory.heap"]).toBeLessThanOrEqual(s["memory.limit"]);
    expect(web.running).toBe(true);
  }, 120_000);
});
