// TCP segments (RFC 9293 §3.1) and their options (RFC 9293 §3.2, RFC 7323,
// RFC 2018).
//
//   0          2          4               8              12   13      14       16         18        20
//   +----------+----------+---------------+---------------+----+-------+--------+----------+---------+--------
//   | src port | dst port | sequence no.  | ack number    |off | flags | window | checksum | urgent  | options…
//   +----------+----------+---------------+---------------+----+-------+--------+----------+---------+--------
//
// `off` (high 4 bits of byte 12) is the header length in 32-bit words;
// the options fill the header past byte 20 and are padded to a word.
// The checksum covers the pseudo-header (RFC 9293 §3.1), header and data.
//
// The representation holds the options the stack speaks: MSS, window
// scale, SACK-permitted, SACK blocks and timestamps; others are skipped by
// their length. Parsing never traps. An illegal option length (RFC 9293
// §3.1, "MUST be prepared to handle") costs the option, not the segment,
// as in Linux's tcp_parse_options: a known kind with the wrong length is
// ignored, and a length under 2 or past the header ends the list there
// (what was read before it stays). `ignored` says that this happened.
import { Ipv4Address } from "./address";
import { finish, sumBytes, sumPseudoHeader } from "./checksum";
import { WireError } from "./error";
import { get16, get32, get8, set16, set32, set8 } from "./field";
import { IP_PROTOCOL_TCP } from "./ipv4";

export const TCP_SRC_PORT = 0;
export const TCP_DST_PORT = 2;
export const TCP_SEQ = 4;
export const TCP_ACK = 8;
export const TCP_OFFSET = 12;
export const TCP_FLAGS = 13;
export const TCP_WINDOW = 14;
export const TCP_CHECKSUM = 16;
export const TCP_URGENT = 18;
export const TCP_HEADER_LEN = 20;
/** The data offset is 4 bits of 32-bit words. */
export const TCP_MAX_HEADER_LEN = 60;
/** The timestamps option as sent, with its two padding bytes (NOP NOP or
 * SACK-permitted, then kind, length 10, two 32-bit values): RFC 7323 §3.2
 * takes it from every segment once agreed. */
export const TCP_TIMESTAMPS_LEN: i32 = 12;

// Flags, byte 13 (RFC 9293 §3.1; CWR and ECE from RFC 3168).
export const TCP_FIN: u8 = 0x01;
export const TCP_SYN: u8 = 0x02;
export const TCP_RST: u8 = 0x04;
export const TCP_PSH: u8 = 0x08;
export const TCP_ACK_FLAG: u8 = 0x10;
export const TCP_URG: u8 = 0x20;
export const TCP_ECE: u8 = 0x40;
export const TCP_CWR: u8 = 0x80;

// Option kinds.
export const OPT_END: u8 = 0;
export const OPT_NOP: u8 = 1;
export const OPT_MSS: u8 = 2;
export const OPT_WSCALE: u8 = 3;
export const OPT_SACK_PERMITTED: u8 = 4;
export const OPT_SACK: u8 = 5;
export const OPT_TIMESTAMPS: u8 = 8;

/** RFC 7323 §2.3: a shift above 14 is used as 14. */
export const TCP_MAX_WSCALE: u8 = 14;
/** Four SACK blocks fit in 40 option bytes; three beside timestamps. */
export const TCP_MAX_SACK_BLOCKS = 4;

/** A view over a segment; call check() before any accessor. */
export class TcpPacket {
  constructor(readonly bytes: Uint8Array) {}

  /** Ok when the fixed header and the header length it claims fit. */
  check(): WireError {
    const len = this.bytes.byteLength;
    if (len < TCP_HEADER_LEN) return WireError.Truncated;
    const hl = this.headerLen;
    if (hl < TCP_HEADER_LEN) return WireError.BadHeaderLength;
    if (hl > len) return WireError.Truncated;
    return WireError.Ok;
  }

