/**
 * Fuzzing the whole stack: seeded random mutations of the real captures
 * (and, for IPv4, random fragments of two datagrams that keep colliding in
 * reassembly) fed straight into the Wasm instance, thousands per call.
 *
 * Per protocol (Ethernet, ARP, IPv4 with fragments, ICMP, UDP, TCP): 10,000
 * frames by default (well under a second), 100,000 with MORGANA_FUZZ=full.
 * Between batches the stack sends datagrams of its own to addresses it
 * must resolve (ARP queues, retries, fragmentation) and the clock moves 7 s
 * (ARP retries and expiry); every fifth batch ends with a few fragments
 * left to time out. TCP's frames are mostly segments aimed at live
 * connections on an echo port (sequence numbers near the ones the stack
 * sent, any flags, options of legal and illegal lengths), the rest
 * mutations of a captured connection. Asserted: no trap or
 * abort; the linear memory stops growing (it reaches its size within the
 * first half of the run and keeps it); reassembly, ARP and the TCP
 * connection table hold no more than their limits; and the stack still
 * answers a valid ping and a new SYN afterwards.
 * The seed of each batch is printed on failure, so a run can be replayed.
 */
import { describe, expect, test } from "vitest";
import { Harness } from "../harness/index.ts";
import { PEER_MAC, SECOND, US_MAC, be16, frames, inetChecksum, macBytes, parseIpv4Frame } from "./helpers.ts";
import { parseSegment, tcpFrame } from "../tcp/helpers.ts";

// MORGANA_FUZZ=full: 100,000 per protocol; a number: that many.
const MODE = process.env.MORGANA_FUZZ ?? "";
const PER_PROTOCOL = MODE === "full" ? 100_000 : /^\d+$/.test(MODE) ? Math.max(1_000, Number(MODE)) : 10_000;
const BATCH = 1_000;
const PROTOCOLS = ["Ethernet", "ARP", "IPv4", "ICMP", "UDP", "TCP"] as const;

const CAPTURES = ["ping", "arping", "udp", "fragmented-ping", "port-unreachable", "time-exceeded", "record-route", "udp-checksum-ffff", "tcp"];

/** A captured frame made to come from the peer to us: frames Linux sent
 * the other way have their MAC and IPv4 addresses swapped; frames for the
 * far host B are readdressed to us. The IPv4 checksum is made right. */
function towardsUs(f: Uint8Array): Uint8Array {
  const c = f.slice();
  c.set(macBytes(US_MAC), 0);
  c.set(macBytes(PEER_MAC), 6);
  if (be16(c, 12) === 0x0800) {
    const hl = (c[14] & 15) * 4;
    c.set([10, 99, 1, 2], 26);
    c.set([10, 99, 1, 1], 30);
    c.set([0, 0], 24);
    const sum = inetChecksum(c.subarray(14, 14 + hl));
    c.set([sum >> 8, sum & 0xff], 24);
  }
  return c;
}

function seedsFor(protocol: number, all: Uint8Array[]): Uint8Array[] {
  const ip = all.filter((f) => be16(f, 12) === 0x0800);
  switch (protocol) {
    case 0: return all;
    case 1: return all.filter((f) => be16(f, 12) === 0x0806);
    case 2: return ip;
    case 3: return ip.filter((f) => f[23] === 1);
    case 4: return ip.filter((f) => f[23] === 17);
    default: return ip.filter((f) => f[23] === 6);
  }
}

describe("fuzz", () => {
  test(`${PER_PROTOCOL} mutated frames per protocol: no trap, bounded memory, still answering`, async () => {
    const h = await Harness.start("tests/net/as/fuzz.ts", { pcapName: "fuzz" });
    const all = CAPTURES.flatMap((c) => frames(c)).flatMap((f) => [f, towardsUs(f)]);
    for (let p = 0; p < PROTOCOLS.length; p++) {
      const seeds = seedsFor(p, all);
      expect(seeds.length, PROTOCOLS[p]).toBeGreaterThan(1);
      for (const s of seeds) {
        h.input(s);
        h.call("addSeed", p);
      }
    }
    const memory: number[] = [];
    const replies: Record<string, bigint> = {};
    const batches = PER_PROTOCOL / BATCH;
    // Round robin over the protocols, so that state one leaves behind
    // (ARP entries, half-built datagrams) meets the others' frames.
    for (let b = 0; b < batches; b++) {
      for (let p = 0; p < PROTOCOLS.length; p++) {
        const seed = 0x9e3779b9 ^ (p * 7919 + b * 104729);
        const sent = h.call("fuzz", p, BATCH, seed) as bigint;
        if (h.exitStatus !== null) {
          throw new Error(`${PROTOCOLS[p]} batch ${b} (seed ${seed >>> 0}) stopped the stack:\n${h.console}`);
        }
        replies[PROTOCOLS[p]] = (replies[PROTOCOLS[p]] ?? 0n) + sent;
      }
      h.call("chatter", 20, 0x2545f491 ^ b);
      if (b % 5 === 4) {
        // A quiet spell: a few fragments, then nothing until they time out.
        h.call("fuzz", 2, 4, 0x51ed27 ^ b);
        h.advance(31n * SECOND);
        h.call("tick");
      }
      // Time passes: reassembly times out, ARP retries, gives up, expires.
      for (let s = 0; s < 7; s++) {
        h.advance(SECOND);
        h.call("tick");
      }
      memory.push(h.memorySize);
      expect(h.call("reassemblyBytes")).toBeLessThanOrEqual(256 * 1024);
      expect(h.call("arpQueueBytes")).toBeLessThanOrEqual(2 * (65535 + 14));
      expect(h.call("tcpConnections")).toBeLessThanOrEqual(h.call("tcpMaxConnections"));
    }
    // Memory reaches its size early and keeps it.
    expect(memory.at(-1)).toBe(memory[Math.floor(memory.length / 2)]);
    expect(memory.at(-1)).toBeLessThanOrEqual(8 * 1024 * 1024);

    // Every protocol's frames got some answers, and most were dropped.
    for (const p of PROTOCOLS) expect(replies[p], p).toBeGreaterThan(0n);
    const counters = h.string(h.call("counters"))!;
    console.log(`fuzz: ${PER_PROTOCOL} frames per protocol, memory (KiB) ${memory.map((m) => m >> 10).join(" ")}, replies ${JSON.stringify(replies, (_, v) => (typeof v === "bigint" ? Number(v) : v))}\n${counters}`);

    // Still answering: a valid ping gets its reply.
    const ping = frames("ping");
    h.input(ping[0]);
    h.call("feed");
    h.input(ping[2]);
    expect(h.call("feed")).toBe(1n);
    const reply = parseIpv4Frame(h.output());
    expect(reply.payload[0]).toBe(0);
    expect(reply.payload.subarray(4)).toEqual(parseIpv4Frame(ping[2]).payload.subarray(4));
    expect(inetChecksum(reply.payload)).toBe(0);
    // And a new connection gets its SYN-ACK.
    h.input(tcpFrame({ flags: "S", seq: 7, srcPort: 50000, opts: { mss: 1460 } }));
    h.call("feed");
    h.call("tick");
    h.call("lastSent");
    expect(parseSegment(h.output())).toMatchObject({ flags: "SA", ack: 8, dstPort: 50000 });
  });
});
