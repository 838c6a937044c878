// IPv6 extension headers (RFC 8200 §4): hop-by-hop options, routing,
// fragment and destination options, walked from the fixed header to the
// upper-layer header.
//
//   options headers (hop-by-hop 0, destination 60), routing (43):
//   +-----------+-----------+-----------------------------------
//   | next hdr  | hdr ext len (8-byte units, not counting the first 8) | …
//   fragment (44), always 8 bytes:
//   +-----------+----------+--------------------------+-----+---+
//   | next hdr  | reserved | fragment offset (13 bits)| res | M |
//   +-----------+----------+--------------------------+-----+---+
//   | identification (32 bits)                                  |
//
// The walk refuses, with the Parameter Problem RFC 8200 asks for (code and
// pointer from the start of the IPv6 header):
// - hop-by-hop options anywhere but first (§4.3; code 1 at its next header);
// - a routing header with segments left, of type 0 (RFC 5095 §3) or any
//   other: we do not forward (§4.4; code 0 at the type);
// - options whose type says "discard" (§4.2: the two high bits 01, 10, 11;
//   10 and 11 with an error, 11 only when the destination is unicast):
//   Pad1 and PadN are the only options known here;
// - a chain longer than EXT_MAX_HEADERS or than EXT_MAX_BYTES: nothing
//   legitimate needs that many, and a walk must end (no error sent).
// An atomic fragment (offset 0, M clear) is read and its fragment header
// skipped (RFC 6946 §4): the datagram is whole.
import { get16, get32, get8 } from "./field";

export const IPV6_NH_HOP_BY_HOP: u8 = 0;
export const IPV6_NH_ROUTING: u8 = 43;
export const IPV6_NH_FRAGMENT: u8 = 44;
export const IPV6_NH_NONE: u8 = 59;
export const IPV6_NH_DEST_OPTS: u8 = 60;
export const IPV6_FRAGMENT_LEN = 8;

/** Extension headers one datagram may carry. RFC 8200 §4.1 recommends at
 * most one of each (destination options twice): 6; room for a few more. */
export const EXT_MAX_HEADERS = 8;
/** Bytes of extension headers read at most, all together. */
export const EXT_MAX_BYTES = 1024;

/** Parameter Problem codes (RFC 4443 §3.4). */
export enum ParamProblemCode {
  ErroneousField = 0,
  UnrecognizedNextHeader = 1,
  UnrecognizedOption = 2,
  /** RFC 7112 §5: the first fragment lacks the whole header chain. */
  IncompleteChain = 3,
}

export enum ExtVerdict {
  /** The upper-layer header is at `upperAt`, protocol `upper`. */
  Ok = 0,
  /** The headers run past the payload. */
  Truncated,
  /** More headers or bytes than the bounds. */
  TooLong,
  /** Refused: answer with Parameter Problem `problemCode` at `pointer`
   * (unless `silent`). */
  Problem,
  /** Next header 59: nothing follows (§4.7). */
  NoNextHeader,
}

/** What a walk found; reused, one per layer. */
export class Ipv6ExtChain {
  verdict: ExtVerdict = ExtVerdict.Ok;
  /** The upper-layer protocol and the offset of its header (from the
   * start of the IPv6 header). */
  upper: u8 = 0;
  upperAt: i32 = 0;
  /** The offset of the next-header field that names `upper` (for a
   * Parameter Problem when nothing here speaks it). */
  upperPointer: i32 = 0;
  headers: i32 = 0;
  problemCode: ParamProblemCode = ParamProblemCode.ErroneousField;
  problemPointer: i32 = 0;
  /** A discard option of type 11: no error to a multicast destination. */
  problemUnlessMulticast: bool = false;
  /** A routing header was seen (with no segments left). */
  routing: bool = false;
  /** A fragment header other than an atomic fragment's. */
  fragment: bool = false;
  /** The fragment header's offset from the IPv6 header, and its fields. */
  fragmentAt: i32 = 0;
  fragmentOffset: i32 = 0;
  moreFragments: bool = false;
  ident: u32 = 0;
  /** Next header after the fragment header (the fragmentable part's). */
  fragmentNext: u8 = 0;

