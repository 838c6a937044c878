/**
 * Shared by the stack tests: a harnessed stack (tests/net/as/stack.ts) on
 * the "service" device, frame builders and parsers written here from the
 * RFCs (independently of libos/wire, so that the two check each other),
 * and a reassembler that works as Linux's does, to check our fragments.
 *
 * The stack plays router R of the wire fixtures (10.99.1.1, MAC
 * 02:00:00:00:01:01), so the captured frames from host A (10.99.1.2,
 * 02:00:00:00:01:02) are addressed to it unchanged, and Linux's own answers
 * in the captures are what ours are compared with.
 */
import { expect } from "vitest";
import { Harness, type HarnessOptions } from "../harness/index.ts";
import { frames as wireFrames } from "../wire/helpers.ts";

export const ENTRY = "tests/net/as/stack.ts";
export const US = "10.99.1.1";
export const US_MAC = "02:00:00:00:01:01";
export const PEER = "10.99.1.2";
export const PEER_MAC = "02:00:00:00:01:02";
export const BROADCAST_MAC = "ff:ff:ff:ff:ff:ff";
export const SECOND = 1_000_000_000n;

export const frames = wireFrames;

// ---- numbers, bytes and builders: morgana/testing's (toolchain/testing/frames.ts)
export {
  ip, ipText, macBytes, macText, be16, be32, inetChecksum, ethernet, arp, icmpEcho, udp,
} from "../../toolchain/testing/frames.ts";
import { ethernet, inetChecksum, ip, ipText, be16, be32, ipv4 as ipv4Packet, type Ipv4Fields as Fields } from "../../toolchain/testing/frames.ts";

export function pattern(len: number, seed = 0): Uint8Array {
  return Uint8Array.from({ length: len }, (_, i) => (i * 7 + seed * 13 + (i >> 8)) & 0xff);
}

/** Header fields of a packet from the peer to us unless `src`/`dst` say otherwise. */
export type Ipv4Fields = Partial<Fields>;

export function ipv4(f: Ipv4Fields, payload: ArrayLike<number>): Uint8Array {
  return ipv4Packet({ src: PEER, dst: US, ...f }, payload);
}

/** An IPv4 frame from the peer to us. */
export function ipFrame(f: Ipv4Fields, payload: ArrayLike<number>, dstMac = US_MAC, srcMac = PEER_MAC): Uint8Array {
  return ethernet(dstMac, srcMac, 0x0800, ipv4(f, payload));
}

/** `datagram` cut into fragments of at most `size` data bytes (a multiple
 * of 8 but for the last), each a frame from the peer. */
export function fragments(f: Ipv4Fields, datagram: Uint8Array, size: number): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let off = 0; off < datagram.length; off += size) {
    const n = Math.min(size, datagram.length - off);
    out.push(ipFrame({ ...f, offset: off, mf: off + n < datagram.length }, datagram.subarray(off, off + n)));
  }
  return out;
}

// ---- parsers
export interface ParsedIpv4 {
  version: number; hl: number; total: number; ident: number; df: boolean; mf: boolean; offset: number;
  ttl: number; protocol: number; checksumOk: boolean; src: string; dst: string; payload: Uint8Array;
}

/** An IPv4 frame's header fields (offsets per RFC 791 §3.1). */
export function parseIpv4Frame(frame: Uint8Array): ParsedIpv4 {
  expect(be16(frame, 12)).toBe(0x0800);
  const p = frame.subarray(14);
  const hl = (p[0] & 15) * 4;
  const total = be16(p, 2);
  const flags = be16(p, 6);
  return {
    version: p[0] >> 4, hl, total, ident: be16(p, 4), df: (flags & 0x4000) !== 0, mf: (flags & 0x2000) !== 0,
    offset: (flags & 0x1fff) * 8, ttl: p[8], protocol: p[9], checksumOk: inetChecksum(p.subarray(0, hl)) === 0,
    src: ipText(be32(p, 12)), dst: ipText(be32(p, 16)), payload: p.subarray(hl, total),
  };
}

/**
 * Reassembles fragments the way Linux's ip_defrag does (RFC 791 §3.2):
 * keyed by source, destination, protocol and identification, ordered by
 * offset, refusing overlaps and gaps, complete when the fragment without
 * MF is in and everything before it. Returns the datagram's payload.
 */