  get srcPort(): u16 { return get16(this.bytes, TCP_SRC_PORT); }
  set srcPort(v: u16) { set16(this.bytes, TCP_SRC_PORT, v); }
  get dstPort(): u16 { return get16(this.bytes, TCP_DST_PORT); }
  set dstPort(v: u16) { set16(this.bytes, TCP_DST_PORT, v); }
  get seq(): u32 { return get32(this.bytes, TCP_SEQ); }
  set seq(v: u32) { set32(this.bytes, TCP_SEQ, v); }
  get ack(): u32 { return get32(this.bytes, TCP_ACK); }
  set ack(v: u32) { set32(this.bytes, TCP_ACK, v); }
  /** Header length in bytes (data offset × 4). */
  get headerLen(): i32 { return <i32>(get8(this.bytes, TCP_OFFSET) >> 4) << 2; }
  /** Set the data offset from a header length in bytes (a multiple of 4);
   * the reserved bits are written as zero. */
  set headerLen(v: i32) { set8(this.bytes, TCP_OFFSET, <u8>((v >> 2) << 4)); }
  get flags(): u8 { return get8(this.bytes, TCP_FLAGS); }
  set flags(v: u8) { set8(this.bytes, TCP_FLAGS, v); }
  get window(): u16 { return get16(this.bytes, TCP_WINDOW); }
  set window(v: u16) { set16(this.bytes, TCP_WINDOW, v); }
  get checksum(): u16 { return get16(this.bytes, TCP_CHECKSUM); }
  set checksum(v: u16) { set16(this.bytes, TCP_CHECKSUM, v); }
  get urgent(): u16 { return get16(this.bytes, TCP_URGENT); }
  set urgent(v: u16) { set16(this.bytes, TCP_URGENT, v); }

  /** Whether the checksum is right, the segment being all of `bytes`. */
  verifyChecksum(src: Ipv4Address, dst: Ipv4Address): bool {
    return this.verifyWith(sumPseudoHeader(src, dst, IP_PROTOCOL_TCP, <u32>this.bytes.byteLength));
  }

  /** verifyChecksum with the pseudo-header sum given (any IP version). */
  verifyWith(pseudo: u64): bool {
    return finish(sumBytes(this.bytes.dataStart, this.bytes.byteLength, pseudo)) == 0;
  }

  /** Compute and store the checksum over all of `bytes`. */
  fillChecksum(src: Ipv4Address, dst: Ipv4Address): void {
    this.fillWith(sumPseudoHeader(src, dst, IP_PROTOCOL_TCP, <u32>this.bytes.byteLength));
  }

  /** fillChecksum with the pseudo-header sum given (any IP version). */
  fillWith(pseudo: u64): void {
    this.checksum = 0;
    this.checksum = finish(sumBytes(this.bytes.dataStart, this.bytes.byteLength, pseudo));
  }

  get options(): Uint8Array { return this.bytes.subarray(TCP_HEADER_LEN, this.headerLen); }
  get payload(): Uint8Array { return this.bytes.subarray(this.headerLen); }
}

/** The options of one segment that the stack understands. */
export class TcpOptions {
  /** Maximum segment size; 0 when absent. */
  mss: u16 = 0;
  /** Window shift; -1 when absent. */
  wscale: i32 = -1;
  sackPermitted: bool = false;
  timestamps: bool = false;
  tsVal: u32 = 0;
  tsEcr: u32 = 0;
  /** SACK blocks as [left, right) pairs: sack[2i], sack[2i+1]. */
  readonly sack: StaticArray<u32> = new StaticArray<u32>(2 * TCP_MAX_SACK_BLOCKS);
  sackCount: i32 = 0;
  /** Some option was ignored or the list cut short (illegal length). */
  ignored: bool = false;

  clear(): void {
    this.mss = 0;
    this.wscale = -1;
    this.sackPermitted = false;
    this.timestamps = false;
    this.tsVal = 0;
    this.tsEcr = 0;
    this.sackCount = 0;
    this.ignored = false;
  }

  /** Read the option bytes at [ptr, ptr + len). Unknown kinds and known
   * kinds with a wrong length are skipped by their length; a length under
   * 2 or past the end stops the list. Never fails: `ignored` records
   * that something was left out. */
  parse(ptr: usize, len: i32): WireError {
    this.clear();
    let i = 0;
    while (i < len) {
      const kind = load<u8>(ptr + <usize>i);
      if (kind == OPT_END) break;
      if (kind == OPT_NOP) { i++; continue; }
      const olen = i + 1 < len ? <i32>load<u8>(ptr + <usize>i + 1) : 0;
      if (olen < 2 || i + olen > len) {
        this.ignored = true;
        break;
      }
      if (!this.take(kind, olen, ptr + <usize>i + 2)) this.ignored = true;
      i += olen;
    }
    return WireError.Ok;
  }

