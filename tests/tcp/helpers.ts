/**
 * TCP conversations with the harnessed stack (tests/tcp/as/tcp.ts): the
 * test plays the peer, builds each segment from a template plus overrides,
 * sends it, and checks what comes back, with a fake clock:
 *
 *   const t = await TcpTest.boot();
 *   t.listen(80, App.Echo);
 *   const synAck = t.one(t.send(t.seg({ flags: "S", seq: 100, opts: { mss: 1460 } })));
 *   expect(synAck).toMatchObject({ flags: "SA", ack: 101 });
 *
 * Segments are built and parsed here from RFC 9293 §3.1 and RFC 7323,
 * independently of libos/wire, so that the two check each other. The peer
 * is 10.99.1.2 (port 40000 unless told), the stack 10.99.1.1.
 */
import { expect } from "vitest";
import { Harness, type HarnessOptions } from "../harness/index.ts";
import {
  BROADCAST_MAC, PEER, PEER_MAC, SECOND, US, US_MAC, arp, ethernet, inetChecksum, ip, ipFrame, ipText, be16, be32,
} from "../net/helpers.ts";

export { PEER, US, SECOND };
export const ENTRY = "tests/tcp/as/tcp.ts";
export const MS = 1_000_000n;
export const PEER_PORT = 40000;

export enum App { Echo = 0, Sink = 1, Hold = 2, Source = 3 }

export interface Options {
  mss?: number;
  ws?: number;
  sackOk?: boolean;
  /** [TSval, TSecr] */
  ts?: [number, number];
  /** SACK blocks, [left, right) each. */
  sack?: [number, number][];
  /** Raw option bytes instead of the above (to build bad ones). */
  raw?: number[];
}

export interface SegFields {
  srcPort?: number;
  dstPort?: number;
  seq?: number;
  ack?: number;
  /** Letters: S F R P A U (any order). A is added when `ack` is given,
   * unless `noAck`. */
  flags?: string;
  noAck?: boolean;
  win?: number;
  opts?: Options;
  data?: Uint8Array | string;
  /** Override the checksum (to corrupt it). */
  checksum?: number;
  src?: string;
  dst?: string;
}

export interface Segment {
  srcPort: number;
  dstPort: number;
  seq: number;
  ack: number;
  /** Letters in the order S F R P A, e.g. "SA", "PA", "FA". */
  flags: string;
  win: number;
  mss?: number;
  ws?: number;
  sackOk: boolean;
  ts?: [number, number];
  sack: [number, number][];
  data: Uint8Array;
  /** The text of the data (latin1), for short checks. */
  text: string;
  checksumOk: boolean;
  src: string;
  dst: string;
}

const u16 = (n: number) => [(n >> 8) & 0xff, n & 0xff];
const u32 = (n: number) => [(n >>> 24) & 0xff, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff];
export const seqAdd = (a: number, b: number) => (a + b) >>> 0;

function optionBytes(o: Options): number[] {
  if (o.raw) return o.raw;
  const b: number[] = [];
  if (o.mss !== undefined) b.push(2, 4, ...u16(o.mss));
  if (o.sackOk && o.ts) b.push(4, 2);
  else if (o.sackOk) b.push(1, 1, 4, 2);
  if (o.ts) b.push(...(o.sackOk ? [] : [1, 1]), 8, 10, ...u32(o.ts[0]), ...u32(o.ts[1]));
  if (o.ws !== undefined) b.push(1, 3, 3, o.ws);
  if (o.sack && o.sack.length > 0) {
    b.push(1, 1, 5, 2 + 8 * o.sack.length);
    for (const [l, r] of o.sack) b.push(...u32(l), ...u32(r));
  }
  while (b.length % 4 !== 0) b.push(0);
  return b;
}

const FLAG_BITS: Record<string, number> = { F: 1, S: 2, R: 4, P: 8, A: 16, U: 32 };

/** A TCP segment (header, options, data) with its checksum. */
export function tcpSegment(f: SegFields): Uint8Array {
  const data = typeof f.data === "string" ? Buffer.from(f.data, "latin1") : (f.data ?? new Uint8Array(0));
  const opts = optionBytes(f.opts ?? {});
  let flags = 0;
  for (const ch of f.flags ?? "") flags |= FLAG_BITS[ch];
  if (f.ack !== undefined && !f.noAck) flags |= FLAG_BITS.A;
  const hl = 20 + opts.length;
  const h = [
    ...u16(f.srcPort ?? PEER_PORT), ...u16(f.dstPort ?? 80), ...u32(f.seq ?? 0), ...u32(f.ack ?? 0),
    (hl / 4) << 4, flags, ...u16(f.win ?? 65535), 0, 0, 0, 0, ...opts,
  ];
  const seg = Uint8Array.from([...h, ...data]);
  const src = f.src ?? PEER;
  const dst = f.dst ?? US;
  const sum = f.checksum ?? inetChecksum([...u32(ip(src)), ...u32(ip(dst)), 0, 6, ...u16(seg.length)], seg);
  seg[16] = sum >> 8;
  seg[17] = sum & 0xff;
  return seg;
}