export function linuxReassemble(frames: Uint8Array[]): Uint8Array {
  const parts = frames.map(parseIpv4Frame);
  const key = (p: ParsedIpv4) => `${p.src}>${p.dst}/${p.protocol}#${p.ident}`;
  for (const p of parts) {
    expect(p.checksumOk).toBe(true);
    expect(key(p)).toBe(key(parts[0]));
    if (p.mf) expect(p.payload.length % 8).toBe(0);
  }
  parts.sort((a, b) => a.offset - b.offset);
  let end = 0;
  for (const p of parts) {
    expect(p.offset).toBe(end); // no gap, no overlap
    end += p.payload.length;
  }
  expect(parts.at(-1)!.mf).toBe(false);
  expect(parts.slice(0, -1).every((p) => p.mf)).toBe(true);
  const out = new Uint8Array(end);
  for (const p of parts) out.set(p.payload, p.offset);
  return out;
}

// ---- the harnessed stack
export type CounterSet = Record<string, Record<string, bigint>>;

export class Net {
  private constructor(readonly h: Harness) {}

  /** A stack booted with `cmdline` (default: our address as R) and
   * `limits` changed from their defaults. The gratuitous ARP sent at boot
   * is taken unless `keepBoot`. */
  static async boot(opts: HarnessOptions & { limits?: Record<string, number | bigint>; keepBoot?: boolean; entry?: string } = {}): Promise<Net> {
    const h = await Harness.start(opts.entry ?? ENTRY, {
      devices: [{ name: "service", type: "net", mac: US_MAC, mtu: 1500 }],
      cmdline: `--ipv4=${US}/24`,
      ...opts,
    });
    const n = new Net(h);
    // One announcement, not RFC 5227's two, so that the second does not
    // land in the middle of tests that move the clock.
    for (const [name, value] of Object.entries({ arpAnnouncements: 1, ...opts.limits })) {
      expect(h.call("setLimit", h.newString(name), BigInt(value))).toBe(1);
    }
    h.call("boot");
    if (!opts.keepBoot) n.sent();
    return n;
  }

  /** Deliver frames now and let the stack take them; what it sent. */
  send(...frames: Uint8Array[]): Uint8Array[] {
    for (const f of frames) this.h.net().deliver(f, this.h.monotonic);
    // One wake-up reads at most 64 frames (RX_BUDGET): turn until all are in.
    do this.call("stepNow"); while (this.h.net().readyAt(this.h.monotonic));
    return this.sent();
  }

  /** Move the clock and fire the timers due; what the stack sent. */
  advance(ns: bigint): Uint8Array[] {
    this.h.advance(ns);
    this.call("stepNow");
    return this.sent();
  }

  sent(): Uint8Array[] {
    return this.h.net().takeSent();
  }

  call(fn: string, ...args: unknown[]): any {
    const r = this.h.call(fn, ...args);
    if (this.h.exitStatus !== null) throw new Error(`${fn} stopped the image:\n${this.h.console}`);
    return r;
  }

  counters(): CounterSet {
    const out: CounterSet = {};
    for (const line of this.h.string(this.call("counters"))!.trim().split("\n")) {
      const [layer, ...items] = line.split(" ");
      out[layer] = Object.fromEntries(items.map((i) => i.split("=")).map(([k, v]) => [k, BigInt(v)]));
    }
    return out;
  }

  /** Bind a socket: 0 echo (in place), 1 recorder, 2 reverser (copies). */
  bind(port: number, kind = 0): number {
    return this.call("bind", port, kind);
  }

  /** Datagrams the recorder sockets saw since the last call, one a line. */
  events(): string[] {
    const e = this.h.string(this.call("events_"))!;
    return e === "" ? [] : e.slice(0, -1).split("\n");
  }

  sendTo(port: number, dst: string, dstPort: number, payload: Uint8Array): boolean {
    this.h.input(payload);
    return this.call("sendTo", port, ip(dst), dstPort) === 1;
  }

  arpLookup(addr: string): string | null {
    const m = this.call("arpLookup", ip(addr)) as bigint;
    if (m < 0n) return null;
    return m.toString(16).padStart(12, "0").replace(/(..)(?!$)/g, "$1:");
  }
}
