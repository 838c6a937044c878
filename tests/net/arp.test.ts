// ARP (RFC 826): answers, learning, resolution with retries and bounded
// queues, expiry, gratuitous announcements — against Linux's own frames.
import { describe, expect, test } from "vitest";
import {
  BROADCAST_MAC, Net, PEER, PEER_MAC, SECOND, US, US_MAC, arp, be16, ethernet, frames, macText, parseIpv4Frame,
} from "./helpers.ts";

const ZERO_MAC = "00:00:00:00:00:00";
const ping = frames("ping");
const arping = frames("arping");

/** An ARP frame's fields as text: "op sha spa tha tpa" (RFC 826 layout). */
function arpText(f: Uint8Array): string {
  expect(be16(f, 12)).toBe(0x0806);
  const a = f.subarray(14);
  const ipAt = (i: number) => Array.from(a.subarray(i, i + 4)).join(".");
  return `${be16(a, 6) === 1 ? "request" : "reply"} ${macText(a, 8)} ${ipAt(14)} ${macText(a, 18)} ${ipAt(24)}`;
}

/** Who-has `target`, as our stack asks it. */
const requestFor = (target: string) => `request ${US_MAC} ${US} ${ZERO_MAC} ${target}`;

/** The peer's answer to our request. */
const replyFromPeer = (mac = PEER_MAC, addr = PEER) => ethernet(US_MAC, mac, 0x0806, arp(2, mac, addr, US_MAC, US));

describe("answers", () => {
  test("a captured request gets exactly the reply Linux gave", async () => {
    const net = await Net.boot();
    expect(net.send(ping[0])).toEqual([ping[1]]);
    expect(net.send(arping[0])).toEqual([arping[1]]); // arping asks with target MAC ff:…
    const c = net.counters().arp;
    expect([c.requestsIn, c.repliesOut]).toEqual([2n, 2n]);
  });

  test("the asker is learned (RFC 826 merge), so answers need no request of ours", async () => {
    const net = await Net.boot();
    expect(net.arpLookup(PEER)).toBeNull();
    net.send(ping[0]);
    expect(net.arpLookup(PEER)).toBe(PEER_MAC);
  });

  test("requests for other addresses are not answered and teach nothing", async () => {
    const net = await Net.boot();
    const other = ethernet(BROADCAST_MAC, PEER_MAC, 0x0806, arp(1, PEER_MAC, PEER, ZERO_MAC, "10.99.1.77"));
    expect(net.send(other)).toEqual([]);
    expect(net.arpLookup(PEER)).toBeNull();
    expect(net.counters().arp.requestsIn).toBe(1n);
  });

  test("a probe (sender 0.0.0.0, RFC 5227) is answered but not learned", async () => {
    const net = await Net.boot();
    const probe = ethernet(BROADCAST_MAC, PEER_MAC, 0x0806, arp(1, PEER_MAC, "0.0.0.0", ZERO_MAC, US));
    const out = net.send(probe);
    expect(out.map(arpText)).toEqual([`reply ${US_MAC} ${US} ${PEER_MAC} 0.0.0.0`]);
    expect(macText(out[0], 0)).toBe(PEER_MAC);
    expect(net.call("arpUsed")).toBe(0);
  });

  test("an unsolicited reply teaches nothing; one from a known host updates it", async () => {
    const net = await Net.boot();
    net.send(replyFromPeer());
    expect(net.arpLookup(PEER)).toBeNull();
    net.send(ping[0]);
    net.send(replyFromPeer("02:00:00:00:09:09"));
    expect(net.arpLookup(PEER)).toBe("02:00:00:00:09:09");
  });

  test("malformed packets, bad senders and address conflicts are dropped and counted", async () => {
    const net = await Net.boot();
    const good = arp(1, PEER_MAC, PEER, ZERO_MAC, US);
    const bad = (mutate: (a: Uint8Array) => void) => {
      const a = good.slice();
      mutate(a);
      return ethernet(BROADCAST_MAC, PEER_MAC, 0x0806, a);
    };
    const sent = net.send(
      ethernet(BROADCAST_MAC, PEER_MAC, 0x0806, good.subarray(0, 27)), // truncated
      bad((a) => (a[1] = 6)), // hardware type 6 (IEEE 802)
      bad((a) => (a[3] = 0xdd)), // protocol type not IPv4
      bad((a) => (a[7] = 3)), // operation 3 (RARP)
      bad((a) => (a[8] = 0x01)), // sender MAC multicast
      bad((a) => a.set([255, 255, 255, 255], 14)), // sender IP broadcast
      bad((a) => a.set([10, 99, 1, 1], 14)), // sender claims our address
    );
    // Only the claim to our address is answered: by our own announcement (RFC 5227 §2.4).
    expect(sent.map(arpText)).toEqual([`request ${US_MAC} ${US} ${ZERO_MAC} ${US}`]);
    const c = net.counters().arp;
    expect([c.dropMalformed, c.dropBadSender, c.conflicts, c.repliesOut]).toEqual([4n, 2n, 1n, 0n]);
    expect(net.h.console).toContain(`[arp] ${PEER_MAC} claims our address ${US}`);
  });

  test("padded frames (Ethernet's 60-byte minimum) are answered", async () => {
    const net = await Net.boot();
    const padded = new Uint8Array(60);
    padded.set(ping[0]);
    const out = net.send(padded);
    expect(out).toEqual([ping[1]]); // our reply carries no padding
  });
});

