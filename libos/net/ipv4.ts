// IPv4 (RFC 791, RFC 1122 §3.2) for one interface: address, prefix and an
// optional gateway.
//
// In: every header check of RFC 1122 §3.2.1 (version, header length,
// checksum, total length against the frame; a source that is not a unicast
// host is refused, §3.2.1.3, and so is our subnet's network address, a
// broadcast address of old; a datagram with a source-route option is
// dropped, RFC 7126 §4.3-4.4), then datagrams for our address or a
// broadcast one go to reassembly (fragments) or to the protocol registered
// for them. Datagrams are not forwarded. The TTL of what arrives is not
// checked: a host must accept a TTL under 2 (§3.2.1.7).
//
// Out: a destination on our subnet goes straight to it, any other through
// the gateway (§3.3.1.1), broadcasts to the Ethernet broadcast address;
// the next hop is resolved by ARP (the datagram waits there if need be).
// Our datagrams carry TTL `limits.ttl`, an identification from a counter
// started at random, DF clear; larger than the MTU, they are fragmented.
// Answers go back in place, to the link address their question came from.
import { Level, Logger, randomU32 } from "../platform/index";
import {
  ETH_HEADER_LEN, ETH_SRC, ETHERTYPE_IPV4, IPV4_HEADER_LEN, IPV4_MAX_LEN, Ipv4Address,
  Ipv4Packet, Ipv4Repr, MAC_BROADCAST, MacAddress, ipv4ToString, IpAddress, IP_V4, sumPseudoHeader, WireError,
} from "../wire/index";
import { get48 } from "../wire/field";
import { ArpLayer, NO_MAC, ResolvedSender } from "./arp";
import { IpDatagram, IpLayer, IpProtocol } from "./ip";
import { Ipv4Config, Limits, isLoopback, isMulticast } from "./config";
import { CounterVisitor, Counters } from "../platform/index";
import { EtherTypeHandler, EthernetLayer } from "./ethernet";
import { Fragmenter } from "./fragment";
import { FragmentKey, Reassembly, ReassemblyHost } from "./reassembly";
import { moveWindow, newWindow } from "./window";

/** Tells sources about their datagrams' fate: ICMP implements it. */
export interface ErrorReporter {
  portUnreachable(d: IpDatagram): void;
  protocolUnreachable(d: IpDatagram): void;
  reassemblyTimedOut(d: IpDatagram): void;
}

export class Ipv4Counters extends Counters {
  packetsIn: u64 = 0;
  /** Shorter than 20 bytes. */
  dropTruncated: u64 = 0;
  dropBadVersion: u64 = 0;
  /** Header length under 20 or beyond the packet. */
  dropBadHeaderLength: u64 = 0;
  dropBadChecksum: u64 = 0;
  /** Total length under the header length or beyond the frame. */
  dropBadLength: u64 = 0;
  /** Source broadcast, multicast, loopback, class E, our subnet's
   * network address, or ours. */
  dropBadSource: u64 = 0;
  /** Carries a loose or strict source route (RFC 7126 §4.3, §4.4). */
  dropSourceRoute: u64 = 0;
  /** For another address (we do not forward). */
  dropNotForUs: u64 = 0;
  dropUnknownProtocol: u64 = 0;
  delivered: u64 = 0;
  packetsOut: u64 = 0;
  fragmentsOut: u64 = 0;
  /** No route: off-link without gateway, multicast, 0.0.0.0, ourselves. */
  dropNoRoute: u64 = 0;
  /** Asked to send more than 65535 bytes. */
  dropTooLong: u64 = 0;
  /** TCP segmentation offload datagrams sent (also in packetsOut). */
  tsoOut: u64 = 0;
  /** A segmentation offload datagram whose next hop was not resolved:
   * resolving starts, but it is not queued (it must not be fragmented):
   * dropped, and TCP sends it again in segments. */
  dropTsoUnresolved: u64 = 0;