  /** Walk the chain of `packet` (an IPv6 packet, fixed header checked,
   * `end` = 40 + its payload length), from next header `first`. */
  walk(packet: Uint8Array, first: u8, end: i32): ExtVerdict {
    this.routing = false;
    this.fragment = false;
    this.problemUnlessMulticast = false;
    this.headers = 0;
    let next = first;
    let at = 40;
    let nextFieldAt = 6; // where the next-header value being read sits
    while (true) {
      if (next == IPV6_NH_HOP_BY_HOP && this.headers > 0) {
        return this.problem(ParamProblemCode.UnrecognizedNextHeader, nextFieldAt);
      }
      if (next == IPV6_NH_NONE) return this.verdict = ExtVerdict.NoNextHeader;
      if (next != IPV6_NH_HOP_BY_HOP && next != IPV6_NH_ROUTING && next != IPV6_NH_FRAGMENT &&
        next != IPV6_NH_DEST_OPTS) {
        this.upper = next;
        this.upperAt = at;
        this.upperPointer = nextFieldAt;
        return this.verdict = ExtVerdict.Ok;
      }
      if (++this.headers > EXT_MAX_HEADERS || at - 40 >= EXT_MAX_BYTES) return this.verdict = ExtVerdict.TooLong;
      if (at + 8 > end) return this.verdict = ExtVerdict.Truncated;
      const len = next == IPV6_NH_FRAGMENT ? IPV6_FRAGMENT_LEN : (<i32>get8(packet, at + 1) + 1) << 3;
      if (at + len > end) return this.verdict = ExtVerdict.Truncated;
      if (next == IPV6_NH_HOP_BY_HOP || next == IPV6_NH_DEST_OPTS) {
        if (!this.options(packet, at + 2, at + len)) return this.verdict;
      } else if (next == IPV6_NH_ROUTING) {
        // §4.4: segments left 0 (byte 3): ignore the header, whatever its
        // type (type 0 included, RFC 5095 §3); otherwise we would have to
        // forward, which a host does not.
        if (get8(packet, at + 3) != 0) return this.problem(ParamProblemCode.ErroneousField, at + 2);
        this.routing = true;
      } else {
        const word = get16(packet, at + 2);
        const offset = <i32>(word & 0xfff8);
        const more = (word & 1) != 0;
        // RFC 6946 §4: an atomic fragment is processed as a whole datagram.
        if (offset != 0 || more) {
          this.fragment = true;
          this.fragmentAt = at;
          this.fragmentOffset = offset;
          this.moreFragments = more;
          this.ident = get32(packet, at + 4);
          this.fragmentNext = get8(packet, at);
          // The rest belongs to the fragment's data: reassembly reads on.
          this.upper = get8(packet, at);
          this.upperAt = at + len;
          return this.verdict = ExtVerdict.Ok;
        }
      }
      nextFieldAt = at;
      next = get8(packet, at);
      at += len;
    }
    return this.verdict; // not reached
  }

  /** The TLV options in [at, end): Pad1, PadN skipped, others by the
   * action their type's two high bits ask for (§4.2). */
  private options(packet: Uint8Array, at: i32, end: i32): bool {
    let i = at;
    while (i < end) {
      const type = get8(packet, i);
      if (type == 0) { // Pad1
        i++;
        continue;
      }
      if (i + 2 > end) {
        this.verdict = ExtVerdict.Truncated;
        return false;
      }
      const olen = 2 + <i32>get8(packet, i + 1);
      if (i + olen > end) {
        this.verdict = ExtVerdict.Truncated;
        return false;
      }
      if (type != 1) {
        const action = type >> 6;
        if (action == 1) {
          this.verdict = ExtVerdict.Problem;
          this.problemPointer = -1; // discard silently
          return false;
        }
        if (action >= 2) {
          this.problem(ParamProblemCode.UnrecognizedOption, i);
          this.problemUnlessMulticast = action == 3;
          return false;
        }
      }
      i += olen;
    }
    return true;
  }

  private problem(code: ParamProblemCode, pointer: i32): ExtVerdict {
    this.problemCode = code;
    this.problemPointer = pointer;
    return this.verdict = ExtVerdict.Problem;
  }

  /** Whether a refusal is silent (no Parameter Problem to send). */
  get silent(): bool {
    return this.verdict != ExtVerdict.Problem || this.problemPointer < 0;
  }
}