describe("defence (RFC 5227 §2.4)", () => {
  test("a gratuitous ARP claiming our address is answered by our announcement, at most once per 10 s", async () => {
    const net = await Net.boot();
    const claim = ethernet(BROADCAST_MAC, "02:00:00:00:66:66", 0x0806, arp(1, "02:00:00:00:66:66", US, ZERO_MAC, US));
    const announce = `request ${US_MAC} ${US} ${ZERO_MAC} ${US}`;
    expect(net.send(claim).map(arpText)).toEqual([announce]);
    expect(net.send(claim, claim)).toEqual([]);
    net.advance(9n * SECOND);
    expect(net.send(claim)).toEqual([]);
    net.advance(SECOND);
    expect(net.send(claim).map(arpText)).toEqual([announce]);
    const c = net.counters().arp;
    expect([c.conflicts, c.defences]).toEqual([5n, 2n]);
  });
});

describe("announcements", () => {
  test("gratuitous ARP at start, again after 2 s (RFC 5227 §2.3), then no more", async () => {
    const net = await Net.boot({ keepBoot: true, limits: { arpAnnouncements: 2 } });
    const first = net.sent();
    expect(first.map(arpText)).toEqual([`request ${US_MAC} ${US} ${ZERO_MAC} ${US}`]);
    expect(macText(first[0], 0)).toBe(BROADCAST_MAC);
    expect(macText(first[0], 6)).toBe(US_MAC);
    expect(first[0].length).toBe(42);
    expect(net.advance(SECOND)).toEqual([]);
    expect(net.advance(SECOND)).toEqual(first);
    expect(net.advance(10n * SECOND)).toEqual([]);
    expect(net.counters().arp.announcementsOut).toBe(2n);
  });
});