  visit(v: CounterVisitor): void {
    v.count("packetsIn", this.packetsIn);
    v.count("dropTruncated", this.dropTruncated);
    v.count("dropBadVersion", this.dropBadVersion);
    v.count("dropBadHeaderLength", this.dropBadHeaderLength);
    v.count("dropBadChecksum", this.dropBadChecksum);
    v.count("dropBadLength", this.dropBadLength);
    v.count("dropBadSource", this.dropBadSource);
    v.count("dropNotForUs", this.dropNotForUs);
    v.count("dropUnknownProtocol", this.dropUnknownProtocol);
    v.count("delivered", this.delivered);
    v.count("packetsOut", this.packetsOut);
    v.count("fragmentsOut", this.fragmentsOut);
    v.count("dropNoRoute", this.dropNoRoute);
    v.count("dropTooLong", this.dropTooLong);
    v.count("tsoOut", this.tsoOut);
    v.count("dropTsoUnresolved", this.dropTsoUnresolved);
    v.count("dropSourceRoute", this.dropSourceRoute);

  }
}

const log = new Logger("ipv4");
const HEADERS = ETH_HEADER_LEN + IPV4_HEADER_LEN;

export class Ipv4Layer extends IpLayer implements EtherTypeHandler, ResolvedSender, ReassemblyHost {
  readonly counters: Ipv4Counters = new Ipv4Counters();
  /** Ours: changes when DHCP (re)configures the interface (setConfig). */
  address: Ipv4Address;
  /** The same, as the IpAddress transports send from. */
  private readonly source: IpAddress = new IpAddress();
  readonly reassembly!: Reassembly;
  errors: ErrorReporter | null = null;
  private readonly protocols: StaticArray<IpProtocol | null> = new StaticArray<IpProtocol | null>(256);
  private readonly d: IpDatagram = new IpDatagram();
  private readonly window: Uint8Array = newWindow();
  private readonly packet!: Ipv4Packet;
  private readonly outWindow: Uint8Array = newWindow();
  /** What was parsed of the datagram in hand, and what is sent. */
  private readonly rx: Ipv4Repr = new Ipv4Repr();
  private readonly tx: Ipv4Repr = new Ipv4Repr();
  private readonly out!: Ipv4Packet;
  private readonly fragmenter!: Fragmenter;
  private readonly key: FragmentKey = new FragmentKey();
  private ident: u16;

  constructor(
    readonly ethernet: EthernetLayer,
    readonly arp: ArpLayer,
    public config: Ipv4Config,
    readonly limits: Limits,
  ) {
    super(IP_V4, IPV4_HEADER_LEN);
    this.address = config.address;
    this.source.setV4(config.address);
    this.packet = new Ipv4Packet(this.window);
    this.out = new Ipv4Packet(this.outWindow);
    this.fragmenter = new Fragmenter(ethernet);
    this.reassembly = new Reassembly(limits, this);
    this.ident = <u16>randomU32();
    arp.sender = this;
  }

  /** Use another address, prefix and gateway from now on (DHCP). */
  setConfig(config: Ipv4Config): void {
    this.config = config;
    this.address = config.address;
    this.source.setV4(config.address);
  }

  get configured(): bool {
    return this.address != 0;
  }

  sourceFor(dst: IpAddress): IpAddress {
    return this.source;
  }

  get mtu(): i32 {
    return this.ethernet.mtu;
  }

  pseudoHeaderSum(src: IpAddress, dst: IpAddress, protocol: u8, length: i32): u64 {
    return sumPseudoHeader(src.v4, dst.v4, protocol, <u32>length);
  }

  portUnreachable(d: IpDatagram): void {
    const errors = this.errors;
    if (errors !== null && !d.broadcast) errors.portUnreachable(d);
  }

  /** Hand datagrams of `protocol` to `handler` (replacing any other). */
  register(protocol: u8, handler: IpProtocol): void {
    this.protocols[protocol] = handler;
  }

