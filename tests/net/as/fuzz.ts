// Entry for tests/net/fuzz.test.ts: the whole stack on a link in memory,
// fed mutated frames from inside the Wasm instance so that a call runs
// thousands of them. Seeds are the real captures (passed in by the test);
// each mutation is drawn from a seeded generator, so a failing run can be
// replayed from its seed. Checksums are repaired after mutation half of
// the time, so that hostile headers reach the layers past the checks.
// TCP has listeners (echo on 80 and 8080, where the capture went) and a
// generator of its own that aims segments at live connections: it reads
// the sequence numbers the stack sends and writes near them.
import {
  Limits, Ipv4Config, Link, UdpHandler, UdpSocket, UdpDatagram,
} from "../../../libos/net/index";
import { Stack } from "../../../libos/stack/index";
import { IpAddress } from "../../../libos/wire/index";
import { TcpLayer } from "../../../libos/net/tcp/index";
import { Flow, FlowAcceptor, FlowHandler } from "../../../libos/flow/index";
import { fireDue, now } from "../../../libos/platform/index";
import { finish, sumBytes, sumPseudoHeader } from "../../../libos/wire/index";
export { inputBuffer, outputPtr, outputLen } from "../../harness/as/io";
import { inputBytes, setOutput } from "../../harness/as/io";

const US_MAC: u64 = 0x0200_0000_0101;
const US: u32 = 0x0a63_0101; // 10.99.1.1
const MAX_FRAME = 1514;

/** The peer's TCP ports the generator uses, so that segments meet. */
const PEER_PORT: i32 = 40000;
const PEER_PORTS: i32 = 8;
/** Per peer port: the sequence number the stack sent last, past its data
 * (what the peer would acknowledge), and the peer's own next one. */
const stackNext = new StaticArray<u32>(PEER_PORTS);
const peerNext = new StaticArray<u32>(PEER_PORTS);

/** Keeps the last frame sent and counts them all; notes the sequence
 * numbers of TCP segments to the generator's ports. */
class MemoryLink extends Link {
  sent: u64 = 0;
  last: Uint8Array = new Uint8Array(MAX_FRAME + 4);
  lastLen: i32 = 0;
  transmit(frame: Uint8Array): bool {
    this.sent++;
    const n = min(frame.byteLength, this.last.byteLength);
    memory.copy(this.last.dataStart, frame.dataStart, n);
    this.lastLen = n;
    noteTcp(frame);
    return true;
  }
}

function noteTcp(f: Uint8Array): void {
  if (f.byteLength < 54 || f[12] != 8 || f[13] != 0 || f[23] != 6) return;
  const hl = <i32>(f[14] & 15) << 2;
  const l4 = 14 + hl;
  if (l4 + 20 > f.byteLength) return;
  const port = ((<i32>f[l4 + 2] << 8) | <i32>f[l4 + 3]) - PEER_PORT;
  if (<u32>port >= <u32>PEER_PORTS) return;
  const seq = (<u32>f[l4 + 4] << 24) | (<u32>f[l4 + 5] << 16) | (<u32>f[l4 + 6] << 8) | <u32>f[l4 + 7];
  const total = (<i32>f[16] << 8) | <i32>f[17];
  const data = total - hl - ((<i32>f[l4 + 12] >> 4) << 2);
  const flags = f[l4 + 13];
  unchecked(stackNext[port] = seq + <u32>data + ((flags & 3) != 0 ? 1 : 0)); // SYN or FIN count one
  if ((flags & 0x10) != 0) {
    // What the stack acknowledges is where the peer goes on.
    unchecked(peerNext[port] = (<u32>f[l4 + 8] << 24) | (<u32>f[l4 + 9] << 16) | (<u32>f[l4 + 10] << 8) | <u32>f[l4 + 11]);
  }
}

class Echo extends UdpHandler {
  receive(s: UdpSocket, d: UdpDatagram): void { s.reply(d, d.payload); }
}

/** Echoes what it reads, and closes when the peer does. */
class TcpEcho extends FlowHandler {
  readable(c: Flow): void {
    const data = c.received();
    const n = c.write(data);
    c.consume(n);
  }
  peerClosed(c: Flow): void { c.close(); }
}
class TcpEchoListener extends FlowAcceptor {
  accept(c: Flow): FlowHandler | null { return new TcpEcho(); }
}

const link = new MemoryLink(US_MAC, 1500);
const stack = new Stack(link, new Ipv4Config(US, 24, 0x0a63_01fe), new Limits());
stack.start();
const tcp = new TcpLayer(stack.ip);
stack.useTcp(tcp);
tcp.listen(80, new TcpEchoListener());
tcp.listen(8080, new TcpEchoListener());
stack.udp.bind(7, new Echo());
stack.udp.bind(7000, new Echo());
const talker = stack.udp.bind(5000, new Echo())!;