  /** One option of `kind` and total length `olen`, its value at `p`;
   * false when a known kind has the wrong length (left out). */
  private take(kind: u8, olen: i32, p: usize): bool {
    if (kind == OPT_MSS) {
      if (olen != 4) return false;
      this.mss = bswap<u16>(load<u16>(p));
    } else if (kind == OPT_WSCALE) {
      if (olen != 3) return false;
      const s = load<u8>(p);
      this.wscale = <i32>(s > TCP_MAX_WSCALE ? TCP_MAX_WSCALE : s);
    } else if (kind == OPT_SACK_PERMITTED) {
      if (olen != 2) return false;
      this.sackPermitted = true;
    } else if (kind == OPT_TIMESTAMPS) {
      if (olen != 10) return false;
      this.timestamps = true;
      this.tsVal = bswap<u32>(load<u32>(p));
      this.tsEcr = bswap<u32>(load<u32>(p, 4));
    } else if (kind == OPT_SACK) {
      const n = (olen - 2) >> 3;
      if (olen != 2 + 8 * n || n == 0 || n > TCP_MAX_SACK_BLOCKS) return false;
      for (let b = 0; b < n; b++) {
        unchecked(this.sack[2 * b] = bswap<u32>(load<u32>(p + <usize>(8 * b))));
        unchecked(this.sack[2 * b + 1] = bswap<u32>(load<u32>(p + <usize>(8 * b + 4))));
      }
      this.sackCount = n;
    }
    return true;
  }

  /** Bytes emit() writes: the options, padded to a multiple of 4. */
  bufferLen(): i32 {
    let n = 0;
    if (this.mss != 0) n += 4;
    if (this.wscale >= 0) n += 4; // NOP + 3
    if (this.timestamps) n += TCP_TIMESTAMPS_LEN; // NOP NOP + 10
    if (this.sackPermitted && !this.timestamps) n += 4; // NOP NOP + 2
    if (this.sackCount > 0) n += 4 + 8 * this.sackCount; // NOP NOP + 2 + 8n
    return n;
  }

  /** Write the options at `ptr`, exactly bufferLen() bytes, laid out as
   * Linux lays them out (NOPs align each to its natural boundary). With
   * timestamps, SACK-permitted shares their first two bytes. */
  emit(ptr: usize): void {
    let p = ptr;
    if (this.mss != 0) {
      store<u8>(p, OPT_MSS);
      store<u8>(p, 4, 1);
      store<u16>(p, bswap<u16>(this.mss), 2);
      p += 4;
    }
    if (this.timestamps) {
      if (this.sackPermitted) {
        store<u8>(p, OPT_SACK_PERMITTED);
        store<u8>(p, 2, 1);
      } else {
        store<u8>(p, OPT_NOP);
        store<u8>(p, OPT_NOP, 1);
      }
      store<u8>(p, OPT_TIMESTAMPS, 2);
      store<u8>(p, 10, 3);
      store<u32>(p, bswap<u32>(this.tsVal), 4);
      store<u32>(p, bswap<u32>(this.tsEcr), 8);
      p += TCP_TIMESTAMPS_LEN;
    } else if (this.sackPermitted) {
      store<u8>(p, OPT_NOP);
      store<u8>(p, OPT_NOP, 1);
      store<u8>(p, OPT_SACK_PERMITTED, 2);
      store<u8>(p, 2, 3);
      p += 4;
    }
    if (this.wscale >= 0) {
      store<u8>(p, OPT_NOP);
      store<u8>(p, OPT_WSCALE, 1);
      store<u8>(p, 3, 2);
      store<u8>(p, <u8>this.wscale, 3);
      p += 4;
    }
    const n = this.sackCount;
    if (n > 0) {
      store<u8>(p, OPT_NOP);
      store<u8>(p, OPT_NOP, 1);
      store<u8>(p, OPT_SACK, 2);
      store<u8>(p, <u8>(2 + 8 * n), 3);
      p += 4;
      for (let b = 0; b < n; b++) {
        store<u32>(p, bswap<u32>(unchecked(this.sack[2 * b])));
        store<u32>(p, bswap<u32>(unchecked(this.sack[2 * b + 1])), 4);
        p += 8;
      }
    }
  }
}

/** parseWith: the checksum was checked already. */
export const NO_CHECKSUM: u64 = u64.MAX_VALUE;

/** A valid TCP segment: header fields, known options, and the payload. */
export class TcpRepr {
  srcPort: u16 = 0;
  dstPort: u16 = 0;
  seq: u32 = 0;
  ack: u32 = 0;
  flags: u8 = 0;
  /** The window field as sent, before any scaling. */
  window: u16 = 0;
  urgent: u16 = 0;
  readonly options: TcpOptions = new TcpOptions();
  /** A view into the parsed bytes, not a copy (parse), or the data to
   * send (emit: copied unless already in place). */
  payload: Uint8Array = new Uint8Array(0);

  @inline has(flag: u8): bool { return (this.flags & flag) != 0; }