/** A frame from the peer carrying a TCP segment. */
export function tcpFrame(f: SegFields): Uint8Array {
  return ipFrame({ protocol: 6, src: f.src ?? PEER, dst: f.dst ?? US }, tcpSegment(f));
}

/** The TCP segment in a frame the stack sent. */
export function parseSegment(frame: Uint8Array): Segment {
  expect(be16(frame, 12)).toBe(0x0800);
  const p = frame.subarray(14);
  const ihl = (p[0] & 15) * 4;
  const total = be16(p, 2);
  expect(p[9]).toBe(6);
  const t = p.subarray(ihl, total);
  const src = ipText(be32(p, 12));
  const dst = ipText(be32(p, 16));
  const hl = (t[12] >> 4) * 4;
  const fl = t[13];
  let flags = "";
  for (const ch of "SFRPA") if (fl & FLAG_BITS[ch]) flags += ch;
  const s: Segment = {
    srcPort: be16(t, 0), dstPort: be16(t, 2), seq: be32(t, 4), ack: be32(t, 8), flags, win: be16(t, 14),
    sackOk: false, sack: [], data: t.slice(hl), text: "", src, dst,
    checksumOk: inetChecksum([...u32(ip(src)), ...u32(ip(dst)), 0, 6, ...u16(t.length)], t) === 0,
  };
  s.text = Buffer.from(s.data).toString("latin1");
  for (let i = 20; i < hl;) {
    const kind = t[i];
    if (kind === 0) break;
    if (kind === 1) { i++; continue; }
    const len = t[i + 1];
    expect(len).toBeGreaterThanOrEqual(2);
    if (kind === 2) s.mss = be16(t, i + 2);
    else if (kind === 3) s.ws = t[i + 2];
    else if (kind === 4) s.sackOk = true;
    else if (kind === 8) s.ts = [be32(t, i + 2), be32(t, i + 6)];
    else if (kind === 5) for (let b = i + 2; b < i + len; b += 8) s.sack.push([be32(t, b), be32(t, b + 4)]);
    i += len;
  }
  return s;
}

/** Byte i of the Source application's pattern (tests/tcp/as/tcp.ts). */
export function patternByte(i: number): number {
  return (i * 7 + (i >> 8)) & 0xff;
}

export function patternBytes(from: number, len: number): Uint8Array {
  return Uint8Array.from({ length: len }, (_, k) => patternByte(from + k));
}

export type Config = Record<string, number | bigint | boolean>;

export class TcpTest {
  private constructor(readonly h: Harness) {}

  /** A booted stack with TCP; `config` sets TcpConfig fields first. The
   * peer's ARP request is answered and the answer dropped, so the stack
   * knows the peer's MAC. */
  static async boot(opts: HarnessOptions & { config?: Config; entry?: string; bootArg?: number } = {}): Promise<TcpTest> {
    const h = await Harness.start(opts.entry ?? ENTRY, {
      devices: [{ name: "service", type: "net", mac: US_MAC, mtu: 1500 }],
      cmdline: `--ipv4=${US}/24`,
      ...opts,
    });
    const t = new TcpTest(h);
    for (const [name, value] of Object.entries(opts.config ?? {})) {
      const v = typeof value === "boolean" ? (value ? 1n : 0n) : BigInt(value);
      expect(h.call("setConfig", h.newString(name), v), `config ${name}`).toBe(1);
    }
    t.call("boot", opts.bootArg ?? 0);
    t.sent();
    t.peerArp();
    return t;
  }

  /** The peer asks for our MAC, so the stack learns (again) the peer's:
   * tests that run minutes of fake time call it to keep the entry fresh. */
  peerArp(): void {
    this.send(ethernet(BROADCAST_MAC, PEER_MAC, 0x0806, arp(1, PEER_MAC, PEER, "00:00:00:00:00:00", US)));
  }

  call(fn: string, ...args: unknown[]): any {
    const r = this.h.call(fn, ...args);
    if (this.h.exitStatus !== null) throw new Error(`${fn} stopped the image:\n${this.h.console}`);
    return r;
  }