// ---- seeds, by protocol: 0 Ethernet (any), 1 ARP, 2 IPv4, 3 ICMP, 4 UDP, 5 TCP
const seeds: Uint8Array[][] = [[], [], [], [], [], []];

/** Add the input bytes as a seed frame for `protocol`. */
export function addSeed(protocol: i32): void {
  seeds[protocol].push(inputBytes().slice());
}

// ---- a seeded generator (xorshift32)
let state: u32 = 1;
function next(): u32 {
  let x = state;
  x ^= x << 13;
  x ^= x >> 17;
  x ^= x << 5;
  state = x;
  return x;
}
function below(n: i32): i32 { return <i32>(next() % <u32>n); }
function chance(inN: i32): bool { return below(inN) == 0; }

const INTERESTING: u8[] = [0, 1, 2, 4, 5, 8, 0x0f, 0x10, 0x20, 0x3f, 0x40, 0x45, 0x7f, 0x80, 0xc0, 0xfe, 0xff];

const work = new Uint8Array(2048);
const frame = new Uint8Array(0); // a window over work, moved per frame

function setLen(len: i32): Uint8Array {
  store<usize>(changetype<usize>(frame), changetype<usize>(work.buffer), offsetof<Uint8Array>("buffer"));
  store<usize>(changetype<usize>(frame), work.dataStart, offsetof<Uint8Array>("dataStart"));
  store<i32>(changetype<usize>(frame), len, offsetof<Uint8Array>("byteLength"));
  return frame;
}

function be16(at: i32, v: u32): void {
  work[at] = <u8>(v >> 8);
  work[at + 1] = <u8>v;
}
function get16(at: i32): u32 { return (<u32>work[at] << 8) | <u32>work[at + 1]; }
function get32(at: i32): u32 { return (get16(at) << 16) | get16(at + 2); }

/** Mutate work[from, len): a few random edits; returns the new length. */
function mutate(len: i32, from: i32): i32 {
  const edits = 1 + below(4);
  for (let e = 0; e < edits; e++) {
    const span = max(1, len - from);
    switch (below(7)) {
      case 0: { // flip a bit
        const at = from + below(span);
        work[at] = work[at] ^ <u8>(<i32>1 << below(8));
        break;
      }
      case 1: { // an interesting byte
        work[from + below(span)] = INTERESTING[below(INTERESTING.length)];
        break;
      }
      case 2: { // a random byte in the first 64 (the headers)
        work[from + below(min(span, 64))] = <u8>next();
        break;
      }
      case 3: { // a random 16-bit field in the headers
        const at = from + below(min(span, 64));
        if (at + 1 < work.length) be16(at, next());
        break;
      }
      case 4: // truncate
        len = from + below(span + 1);
        break;
      case 5: { // extend with random bytes
        const add = below(64) + 1;
        for (let i = 0; i < add && len < MAX_FRAME; i++) work[len++] = <u8>next();
        break;
      }
      default: // leave this one alone
        break;
    }
  }
  return len;
}

/** Make the IPv4 header's checksum (and often the total length, and the
 * ICMP or UDP checksum) right again, when the header is whole. */
function repair(len: i32): void {
  if (len < 34 || get16(12) != 0x0800) return;
  const hl = <i32>(work[14] & 15) << 2;
  if (hl < 20 || 14 + hl > len) return;
  if (chance(2)) be16(16, <u32>(len - 14));
  const total = min(<i32>get16(16), len - 14);
  const l4 = 14 + hl;
  const proto = work[23];
  const payload = total - hl;
  if (payload >= 8 && (get16(20) & 0x3fff) == 0) {
    if (proto == 1) {
      be16(l4 + 2, 0);
      be16(l4 + 2, finishBE(sumBytes(work.dataStart + l4, payload)));
    } else if (proto == 17 && <i32>get16(l4 + 4) <= payload && get16(l4 + 4) >= 8) {
      const ulen = get16(l4 + 4);
      be16(l4 + 6, 0);
      const sum = finishBE(sumBytes(work.dataStart + l4, ulen, sumPseudoHeader(get32(26), get32(30), 17, ulen)));
      be16(l4 + 6, sum == 0 ? 0xffff : sum);
    } else if (proto == 6 && payload >= 20) {
      be16(l4 + 16, 0);
      be16(l4 + 16, finishBE(sumBytes(work.dataStart + l4, payload, sumPseudoHeader(get32(26), get32(30), 6, <u32>payload))));
    }
  }
  be16(24, 0);
  be16(24, <u32>finishBE(sumBytes(work.dataStart + 14, hl)));
}