  /** An IPv4 frame from Ethernet. */
  input(frame: Uint8Array): void {
    const c = this.counters;
    c.packetsIn++;
    const len = frame.byteLength - ETH_HEADER_LEN;
    if (len < IPV4_HEADER_LEN) {
      c.dropTruncated++;
      return;
    }
    const p = this.packet;
    moveWindow(this.window, frame, ETH_HEADER_LEN, len);
    // Every header check is the wire layer's (Ipv4Repr.parse); here each
    // refusal is counted under its reason.
    const e = this.rx.parse(p);
    if (e != WireError.Ok) {
      this.countBadHeader(e, p, len);
      return;
    }
    const hl = p.headerLen;
    const total = <i32>p.totalLen;
    const src = p.src;
    if (!this.validSource(src)) {
      c.dropBadSource++;
      return;
    }
    const dst = p.dst;
    const broadcast = this.config.isBroadcast(dst);
    if (dst != this.address && !broadcast) {
      c.dropNotForUs++;
      return;
    }
    if (hl > IPV4_HEADER_LEN && hasSourceRoute(frame.dataStart + <usize>(ETH_HEADER_LEN + IPV4_HEADER_LEN), hl - IPV4_HEADER_LEN)) {
      c.dropSourceRoute++;
      return;
    }
    const offset = p.fragmentOffset;
    if (p.moreFragments || offset != 0) {
      const k = this.key;
      k.srcLo = src;
      k.dstLo = dst;
      k.ident = p.ident;
      k.protocol = p.protocol;
      this.reassembly.input(frame, ETH_HEADER_LEN, hl, total, k, offset, p.moreFragments);
      return;
    }
    this.deliver(frame, ETH_HEADER_LEN, hl, total - hl, p, broadcast, false);
  }

  /** From reassembly: the 20-byte header at 14 of `buf` made that of a
   * datagram of `dataLen` bytes, options gone, checksum right. */
  fixHeader(buf: Uint8Array, dataLen: i32, complete: bool): void {
    const h = this.packet;
    moveWindow(this.window, buf, ETH_HEADER_LEN, IPV4_HEADER_LEN);
    h.setVersionAndHeaderLen(IPV4_HEADER_LEN);
    h.totalLen = <u16>(IPV4_HEADER_LEN + dataLen);
    if (complete) h.setFragment(false, false, 0);
    h.fillChecksum();
  }

  /** From reassembly: a whole datagram, laid out like a frame. */
  reassembled(buf: Uint8Array, len: i32): void {
    const p = this.packet;
    moveWindow(this.window, buf, ETH_HEADER_LEN, len - ETH_HEADER_LEN);
    this.deliver(buf, ETH_HEADER_LEN, IPV4_HEADER_LEN, len - HEADERS, p, this.config.isBroadcast(p.dst), true);
  }

  /** From reassembly: tell the source its datagram timed out. */
  timedOut(buf: Uint8Array, dataLen: i32): void {
    const errors = this.errors;
    if (errors === null) return;
    const p = this.packet;
    moveWindow(this.window, buf, ETH_HEADER_LEN, IPV4_HEADER_LEN + dataLen);
    this.fill(buf, ETH_HEADER_LEN, IPV4_HEADER_LEN, dataLen, p, this.config.isBroadcast(p.dst), true);
    errors.reassemblyTimedOut(this.d);
  }

  /** The next hop towards `dst`: itself on our subnet, else the gateway;
   * 0 when there is none. Broadcasts are not routed (see send). */
  route(dst: Ipv4Address): Ipv4Address {
    if (dst == 0 || dst == this.address || isMulticast(dst) || isLoopback(dst)) return 0;
    if (this.config.isOnLink(dst)) return dst;
    return this.config.gateway;
  }

