// ICMPv6 (RFC 4443) for the IPv6 layer.
//
// - Echo requests to one of our addresses are answered in place (§4.2):
//   type 128 becomes 129, the checksum adjusted (RFC 1624; the pseudo-
//   header sum does not change, the reply going from the address asked).
//   Requests to a group are not answered (§4.2 allows it).
// - Neighbor Discovery messages go to nd.ts.
// - Packet Too Big lowers the path MTU to the quoted destination (RFC 8201
//   §4); other errors are counted.
// - Errors we send: port unreachable, parameter problem (from the
//   extension-header walk and unknown next headers), time exceeded in
//   reassembly; quoting as much of the datagram as fits in 1280 bytes
//   (§2.4 (c)); never about an ICMPv6 error, nor to a group, a link-layer
//   multicast, an unspecified or multicast source (§2.4 (e)) but for a
//   parameter problem about an option that asks for it; rate-limited by a
//   token bucket (§2.4 (f)).
import { now, CounterVisitor, Counters } from "../../platform/index";
import {
  ETH_HEADER_LEN, IpAddress, IP_PROTOCOL_ICMPV6, IPV6_HEADER_LEN, IPV6_MIN_MTU, Icmpv6Packet, Icmpv6Type,
  TimeExceeded6Code, Unreachable6Code, ParamProblemCode, isIcmpv6Error, macIsMulticast, readIpv6, MacAddress,
} from "../../wire/index";
import { get16, get48, get8 } from "../../wire/field";
import { Limits } from "../config";
import { adjust } from "../icmp";
import { IpDatagram, IpProtocol } from "../ip";
import { TokenBucket } from "../ratelimit";
import { moveWindow, newWindow } from "../window";
import { Ipv6Control, Ipv6Layer } from "./layer";
import { NeighbourDiscovery } from "./nd";

const HEADERS = ETH_HEADER_LEN + IPV6_HEADER_LEN;
/** A multicast listener query (RFC 3810 §5.1): nd.ts answers it. */
const MLD_QUERY: u8 = 130;
/** §2.4 (c): an error with its IPv6 header fits the minimum MTU. */
const QUOTE_MAX = IPV6_MIN_MTU - IPV6_HEADER_LEN - 8;

export class Icmpv6Counters extends Counters {
  messagesIn: u64 = 0;
  dropTruncated: u64 = 0;
  dropBadChecksum: u64 = 0;
  echoRequestsIn: u64 = 0;
  echoRepliesOut: u64 = 0;
  /** Echo requests to a group, not answered. */
  dropMulticastEcho: u64 = 0;
  /** Other than ND to a tentative address. */
  dropTentative: u64 = 0;
  echoRepliesIn: u64 = 0;
  errorsIn: u64 = 0;
  packetTooBigIn: u64 = 0;
  /** Types not handled (MLD reports of others, …). */
  unhandled: u64 = 0;
  unreachablesOut: u64 = 0;
  paramProblemsOut: u64 = 0;
  timeExceededOut: u64 = 0;
  dropRateLimited: u64 = 0;

  visit(v: CounterVisitor): void {
    v.count("messagesIn", this.messagesIn);
    v.count("dropTruncated", this.dropTruncated);
    v.count("dropBadChecksum", this.dropBadChecksum);
    v.count("echoRequestsIn", this.echoRequestsIn);
    v.count("echoRepliesOut", this.echoRepliesOut);
    v.count("dropMulticastEcho", this.dropMulticastEcho);
    v.count("dropTentative", this.dropTentative);
    v.count("echoRepliesIn", this.echoRepliesIn);
    v.count("errorsIn", this.errorsIn);
    v.count("packetTooBigIn", this.packetTooBigIn);
    v.count("unhandled", this.unhandled);
    v.count("unreachablesOut", this.unreachablesOut);
    v.count("paramProblemsOut", this.paramProblemsOut);
    v.count("timeExceededOut", this.timeExceededOut);
    v.count("dropRateLimited", this.dropRateLimited);
  }
}

export class Icmpv6Layer extends IpProtocol {
  readonly counters: Icmpv6Counters = new Icmpv6Counters();
  private readonly window: Uint8Array = newWindow();
  private readonly packet!: Icmpv6Packet;
  /** Errors are built here: Ethernet, IPv6 and ICMPv6 headers, the quote. */
  private readonly tx: Uint8Array = new Uint8Array(ETH_HEADER_LEN + IPV6_MIN_MTU);
  private readonly bucket!: TokenBucket;
  private readonly quoted: IpAddress = new IpAddress();

  constructor(readonly ipv6: Ipv6Layer, limits: Limits, readonly nd: NeighbourDiscovery) {
    super();
    this.packet = new Icmpv6Packet(this.window);
    this.bucket = new TokenBucket(limits.icmpErrorBurst, limits.icmpErrorInterval);
    ipv6.register(IP_PROTOCOL_ICMPV6, this);
  }