  /** Sequence space the segment occupies: data, plus one each for SYN and FIN. */
  get seqLen(): i32 {
    return this.payload.byteLength + ((this.flags & TCP_SYN) != 0 ? 1 : 0) + ((this.flags & TCP_FIN) != 0 ? 1 : 0);
  }

  /** Fill from a segment carried from `src` to `dst`, or return why not
   * (leaving this unchanged, but for the options, which are cleared). */
  parse(packet: TcpPacket, src: Ipv4Address, dst: Ipv4Address, verifyChecksum: bool = true): WireError {
    const pseudo = sumPseudoHeader(src, dst, IP_PROTOCOL_TCP, <u32>packet.bytes.byteLength);
    return this.parseWith(packet, verifyChecksum ? pseudo : NO_CHECKSUM);
  }

  /** parse() with the checksum's pseudo-header sum given (any IP
   * version), or NO_CHECKSUM for a segment a device has checked. */
  parseWith(packet: TcpPacket, pseudo: u64): WireError {
    const e = packet.check();
    if (e != WireError.Ok) return e;
    // Port 0 is reserved (RFC 9293 §3.1 leaves it unassigned; no host
    // listens or connects there).
    if (packet.srcPort == 0 || packet.dstPort == 0) return WireError.Malformed;
    if (pseudo != NO_CHECKSUM && !packet.verifyWith(pseudo)) return WireError.BadChecksum;
    const hl = packet.headerLen;
    const oe = this.options.parse(packet.bytes.dataStart + TCP_HEADER_LEN, hl - TCP_HEADER_LEN);
    if (oe != WireError.Ok) return oe;
    this.srcPort = packet.srcPort;
    this.dstPort = packet.dstPort;
    this.seq = packet.seq;
    this.ack = packet.ack;
    this.flags = packet.flags;
    this.window = packet.window;
    this.urgent = packet.urgent;
    this.payload = packet.payload;
    return WireError.Ok;
  }

  /** Header and options, in bytes. */
  headerLen(): i32 {
    return TCP_HEADER_LEN + this.options.bufferLen();
  }

  bufferLen(): i32 {
    return this.headerLen() + this.payload.byteLength;
  }

  /** Write the segment, checksum included: exactly bufferLen() bytes. */
  emit(packet: TcpPacket, src: Ipv4Address, dst: Ipv4Address): void {
    const hl = this.headerLen();
    const len = hl + this.payload.byteLength;
    if (hl > TCP_MAX_HEADER_LEN) throw new Error("tcp: options longer than 40 bytes");
    if (packet.bytes.byteLength < len) throw new Error("tcp: buffer too short to emit");
    const s = new TcpPacket(packet.bytes.subarray(0, len));
    this.emitHeader(s);
    const to = s.bytes.dataStart + <usize>hl;
    if (this.payload.dataStart != to) memory.copy(to, this.payload.dataStart, this.payload.byteLength);
    s.fillChecksum(src, dst);
  }

  /** Write header and options (checksum zero) at the start of `s`, which
   * must hold headerLen() bytes: for callers that place the payload and
   * fill the checksum themselves. */
  emitHeader(s: TcpPacket): void {
    s.srcPort = this.srcPort;
    s.dstPort = this.dstPort;
    s.seq = this.seq;
    s.ack = this.ack;
    s.headerLen = this.headerLen();
    s.flags = this.flags;
    s.window = this.window;
    s.checksum = 0;
    s.urgent = this.urgent;
    this.options.emit(s.bytes.dataStart + TCP_HEADER_LEN);
  }

  toString(): string {
    let f = "";
    if (this.has(TCP_SYN)) f += "S";
    if (this.has(TCP_FIN)) f += "F";
    if (this.has(TCP_RST)) f += "R";
    if (this.has(TCP_PSH)) f += "P";
    if (this.has(TCP_ACK_FLAG)) f += ".";
    let s = "TCP " + this.srcPort.toString() + " > " + this.dstPort.toString() + " [" + f + "] seq " +
      this.seq.toString();
    if (this.has(TCP_ACK_FLAG)) s += " ack " + this.ack.toString();
    s += " win " + this.window.toString() + " len " + this.payload.byteLength.toString();
    const o = this.options;
    if (o.mss != 0) s += " mss " + o.mss.toString();
    if (o.wscale >= 0) s += " wscale " + o.wscale.toString();
    if (o.sackPermitted) s += " sackOK";
    if (o.timestamps) s += " TS " + o.tsVal.toString() + ":" + o.tsEcr.toString();
    if (o.sackCount > 0) s += " sack " + o.sackCount.toString();
    if (o.ignored) s += " (options ignored)";
    return s;
  }
}