describe("resolution", () => {
  test("a datagram to an unknown neighbour waits for the answer to our request", async () => {
    const net = await Net.boot();
    net.bind(5000, 1);
    expect(net.sendTo(5000, PEER, 9, new TextEncoder().encode("hello"))).toBe(true);
    const ask = net.sent();
    expect(ask.map(arpText)).toEqual([requestFor(PEER)]);
    expect(macText(ask[0], 0)).toBe(BROADCAST_MAC);
    const out = net.send(replyFromPeer());
    expect(out.length).toBe(1);
    expect(macText(out[0], 0)).toBe(PEER_MAC);
    expect(parseIpv4Frame(out[0]).dst).toBe(PEER);
    expect(net.arpLookup(PEER)).toBe(PEER_MAC);
    expect(net.call("arpQueueBytes")).toBe(0);
    // Known now: the next datagram goes at once.
    net.sendTo(5000, PEER, 9, new TextEncoder().encode("again"));
    expect(net.sent().map((f) => be16(f, 12))).toEqual([0x0800]);
  });

  test("retries once a second, gives up after 3 requests, drops what waited", async () => {
    const net = await Net.boot();
    net.bind(5000, 1);
    net.sendTo(5000, PEER, 9, new Uint8Array(10));
    expect(net.sent().map(arpText)).toEqual([requestFor(PEER)]);
    expect(net.advance(SECOND / 2n)).toEqual([]);
    expect(net.advance(SECOND / 2n).map(arpText)).toEqual([requestFor(PEER)]);
    expect(net.advance(SECOND).map(arpText)).toEqual([requestFor(PEER)]);
    expect(net.advance(SECOND)).toEqual([]);
    let c = net.counters().arp;
    expect([c.requestsOut, c.failures, c.dropUnresolved]).toEqual([3n, 1n, 1n]);
    expect(net.call("arpUsed")).toBe(0);
    expect(net.call("arpQueueBytes")).toBe(0);
    // Nothing more is sent for it until something else wants it.
    expect(net.advance(10n * SECOND)).toEqual([]);
    net.sendTo(5000, PEER, 9, new Uint8Array(10));
    expect(net.sent().map(arpText)).toEqual([requestFor(PEER)]);
    c = net.counters().arp;
    expect(c.requestsOut).toBe(4n);
  });

  test("at most 4 packets wait per address: the oldest make room", async () => {
    const net = await Net.boot();
    net.bind(5000, 1);
    for (let i = 0; i < 6; i++) expect(net.sendTo(5000, PEER, 9, Uint8Array.of(i))).toBe(true);
    expect(net.sent().length).toBe(1); // one request, not six
    let c = net.counters().arp;
    expect([c.queued, c.dropQueueFull]).toEqual([6n, 2n]);
    const out = net.send(replyFromPeer());
    expect(out.map((f) => parseIpv4Frame(f).payload[8])).toEqual([2, 3, 4, 5]);
  });

  test("all queues together hold at most arpQueueBytes", async () => {
    const net = await Net.boot({ limits: { arpQueueBytes: 300 } });
    net.bind(5000, 1);
    // Each waits as 14 + 20 + 8 + 100 = 142 bytes: two fit, the third does not.
    expect(net.sendTo(5000, PEER, 9, new Uint8Array(100))).toBe(true);
    expect(net.sendTo(5000, "10.99.1.3", 9, new Uint8Array(100))).toBe(true);
    expect(net.sendTo(5000, "10.99.1.4", 9, new Uint8Array(100))).toBe(false);
    expect(net.call("arpQueueBytes")).toBe(284);
    const c = net.counters();
    expect(c.arp.dropQueueBytes).toBe(1n);
    expect(c.udp.dropSend).toBe(1n);
  });

  test("resolved entries expire after 60 s and are asked for again", async () => {
    const net = await Net.boot();
    net.bind(5000, 1);
    net.send(ping[0]);
    net.advance(59n * SECOND);
    expect(net.arpLookup(PEER)).toBe(PEER_MAC);
    net.advance(SECOND);
    net.sendTo(5000, PEER, 9, new Uint8Array(1));
    expect(net.sent().map(arpText)).toEqual([requestFor(PEER)]);
    expect(net.counters().arp.expired).toBe(1n);
  });

  test("a full cache reuses the entry that expires first, never one being resolved", async () => {
    const net = await Net.boot({ limits: { arpCacheSize: 2 } });
    const ask = (mac: string, addr: string) => ethernet(BROADCAST_MAC, mac, 0x0806, arp(1, mac, addr, ZERO_MAC, US));
    net.send(ask("02:00:00:00:00:0a", "10.99.1.10"));
    net.advance(SECOND);
    net.send(ask("02:00:00:00:00:0b", "10.99.1.11"));
    net.send(ask("02:00:00:00:00:0c", "10.99.1.12"));
    expect(net.arpLookup("10.99.1.10")).toBeNull(); // the oldest went
    expect(net.arpLookup("10.99.1.11")).toBe("02:00:00:00:00:0b");
    expect(net.arpLookup("10.99.1.12")).toBe("02:00:00:00:00:0c");
  });

  test("resolutions have a bound of their own: a new one ends the one begun first, never a resolved entry", async () => {
    const net = await Net.boot({ limits: { arpCacheSize: 2, arpPendingMax: 2 } });
    const ask = (mac: string, addr: string) => ethernet(BROADCAST_MAC, mac, 0x0806, arp(1, mac, addr, ZERO_MAC, US));
    net.send(ask("02:00:00:00:00:0b", "10.99.1.11"));
    net.send(ask("02:00:00:00:00:0c", "10.99.1.12"));
    net.bind(5000, 1);
    for (const a of ["10.99.1.20", "10.99.1.21", "10.99.1.22"]) expect(net.sendTo(5000, a, 9, new Uint8Array(1))).toBe(true);
    expect(net.sent().map(arpText)).toEqual(["10.99.1.20", "10.99.1.21", "10.99.1.22"].map(requestFor));
    const c = net.counters().arp;
    expect([c.pendingEvicted, c.dropUnresolved, c.dropCacheFull]).toEqual([1n, 1n, 0n]);
    expect(net.arpLookup("10.99.1.11")).toBe("02:00:00:00:00:0b");
    expect(net.arpLookup("10.99.1.12")).toBe("02:00:00:00:00:0c");
    expect(net.call("arpUsed")).toBe(4);
    // The newest answers: it takes the resolved place that expires first.
    const out = net.send(replyFromPeer("02:00:00:00:00:22", "10.99.1.22"));
    expect(out.length).toBe(1);
    expect(net.arpLookup("10.99.1.22")).toBe("02:00:00:00:00:22");
    expect(net.arpLookup("10.99.1.11")).toBeNull();
    // The one that gave way answers too late: an unsolicited reply teaches nothing.
    net.send(replyFromPeer("02:00:00:00:00:20", "10.99.1.20"));
    expect(net.arpLookup("10.99.1.20")).toBeNull();
  });

  test("a flood of resolutions that never answer: real neighbours stay, a new one is still resolved", async () => {
    // The flood: 40 a second from spoofed on-link addresses, for 5 s.
    const net = await Net.boot();
    net.bind(5000, 1);
    net.send(ping[0]); // the peer asks for us and is learned
    expect(net.arpLookup(PEER)).toBe(PEER_MAC);
    let spoofed = 0;
    const flood = (n: number) => {
      for (let i = 0; i < n; i++) net.sendTo(5000, `10.99.1.${100 + (spoofed++ % 150)}`, 9, new Uint8Array(1));
    };
    for (let tick = 0; tick < 50; tick++) {
      flood(4);
      net.advance(SECOND / 10n);
    }
    expect(net.arpLookup(PEER)).toBe(PEER_MAC);
    // A new client amid the flood: asked for at once, answered, served.
    flood(4);
    net.sent();
    expect(net.sendTo(5000, "10.99.1.3", 9, Uint8Array.of(42))).toBe(true);
    expect(net.sent().map(arpText)).toEqual([requestFor("10.99.1.3")]);
    flood(4);
    const out = net.send(replyFromPeer("02:00:00:00:00:03", "10.99.1.3"));
    expect(out.filter((f) => be16(f, 12) === 0x0800).map((f) => parseIpv4Frame(f).dst)).toEqual(["10.99.1.3"]);
    expect(net.counters().arp.dropCacheFull).toBe(0n);
    expect(net.call("arpUsed")).toBeLessThanOrEqual(2 + 32);
  });
});