  /** Send `len` bytes at `l4` of `buf` to `dst` as the payload of a
   * `protocol` datagram. `buf` must have 34 bytes of room before `l4` for
   * the headers; its payload bytes are left as they are. `via` sends to
   * that link address without routing (an answer to where its question
   * came from). False when the datagram was dropped (counted); true when
   * sent or waiting for ARP. With `tsoMss` > 0 (TCP only, where the link
   * has segmentation offload: `tso`), the datagram may exceed the MTU: it
   * goes with DF set, in one frame, for the link to cut into segments of
   * `tsoMss` payload bytes. */
  send(dst: IpAddress, protocol: u8, buf: Uint8Array, l4: i32, len: i32, via: MacAddress = NO_MAC,
    tsoMss: i32 = 0): bool {
    return this.sendV4(dst.v4, protocol, buf, l4, len, via, tsoMss);
  }

  /** send() to an IPv4 address (ARP, ICMP and DHCP speak IPv4 only). */
  sendV4(dst: Ipv4Address, protocol: u8, buf: Uint8Array, l4: i32, len: i32, via: MacAddress = NO_MAC,
    tsoMss: i32 = 0): bool {
    const c = this.counters;
    if (len > IPV4_MAX_LEN - IPV4_HEADER_LEN) {
      c.dropTooLong++;
      return false;
    }
    if (dst == 0) {
      c.dropNoRoute++; // nobody can be answered at 0.0.0.0
      return false;
    }
    let mac = via;
    let hop: Ipv4Address = dst;
    if (mac == NO_MAC) {
      if (this.config.isBroadcast(dst)) mac = MAC_BROADCAST;
      else {
        hop = this.route(dst);
        if (hop == 0) {
          c.dropNoRoute++;
          return false;
        }
      }
    }
    const l3 = l4 - IPV4_HEADER_LEN;
    this.writeHeader(buf, l3, len, protocol, dst, tsoMss > 0);
    if (mac == NO_MAC) {
      mac = this.arp.lookup(hop);
      if (mac == NO_MAC && tsoMss > 0) {
        this.arp.resolve(hop); // for the segments TCP sends again
        c.dropTsoUnresolved++;
        return false;
      }
      c.packetsOut++;
      if (mac == NO_MAC) return this.arp.enqueue(hop, buf, l3 - ETH_HEADER_LEN, HEADERS + len);
    } else {
      c.packetsOut++;
    }
    if (tsoMss > 0) {
      c.tsoOut++;
      return this.ethernet.send(buf, l3 - ETH_HEADER_LEN, mac, ETHERTYPE_IPV4, IPV4_HEADER_LEN + len, tsoMss);
    }
    return this.transmit(buf, l3, IPV4_HEADER_LEN + len, mac);
  }

  /** Whether the link takes segmentation offload datagrams (send's tsoMss). */
  get tso(): bool {
    return this.ethernet.tso;
  }

  /** Answer `d` in place: its payload, `len` bytes at d.l4 (rewritten by
   * the caller), goes back to its source from our address. */
  reply(d: IpDatagram, protocol: u8, len: i32): bool {
    return this.sendV4(d.src.v4, protocol, d.buf, d.l4, len, d.linkSrc);
  }

  /** From ARP: a datagram that waited for `mac`. */
  sendResolved(frame: Uint8Array, mac: MacAddress): void {
    this.transmit(frame, ETH_HEADER_LEN, frame.byteLength - ETH_HEADER_LEN, mac);
  }

  private transmit(buf: Uint8Array, l3: i32, len: i32, mac: MacAddress): bool {
    const mtu = this.ethernet.mtu;
    if (len <= mtu) return this.ethernet.send(buf, l3 - ETH_HEADER_LEN, mac, ETHERTYPE_IPV4, len);
    const n = this.fragmenter.send(buf, l3, len, mac, mtu);
    this.counters.fragmentsOut += n;
    return n > 0;
  }

