// ICMP for IPv4 (RFC 792, RFC 1122 §3.2.2).
//
// - Echo requests are answered in place (RFC 1122 §3.2.2.6): the same
//   bytes with the type changed and the checksum adjusted (RFC 1624), so
//   any size reassembly allows comes back unchanged. Requests to a
//   broadcast address are not answered (§3.2.2.6 allows it; so does Linux).
// - Errors we send: port unreachable (for UDP), protocol unreachable, and
//   time exceeded in reassembly, quoting as much of the datagram as fits in
//   576 bytes (RFC 1812 §4.3.2.3). Never about an ICMP error, a broadcast or
//   multicast, a link-layer broadcast, or a source that is not one host
//   (§3.2.2); and at most `icmpErrorBurst` back to back, then one per
//   `icmpErrorInterval` (a token bucket, §3.2.2 "SHOULD rate-limit").
// - Errors and echo replies we receive are checked and counted; nothing
//   here acts on them yet.
import {
  ETH_DST, ETH_HEADER_LEN, IcmpType, Icmpv4Packet, IP_PROTOCOL_ICMP, IPV4_HEADER_LEN, MAC_BROADCAST,
  TimeExceededCode, UnreachableCode,
} from "../wire/index";
import { get16, get48, get8 } from "../wire/field";
import { Limits, isLoopback, isMulticast } from "./config";
import { CounterVisitor, Counters } from "../platform/index";
import { ErrorReporter, Ipv4Layer } from "./ipv4";
import { IpDatagram, IpProtocol } from "./ip";
import { moveWindow, newWindow } from "./window";
import { TokenBucket } from "./ratelimit";

/** RFC 1812 §4.3.2.3: an error fits in 576 bytes, its IPv4 header included. */
const ERROR_MAX = 576;
const QUOTE_MAX = ERROR_MAX - IPV4_HEADER_LEN - 8;

export class IcmpCounters extends Counters {
  messagesIn: u64 = 0;
  dropTruncated: u64 = 0;
  dropBadChecksum: u64 = 0;
  echoRequestsIn: u64 = 0;
  echoRepliesOut: u64 = 0;
  /** Echo requests to a broadcast address, not answered. */
  dropBroadcastEcho: u64 = 0;
  echoRepliesIn: u64 = 0;
  /** Error messages received (unreachable, time exceeded, …). */
  errorsIn: u64 = 0;
  /** Types we do not handle (timestamp, redirect, …). */
  unhandled: u64 = 0;
  unreachablesOut: u64 = 0;
  timeExceededOut: u64 = 0;
  /** Errors not sent because of the rate limit. */
  dropRateLimited: u64 = 0;

  visit(v: CounterVisitor): void {
    v.count("messagesIn", this.messagesIn);
    v.count("dropTruncated", this.dropTruncated);
    v.count("dropBadChecksum", this.dropBadChecksum);
    v.count("echoRequestsIn", this.echoRequestsIn);
    v.count("echoRepliesOut", this.echoRepliesOut);
    v.count("dropBroadcastEcho", this.dropBroadcastEcho);
    v.count("echoRepliesIn", this.echoRepliesIn);
    v.count("errorsIn", this.errorsIn);
    v.count("unhandled", this.unhandled);
    v.count("unreachablesOut", this.unreachablesOut);
    v.count("timeExceededOut", this.timeExceededOut);
    v.count("dropRateLimited", this.dropRateLimited);

  }
}

export class IcmpLayer extends IpProtocol implements ErrorReporter {
  readonly counters: IcmpCounters = new IcmpCounters();
  private readonly window: Uint8Array = newWindow();
  private readonly packet!: Icmpv4Packet;
  /** Errors are built here: Ethernet, IPv4 and ICMP headers, the quote. */
  private readonly tx: Uint8Array = new Uint8Array(ETH_HEADER_LEN + ERROR_MAX);
  private readonly bucket!: TokenBucket;

  constructor(readonly ipv4: Ipv4Layer, readonly limits: Limits) {
    super();
    this.packet = new Icmpv4Packet(this.window);
    this.bucket = new TokenBucket(limits.icmpErrorBurst, limits.icmpErrorInterval);
    ipv4.register(IP_PROTOCOL_ICMP, this);
    ipv4.errors = this;
  }