/** libos/wire's finish() as the value a big-endian store writes. */
function finishBE(acc: u64): u32 {
  return <u32>finish(acc);
}

/** A fragment of a 3000-byte datagram (an echo request, or UDP to port 7)
 * with a random identification from a small set, so that fragments meet. */
function fragment(): i32 {
  const proto: u8 = chance(2) ? 1 : 17;
  const ident = 1 + below(4);
  let off = below(3000 / 8) * 8;
  if (chance(8)) off = below(65535); // anywhere, unaligned
  let n = chance(4) ? below(1481) : 1480 - below(3) * 8;
  if (n > 1480) n = 1480;
  const more = off + n < 3000 ? !chance(8) : chance(8);
  const flags: u32 = (more ? 0x2000 : 0) | ((<u32>off >> 3) & 0x1fff);
  // Ethernet and IPv4 headers
  const dst: u64 = US_MAC;
  work[0] = <u8>(dst >> 40); work[1] = <u8>(dst >> 32); work[2] = <u8>(dst >> 24);
  work[3] = <u8>(dst >> 16); work[4] = <u8>(dst >> 8); work[5] = <u8>dst;
  work[6] = 2; work[7] = 0; work[8] = 0; work[9] = 0; work[10] = 1; work[11] = 2;
  be16(12, 0x0800);
  work[14] = 0x45; work[15] = 0;
  be16(16, <u32>(20 + n));
  be16(18, <u32>ident);
  be16(20, flags);
  work[22] = 64; work[23] = proto;
  be16(24, 0);
  be16(26, 0x0a63); be16(28, 0x0102); // 10.99.1.2
  be16(30, 0x0a63); be16(32, 0x0101); // us
  // The datagram's bytes: a header at offset 0, a pattern after it.
  for (let i = 0; i < n; i++) {
    const at = off + i;
    work[34 + i] = <u8>(at * 7 + ident);
  }
  if (off == 0 && n >= 8) {
    if (proto == 1) { work[34] = 8; work[35] = 0; be16(36, 0); } else {
      be16(34, 40000); be16(36, 7); be16(38, 3000); be16(40, 0);
    }
  }
  be16(24, <u32>finishBE(sumBytes(work.dataStart + 14, 20)));
  return 34 + n;
}

/** Option bytes the TCP generator draws from: good ones, and each of the
 * illegal lengths RFC 9293 §3.1 says must be handled. */
const TCP_OPTIONS: u8[][] = [
  [2, 4, 5, 0xb4], [3, 3, 7, 1], [4, 2, 1, 1], [8, 10, 0, 0, 0, 1, 0, 0, 0, 0, 1, 1], [5, 10, 0, 0, 0, 0, 0, 0, 0, 9, 1, 1],
  [2, 0, 0, 0], [2, 40, 0, 0], [3, 4, 14, 0], [8, 2, 1, 1], [5, 3, 0, 0], [1, 1, 1, 0], [0, 0, 0, 0], [30, 4, 1, 1],
];

/** A TCP segment from the peer (10.99.1.2) to port 80 from one of the
 * generator's ports: a SYN, or any mix of flags with sequence and
 * acknowledgement numbers near what the connection expects (or anywhere),
 * options good and bad, and some data. */