  private writeHeader(buf: Uint8Array, l3: i32, payloadLen: i32, protocol: u8, dst: Ipv4Address,
    dontFragment: bool = false): void {
    const r = this.tx;
    moveWindow(this.outWindow, buf, l3, IPV4_HEADER_LEN);
    r.payloadLen = payloadLen;
    r.ident = this.ident++;
    r.dontFragment = dontFragment;
    r.ttl = this.limits.ttl;
    r.protocol = protocol;
    r.src = this.address;
    r.dst = dst;
    r.emit(this.out);
  }

  /** A header Ipv4Repr.parse refused, under the counter of its reason. */
  private countBadHeader(e: WireError, p: Ipv4Packet, len: i32): void {
    const c = this.counters;
    if (e == WireError.BadVersion) c.dropBadVersion++;
    else if (e == WireError.BadChecksum) c.dropBadChecksum++;
    else if (e == WireError.BadHeaderLength || (e == WireError.Truncated && p.headerLen > len)) c.dropBadHeaderLength++;
    else if (e == WireError.Truncated && len < IPV4_HEADER_LEN) c.dropTruncated++;
    else c.dropBadLength++; // total length under the header or past the frame, or past 65535 with its offset
  }

  private deliver(buf: Uint8Array, l3: i32, hl: i32, len: i32, p: Ipv4Packet, broadcast: bool, reassembled: bool): void {
    const handler = this.protocols[p.protocol];
    if (handler === null) {
      this.counters.dropUnknownProtocol++;
      const errors = this.errors;
      this.fill(buf, l3, hl, len, p, broadcast, reassembled);
      if (errors !== null) errors.protocolUnreachable(this.d);
      return;
    }
    this.counters.delivered++;
    this.fill(buf, l3, hl, len, p, broadcast, reassembled);
    if (log.enabled(Level.Debug)) {
      log.debug(ipv4ToString(p.src) + " > " + ipv4ToString(p.dst) + " proto " + p.protocol.toString() +
        " len " + len.toString());
    }
    handler.input(this.d);
  }

  private fill(buf: Uint8Array, l3: i32, hl: i32, len: i32, p: Ipv4Packet, broadcast: bool, reassembled: bool): void {
    const d = this.d;
    d.buf = buf;
    d.l3 = l3;
    d.headerLen = hl;
    d.l4 = l3 + hl;
    d.len = len;
    d.src.setV4(p.src);
    d.dst.setV4(p.dst);
    d.layer = this;
    d.protocol = p.protocol;
    d.ttl = p.ttl;
    d.broadcast = broadcast;
    d.reassembled = reassembled;
    d.linkSrc = get48(buf, l3 - ETH_HEADER_LEN + ETH_SRC);
  }

  /** RFC 1122 §3.2.1.3: a source must be a host: not a broadcast or
   * multicast address, not 127/8 or 240/4 (reserved), not ours. 0.0.0.0
   * is a host that does not know its address yet (DHCP), so it passes. */
  private validSource(src: Ipv4Address): bool {
    const cfg = this.config;
    return !(cfg.isBroadcast(src) || isMulticast(src) || isLoopback(src) || (src >> 28) == 0xf ||
      src == this.address || (cfg.prefixLen < 31 && src == cfg.network));
  }
}

/** Option kinds of a loose and a strict source route (RFC 791 §3.1). */
const OPT_LSRR: u8 = 131;
const OPT_SSRR: u8 = 137;

/** Whether the options at [ptr, ptr + len) hold a source route. RFC 7126
 * §4.3, §4.4: such datagrams serve to get around filters and should be
 * dropped by default (Linux drops them unless accept_source_route). A
 * malformed list is read as far as it goes. */
function hasSourceRoute(ptr: usize, len: i32): bool {
  let i = 0;
  while (i < len) {
    const kind = load<u8>(ptr + <usize>i);
    if (kind == 0) break;
    if (kind == 1) {
      i++;
      continue;
    }
    if (kind == OPT_LSRR || kind == OPT_SSRR) return true;
    if (i + 1 >= len) break;
    const olen = <i32>load<u8>(ptr + <usize>i + 1);
    if (olen < 2) break;
    i += olen;
  }
  return false;
}