  input(d: IpDatagram): void {
    const c = this.counters;
    c.messagesIn++;
    if (d.len < 8) {
      c.dropTruncated++;
      return;
    }
    const p = this.packet;
    moveWindow(this.window, d.buf, d.l4, d.len);
    if (!p.verifyChecksum(d.src, d.dst)) {
      c.dropBadChecksum++;
      return;
    }
    const type = p.type;
    if (type >= <u8>Icmpv6Type.RouterSolicit && type <= <u8>Icmpv6Type.Redirect) {
      this.nd.input(d, p);
      return;
    }
    if (type == MLD_QUERY) {
      this.nd.query(d);
      return;
    }
    if (!d.broadcast && !this.ipv6.addresses.isOurs(d.dst)) {
      c.dropTentative++;
      return;
    }
    if (type == <u8>Icmpv6Type.EchoRequest) {
      c.echoRequestsIn++;
      if (d.broadcast) {
        c.dropMulticastEcho++;
        return;
      }
      const before = get16(d.buf, d.l4);
      p.type = <u8>Icmpv6Type.EchoReply;
      p.code = 0;
      p.checksum = adjust(p.checksum, before, get16(d.buf, d.l4));
      if (this.ipv6.reply(d, IP_PROTOCOL_ICMPV6, d.len)) c.echoRepliesOut++;
    } else if (type == <u8>Icmpv6Type.EchoReply) {
      c.echoRepliesIn++;
    } else if (type == <u8>Icmpv6Type.PacketTooBig) {
      c.packetTooBigIn++;
      // The quoted datagram's destination: ours was the source of it.
      if (d.len >= 8 + IPV6_HEADER_LEN) {
        readIpv6(d.buf, d.l4 + 8 + 24, this.quoted);
        this.ipv6.pmtu.reduce(this.quoted, p.param, this.ipv6.linkMtu, now());
      }
    } else if (isIcmpv6Error(type)) {
      c.errorsIn++;
    } else {
      c.unhandled++;
    }
  }

  portUnreachable(d: IpDatagram): void {
    if (this.error(d, Icmpv6Type.DstUnreachable, <u8>Unreachable6Code.Port, 0, false)) this.counters.unreachablesOut++;
  }

  paramProblem(d: IpDatagram, code: ParamProblemCode, pointer: i32, toMulticast: bool): void {
    // §2.4 (e.3): to a group only for an option whose type asks for it.
    const allowed = toMulticast && code == ParamProblemCode.UnrecognizedOption;
    if (this.error(d, Icmpv6Type.ParamProblem, <u8>code, <u32>pointer, allowed)) this.counters.paramProblemsOut++;
  }

  reassemblyTimedOut(d: IpDatagram): void {
    if (this.error(d, Icmpv6Type.TimeExceeded, <u8>TimeExceeded6Code.Reassembly, 0, false)) this.counters.timeExceededOut++;
  }

  /** Send an error about `d` to its source, unless §2.4 (e) forbids it or
   * the rate limit holds it back. */
  private error(d: IpDatagram, type: Icmpv6Type, code: u8, param: u32, toGroupAllowed: bool): bool {
    if (d.src.isUnspecified || d.src.isMulticast) return false;
    const linkDst: MacAddress = get48(d.buf, d.l3 - ETH_HEADER_LEN);
    if ((d.broadcast || macIsMulticast(linkDst)) && !toGroupAllowed) return false;
    if (d.protocol == IP_PROTOCOL_ICMPV6 && (d.len < 1 || isIcmpv6Error(get8(d.buf, d.l4)))) return false;
    const src = this.ipv6.sourceFor(d.src);
    if (src.isUnspecified) return false;
    if (!this.bucket.take()) {
      this.counters.dropRateLimited++;
      return false;
    }
    const quote = min(d.headerLen + d.len, QUOTE_MAX);
    const tx = this.tx;
    memory.copy(tx.dataStart + <usize>(HEADERS + 8), d.buf.dataStart + <usize>d.l3, quote);
    const m = this.packet;
    moveWindow(this.window, tx, HEADERS, 8 + quote);
    m.type = <u8>type;
    m.code = code;
    m.param = param;
    m.fillChecksum(src, d.src);
    return this.ipv6.sendFrom(src, d.src, IP_PROTOCOL_ICMPV6, tx, HEADERS, 8 + quote, d.linkSrc);
  }
}

/** What the IPv6 layer asks of ICMPv6 and ND, in one place. */
export class Icmpv6Control extends Ipv6Control {
  constructor(readonly icmp: Icmpv6Layer, readonly nd: NeighbourDiscovery) { super(); }

  paramProblem(d: IpDatagram, code: ParamProblemCode, pointer: i32, toMulticast: bool): void {
    this.icmp.paramProblem(d, code, pointer, toMulticast);
  }
  portUnreachable(d: IpDatagram): void { this.icmp.portUnreachable(d); }
  reassemblyTimedOut(d: IpDatagram): void { this.icmp.reassemblyTimedOut(d); }
  solicit(target: IpAddress, mac: MacAddress): void { this.nd.solicit(target, mac); }
  wake(deadline: i64): void { this.nd.wake(deadline); }
  start(): void { this.nd.start(); }
}