function tcpSegment(): i32 {
  const k = below(PEER_PORTS);
  const syn = chance(8);
  // Mostly ACKs with or without PSH and FIN; now and then any flags.
  let flags: u32 = syn ? 2 : chance(8) ? next() & 0x3f : 0x10 | (chance(2) ? 8 : 0) | (chance(16) ? 1 : 0);
  let seq = unchecked(peerNext[k]);
  if (syn) seq = next();
  else if (chance(5)) seq += <u32>(below(8192) - 4096);
  else if (chance(16)) seq = next();
  let ack = unchecked(stackNext[k]);
  if (chance(5)) ack += <u32>(below(8192) - 4096);
  if (chance(16)) ack = next();
  const opts = chance(2) ? TCP_OPTIONS[below(TCP_OPTIONS.length)] : [] as u8[];
  const n = chance(2) ? 0 : below(1400);
  // Ethernet and IPv4 headers
  work[0] = 2; work[1] = 0; work[2] = 0; work[3] = 0; work[4] = 1; work[5] = 1;
  work[6] = 2; work[7] = 0; work[8] = 0; work[9] = 0; work[10] = 1; work[11] = 2;
  be16(12, 0x0800);
  const hl = 20 + opts.length;
  work[14] = 0x45; work[15] = 0;
  be16(16, <u32>(20 + hl + n));
  be16(18, next());
  be16(20, 0x4000);
  work[22] = 64; work[23] = 6;
  be16(24, 0);
  be16(26, 0x0a63); be16(28, 0x0102);
  be16(30, 0x0a63); be16(32, 0x0101);
  be16(34, <u32>(PEER_PORT + k)); be16(36, chance(8) ? 8080 : 80);
  be16(38, seq >> 16); be16(40, seq);
  be16(42, ack >> 16); be16(44, ack);
  work[46] = <u8>((hl >> 2) << 4); work[47] = <u8>flags;
  be16(48, chance(8) ? 0 : next());
  be16(50, 0); be16(52, chance(16) ? next() : 0);
  for (let i = 0; i < opts.length; i++) work[54 + i] = opts[i];
  for (let i = 0; i < n; i++) work[54 + opts.length + i] = <u8>(i * 13 + k);
  const len = 34 + hl + n;
  if (!syn) unchecked(peerNext[k] = seq + <u32>n + ((flags & 1) != 0 ? 1 : 0));
  else unchecked(peerNext[k] = seq + 1);
  return len;
}

/** Feed `count` frames for `protocol` (0 Ethernet, 1 ARP, 2 IPv4 and
 * fragments, 3 ICMP, 4 UDP, 5 TCP) drawn from `seed`; the frames sent in
 * reply. */
export function fuzz(protocol: i32, count: i32, seed: u32): u64 {
  state = seed == 0 ? 1 : seed;
  const before = link.sent;
  const pool = seeds[protocol];
  for (let i = 0; i < count; i++) {
    let len: i32;
    if (protocol == 2 && chance(2)) {
      len = fragment();
      if (chance(4)) len = mutate(len, 14);
      if (chance(2)) repair(len);
    } else if (protocol == 5 && !chance(4)) {
      len = tcpSegment();
      if (chance(8)) len = mutate(len, 34);
      if (!chance(16)) repair(len);
    } else {
      const s = pool[below(pool.length)];
      len = s.byteLength;
      memory.copy(work.dataStart, s.dataStart, len);
      // Where mutations land: all of the frame for Ethernet, past the
      // Ethernet header for ARP and IPv4, past IPv4 for ICMP and UDP.
      const from = protocol == 0 ? 0 : protocol <= 2 ? 14 : 34;
      len = mutate(len, from);
      if (protocol >= 2 && chance(2)) repair(len);
    }
    stack.ethernet.receive(setLen(len));
    // TCP answers from a timer due at once: run it, so that the next
    // segment meets the state this one left.
    if (protocol == 5) fireDue(now());
  }
  return link.sent - before;
}

/** Send `count` datagrams of random sizes (to 4000 bytes) to random
 * addresses on the subnet (.1 to .8, so that the mutated ARP replies of
 * the peer .2 may answer) or beyond the gateway: ARP resolution, its
 * queues and fragmentation run between the hostile frames. */
export function chatter(count: i32, seed: u32): void {
  state = seed == 0 ? 1 : seed;
  const payload = new Uint8Array(4000);
  for (let i = 0; i < count; i++) {
    const dst: u32 = chance(4) ? 0xc000_0200 | <u32>below(256) : 0x0a63_0100 | <u32>(1 + below(8));
    talker.sendTo(IpAddress.v4(dst), 9, payload.subarray(0, below(4000)));
  }
}

/** Fire the timers due now (reassembly timeouts, ARP retries, TCP's
 * retransmissions and output). */
export function tick(): i32 {
  return fireDue(now());
}

/** TCP connections in the table, and the most it may hold. */
export function tcpConnections(): i32 { return tcp.connections; }
export function tcpMaxConnections(): i32 { return tcp.config.maxConnections + tcp.config.maxTimeWait; }

/** Feed the input bytes as one frame; hand back the last frame sent. */
export function feed(): u64 {
  const before = link.sent;
  const f = inputBytes();
  stack.ethernet.receive(f);
  setOutput(link.last.subarray(0, link.lastLen));
  return link.sent - before;
}

/** Hand back the last frame sent. */
export function lastSent(): void {
  setOutput(link.last.subarray(0, link.lastLen));
}

export function counters(): string {
  return stack.counters();
}

export function reassemblyBytes(): i32 { return stack.ipv4.reassembly.heldBytes; }
export function arpQueueBytes(): i32 { return stack.arp.queueBytes; }