  /** A frame from the peer: `seg` fields on top of the template. */
  seg(f: SegFields): Uint8Array {
    return tcpFrame(f);
  }

  /** Deliver frames now, run the loop once; the segments sent. */
  send(...frames: Uint8Array[]): Segment[] {
    for (const f of frames) this.h.net().deliver(f, this.h.monotonic);
    // One wake-up reads at most 64 frames (RX_BUDGET): turn until all are in.
    do this.call("stepNow"); while (this.h.net().readyAt(this.h.monotonic));
    return this.sent();
  }

  /** Move the clock and fire due timers; the segments sent. */
  advance(ns: bigint): Segment[] {
    this.h.advance(ns);
    this.call("stepNow");
    return this.sent();
  }

  /** Run the loop once without new input (after an API call). */
  step(): Segment[] {
    this.call("stepNow");
    return this.sent();
  }

  /** Segments sent since the last look (ARP and others left out). */
  sent(): Segment[] {
    return this.h.net().takeSent().filter((f) => be16(f, 12) === 0x0800 && f[14 + 9] === 6).map((f) => {
      const s = parseSegment(f);
      expect(s.checksumOk, "checksum of a segment we sent").toBe(true);
      return s;
    });
  }

  /** Exactly one segment. */
  one(out: Segment[]): Segment {
    expect(out.map(show), "one segment expected").toHaveLength(1);
    return out[0];
  }

  listen(port: number, app: App, opts: { backlog?: number; refuse?: boolean } = {}): void {
    expect(this.call("listen", port, app, opts.backlog ?? -1, opts.refuse ?? false)).toBe(1);
  }

  connect(port: number, app: App, srcPort = 0, dst = PEER): number {
    return this.call("connect", ip(dst), port, app, srcPort);
  }

  write(id: number, data: Uint8Array | string): number {
    this.h.input(typeof data === "string" ? Buffer.from(data, "latin1") : data);
    return this.call("write", id);
  }

  setSourceBytes(n: number): void {
    this.call("setSourceBytes", n);
  }

  events(): string[] {
    const e = this.h.string(this.call("events_"))!;
    return e === "" ? [] : e.trimEnd().split("\n");
  }

  takeRead(id: number): string {
    return this.h.string(this.call("takeRead", id))!;
  }

  info(id: number): Record<string, string> {
    return words(this.h.string(this.call("info", id))!);
  }

  layer(): Record<string, number> {
    return Object.fromEntries(Object.entries(words(this.h.string(this.call("layerInfo"))!)).map(([k, v]) => [k, Number(v)]));
  }

  counters(): Record<string, bigint> {
    const text = this.h.string(this.call("counters"))!;
    const line = text.split("\n").find((l) => l.startsWith("tcp "))!;
    return Object.fromEntries(line.split(" ").slice(1).map((i) => i.split("=")).map(([k, v]) => [k, BigInt(v)]));
  }

  /**
   * The three-way handshake from the peer to `port` (listening): SYN with
   * `opts`, the stack's SYN-ACK checked and answered. Returns the
   * sequence numbers: `our` is the stack's next (ISS + 1), `peer` the
   * peer's next, and what the stack sent on the final ACK.
   */
  handshake(port = 80, opts: Options = { mss: 1460 }, peerIsn = 1000, srcPort = PEER_PORT): { our: number; peer: number; synAck: Segment; out: Segment[] } {
    const synAck = this.one(this.send(this.seg({ flags: "S", seq: peerIsn, dstPort: port, srcPort, opts })));
    expect(synAck.flags).toBe("SA");
    expect(synAck.ack).toBe(seqAdd(peerIsn, 1));
    const our = seqAdd(synAck.seq, 1);
    const peer = seqAdd(peerIsn, 1);
    const ackOpts: Options = opts.ts && synAck.ts ? { ts: [opts.ts[0] + 1, synAck.ts[0]] } : {};
    const out = this.send(this.seg({ seq: peer, ack: our, dstPort: port, srcPort, opts: ackOpts }));
    return { our, peer, synAck, out };
  }
}

function words(text: string): Record<string, string> {
  return Object.fromEntries(text.split(" ").map((w) => w.split("=")) as [string, string][]);
}

/** A segment in one line, for failure messages: "SA 1000:1000(0) ack 1 win 65535". */
export function show(s: Segment): string {
  return `${s.flags} ${s.seq}:${seqAdd(s.seq, s.data.length)}(${s.data.length}) ack ${s.ack} win ${s.win}` +
    (s.sack.length ? ` sack ${s.sack.map(([l, r]) => `${l}-${r}`).join(",")}` : "");
}