  input(d: IpDatagram): void {
    const c = this.counters;
    c.messagesIn++;
    const p = this.packet;
    moveWindow(this.window, d.buf, d.l4, d.len);
    if (d.len < 8) {
      c.dropTruncated++;
      return;
    }
    if (!p.verifyChecksum()) {
      c.dropBadChecksum++;
      return;
    }
    const type = p.type;
    if (type == IcmpType.EchoRequest) {
      c.echoRequestsIn++;
      if (d.broadcast) {
        c.dropBroadcastEcho++;
        return;
      }
      // Type 8 becomes 0 and the code 0; the checksum follows the one
      // changed word (RFC 1624 eqn. 3), the data is not touched.
      const before = get16(d.buf, d.l4);
      p.type = <u8>IcmpType.EchoReply;
      p.code = 0;
      p.checksum = adjust(p.checksum, before, 0);
      if (this.ipv4.reply(d, IP_PROTOCOL_ICMP, d.len)) c.echoRepliesOut++;
    } else if (type == IcmpType.EchoReply) {
      c.echoRepliesIn++;
    } else if (isError(type)) {
      c.errorsIn++;
    } else {
      c.unhandled++;
    }
  }

  /** RFC 1122 §4.1.3.1: a UDP datagram for a port nobody listens on. */
  portUnreachable(d: IpDatagram): void {
    if (this.error(d, IcmpType.DstUnreachable, UnreachableCode.Port)) this.counters.unreachablesOut++;
  }

  /** RFC 1122 §3.2.2.1: a protocol nobody here speaks. */
  protocolUnreachable(d: IpDatagram): void {
    if (this.error(d, IcmpType.DstUnreachable, UnreachableCode.Protocol)) this.counters.unreachablesOut++;
  }

  /** RFC 1122 §3.3.2: reassembly gave up on `d` (its first fragment). */
  reassemblyTimedOut(d: IpDatagram): void {
    if (this.error(d, IcmpType.TimeExceeded, TimeExceededCode.ReassemblyTimeExceeded)) {
      this.counters.timeExceededOut++;
    }
  }

  /** Send an error about `d` to its source, unless RFC 1122 §3.2.2
   * forbids it or the rate limit holds it back. */
  private error(d: IpDatagram, type: i32, code: i32): bool {
    const src = d.src.v4;
    if (d.broadcast || get48(d.buf, d.l3 - ETH_HEADER_LEN + ETH_DST) == MAC_BROADCAST) return false;
    if (src == 0 || isMulticast(src) || isLoopback(src) || (src >> 28) == 0xf) return false;
    if (d.protocol == IP_PROTOCOL_ICMP && (d.len < 1 || isError(get8(d.buf, d.l4)))) return false;
    if (!this.bucket.take()) {
      this.counters.dropRateLimited++;
      return false;
    }
    const quote = min(d.headerLen + d.len, QUOTE_MAX);
    const tx = this.tx;
    const at = ETH_HEADER_LEN + IPV4_HEADER_LEN;
    memory.copy(tx.dataStart + <usize>(at + 8), d.buf.dataStart + <usize>d.l3, quote);
    const m = this.packet;
    moveWindow(this.window, tx, at, 8 + quote);
    m.type = <u8>type;
    m.code = <u8>code;
    m.unused = 0;
    m.nextHopMtu = 0;
    m.fillChecksum();
    return this.ipv4.sendV4(src, IP_PROTOCOL_ICMP, tx, at, 8 + quote, d.linkSrc);
  }
}

/** ICMP error types (RFC 792, RFC 1122 §3.2.2): destination unreachable,
 * source quench, redirect, time exceeded, parameter problem. */
function isError(type: u8): bool {
  return type == 3 || type == 4 || type == 5 || type == 11 || type == 12;
}

/** RFC 1624 eqn. 3: the checksum after one 16-bit word of the data went
 * from `before` to `after`: HC' = ~(~HC + ~m + m'). */
export function adjust(checksum: u16, before: u16, after: u16): u16 {
  let s: u32 = <u32>(~checksum & 0xffff) + <u32>(~before & 0xffff) + <u32>after;
  s = (s & 0xffff) + (s >> 16);
  s = (s & 0xffff) + (s >> 16);
  return ~<u16>s;
}
