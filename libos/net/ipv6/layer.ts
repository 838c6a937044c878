// IPv6 (RFC 8200) for one interface, beside IPv4 under the same IpLayer.
//
// In: the fixed header checked (version, payload length against the
// frame), a source that is multicast or ours refused, then datagrams for
// one of our usable addresses, all-nodes or a solicited-node group we are
// in (a tentative address gets only Neighbor Discovery, RFC 4862 §5.4.2)
// have their extension headers walked (wire/ipv6ext.ts: bounded, routing
// type 0 refused) and go to reassembly (fragments; atomic ones are whole,
// RFC 6946) or to the protocol registered for them; an unknown one gets a
// Parameter Problem (§4). Nothing is forwarded.
//
// Out: link-local and on-link destinations go straight to their neighbour,
// others through the default router; multicast to its 33:33 MAC (RFC 2464
// §7); the next hop is resolved by the neighbour cache (neighbours.ts),
// where the datagram waits if need be. Datagrams larger than the path MTU
// (RFC 8201: the link's, lowered per destination by Packet Too Big) are
// fragmented here, the source (RFC 8200 §4.5).
import { Level, Logger, now, randomU32, SECOND } from "../../platform/index";
import { CounterVisitor, Counters } from "../../platform/index";
import {
  ETH_HEADER_LEN, ETH_SRC, ETHERTYPE_IPV6, ExtVerdict, IpAddress, IP_V6, IPV6_HEADER_LEN, IPV6_MAX_PAYLOAD,
  IPV6_MIN_MTU, IPV6_NH_FRAGMENT, Ipv6ExtChain, Ipv6Packet, Ipv6Repr, MacAddress, multicastMac,
  sumPseudoHeaderV6, WireError, IPV6_FRAGMENT_LEN, ParamProblemCode,
} from "../../wire/index";
import { get48, set16, set32, set8 } from "../../wire/field";
import { Limits } from "../config";
import { EtherTypeHandler, EthernetLayer } from "../ethernet";
import { IpDatagram, IpProtocol, StartedIpLayer } from "../ip";
import { FragmentKey, Reassembly, ReassemblyHost } from "../reassembly";
import { moveWindow, newWindow } from "../window";
import { AddressTable } from "./addresses";
import { NeighbourCache, NeighbourHost, NO_MAC } from "./neighbours";
import { PathMtu } from "./pmtu";

/** What the layer needs of ICMPv6 (icmp.ts) and ND (nd.ts). */
export abstract class Ipv6Control {
  /** Send Parameter Problem `code` at `pointer` about `d`. */
  abstract paramProblem(d: IpDatagram, code: ParamProblemCode, pointer: i32, toMulticast: bool): void;
  abstract portUnreachable(d: IpDatagram): void;
  abstract reassemblyTimedOut(d: IpDatagram): void;
  /** Solicit `target` (neighbours.ts NeighbourHost.solicit). */
  abstract solicit(target: IpAddress, mac: MacAddress): void;
  /** Run the neighbour cache's timers at `deadline`. */
  abstract wake(deadline: i64): void;
  /** Boot arguments read: form the addresses, begin DAD and router
   * discovery. */
  abstract start(): void;
}

export class Ipv6Counters extends Counters {
  packetsIn: u64 = 0;
  dropTruncated: u64 = 0;
  dropBadVersion: u64 = 0;
  /** Multicast, or one of ours (a loop). */
  dropBadSource: u64 = 0;
  dropNotForUs: u64 = 0;
  /** To a tentative address, and not Neighbor Discovery. */
  dropTentative: u64 = 0;
  /** Extension headers past the packet, or beyond the bounds. */
  dropBadExtensions: u64 = 0;
  dropExtensionChainTooLong: u64 = 0;
  /** Refused with (or without) a Parameter Problem: an option to discard,
   * a routing header with segments left, a misplaced hop-by-hop header. */
  dropParamProblem: u64 = 0;
  dropUnknownProtocol: u64 = 0;
  /** A fragment whose offset and data reach past 65535 bytes. */
  dropBadFragment: u64 = 0;
  delivered: u64 = 0;
  packetsOut: u64 = 0;
  fragmentsOut: u64 = 0;
  /** No usable source address, or no route (off-link without a router). */
  dropNoSource: u64 = 0;
  dropNoRoute: u64 = 0;
  dropTooLong: u64 = 0;

  visit(v: CounterVisitor): void {
    v.count("packetsIn", this.packetsIn);
    v.count("dropTruncated", this.dropTruncated);
    v.count("dropBadVersion", this.dropBadVersion);
    v.count("dropBadSource", this.dropBadSource);
    v.count("dropNotForUs", this.dropNotForUs);
    v.count("dropTentative", this.dropTentative);
    v.count("dropBadExtensions", this.dropBadExtensions);
    v.count("dropExtensionChainTooLong", this.dropExtensionChainTooLong);
    v.count("dropParamProblem", this.dropParamProblem);
    v.count("dropUnknownProtocol", this.dropUnknownProtocol);
    v.count("dropBadFragment", this.dropBadFragment);
    v.count("delivered", this.delivered);
    v.count("packetsOut", this.packetsOut);
    v.count("fragmentsOut", this.fragmentsOut);
    v.count("dropNoSource", this.dropNoSource);
    v.count("dropNoRoute", this.dropNoRoute);
    v.count("dropTooLong", this.dropTooLong);
  }
}

const log = new Logger("ipv6");
const HEADERS = ETH_HEADER_LEN + IPV6_HEADER_LEN;

export class Ipv6Layer extends StartedIpLayer implements EtherTypeHandler, ReassemblyHost {
  readonly counters: Ipv6Counters = new Ipv6Counters();
  readonly addresses: AddressTable = new AddressTable();
  readonly neighbours!: NeighbourCache;
  readonly reassembly!: Reassembly;
  readonly pmtu: PathMtu = new PathMtu();
  control: Ipv6Control | null = null;
  /** The default router (RFC 4861 §6.3.6: the one advertised; a static
   * --ipv6-gateway otherwise), :: for none, and until when. */
  readonly router: IpAddress = new IpAddress(IP_V6);
  routerUntil: i64 = 0;
  /** The link MTU: the device's, or less if a router said so (§6.3.4). */
  linkMtu: i32;
  /** Hop limit of what we send (a router may set it, §6.3.4). */
  hopLimit: u8 = 64;
  private readonly protocols: StaticArray<IpProtocol | null> = new StaticArray<IpProtocol | null>(256);
  private readonly d: IpDatagram = new IpDatagram();
  private readonly window: Uint8Array = newWindow();
  private readonly packet!: Ipv6Packet;
  private readonly outWindow: Uint8Array = newWindow();
  private readonly out!: Ipv6Packet;
  private readonly rx: Ipv6Repr = new Ipv6Repr();
  private readonly tx: Ipv6Repr = new Ipv6Repr();
  private readonly chain: Ipv6ExtChain = new Ipv6ExtChain();
  private readonly key: FragmentKey = new FragmentKey();
  /** Fragments are built here: Ethernet, IPv6, fragment header, data. */
  private readonly fragBuf!: Uint8Array;
  private ident: u32;

  constructor(readonly ethernet: EthernetLayer, readonly limits: Limits) {
    super(IP_V6, IPV6_HEADER_LEN);
    this.linkMtu = max(ethernet.mtu, IPV6_MIN_MTU);
    this.packet = new Ipv6Packet(this.window);
    this.out = new Ipv6Packet(this.outWindow);
    this.neighbours = new NeighbourCache(limits.arpCacheSize, limits.arpPendingMax, limits.arpQueuePerAddress,
      limits.arpQueueBytes, new LayerNeighbourHost(this));
    this.reassembly = new Reassembly(limits, this, IPV6_HEADER_LEN);
    this.fragBuf = new Uint8Array(ETH_HEADER_LEN + this.linkMtu);
    this.ident = randomU32();
    ethernet.ipv6 = this;
  }

  start(): void {
    const c = this.control;
    if (c !== null) c.start();
  }

  register(protocol: u8, handler: IpProtocol): void {
    this.protocols[protocol] = handler;
  }

  get configured(): bool {
    return this.addresses.configured;
  }

  sourceFor(dst: IpAddress): IpAddress {
    return this.addresses.sourceFor(dst);
  }

  get mtu(): i32 {
    return this.linkMtu;
  }

  mtuFor(dst: IpAddress): i32 {
    return this.pmtu.get(dst, this.linkMtu, now());
  }

  get tso(): bool {
    return false; // the links' offload is TCP over IPv4 only
  }

  pseudoHeaderSum(src: IpAddress, dst: IpAddress, protocol: u8, length: i32): u64 {
    return sumPseudoHeaderV6(src, dst, protocol, <u32>length);
  }

  portUnreachable(d: IpDatagram): void {
    const c = this.control;
    if (c !== null && !d.broadcast) c.portUnreachable(d);
  }

  /** An IPv6 frame from Ethernet. */
  input(frame: Uint8Array): void {
    const c = this.counters;
    c.packetsIn++;
    const len = frame.byteLength - ETH_HEADER_LEN;
    const p = this.packet;
    moveWindow(this.window, frame, ETH_HEADER_LEN, max(len, 0));
    const r = this.rx;
    const e = r.parse(p);
    if (e != WireError.Ok) {
      if (e == WireError.BadVersion) c.dropBadVersion++;
      else c.dropTruncated++;
      return;
    }
    const src = r.src;
    const dst = r.dst;
    // RFC 4291 §2.7: no packet comes from a group; ours coming back is a loop.
    if (src.isMulticast || this.addresses.isOurs(src)) {
      c.dropBadSource++;
      return;
    }
    let tentative = false;
    if (dst.isMulticast) {
      if (!this.addresses.isOurGroup(dst)) {
        c.dropNotForUs++;
        return;
      }
    } else if (!this.addresses.isOurs(dst)) {
      if (this.addresses.find(dst) === null) {
        c.dropNotForUs++;
        return;
      }
      tentative = true; // tentative or duplicate: ND only, checked below
    }
    const end = IPV6_HEADER_LEN + r.payloadLen;
    const ch = this.chain;
    const v = ch.walk(p.bytes, r.nextHeader, end);
    if (v != ExtVerdict.Ok) {
      this.refuse(frame, v, dst.isMulticast, end);
      return;
    }
    if (tentative && (ch.fragment || ch.upper != 58)) {
      c.dropTentative++;
      return;
    }
    if (ch.fragment) {
      const dataLen = end - ch.upperAt;
      if (ch.fragmentOffset + dataLen > IPV6_MAX_PAYLOAD) {
        c.dropBadFragment++;
        return;
      }
      const k = this.key;
      k.srcHi = src.hi;
      k.srcLo = src.lo;
      k.dstHi = dst.hi;
      k.dstLo = dst.lo;
      k.ident = ch.ident;
      k.protocol = 0;
      this.fragmentNext = ch.fragmentNext;
      this.reassembly.input(frame, ETH_HEADER_LEN, ch.upperAt, end, k, ch.fragmentOffset, ch.moreFragments);
      return;
    }
    this.deliver(frame, ch.upperAt, end - ch.upperAt, ch.upper, ch.upperPointer, false);
  }

  /** The next header of the fragment being reassembled (RFC 8200 §4.5:
   * every fragment carries it; the first one's is kept). */
  private fragmentNext: u8 = 0;

  /** From reassembly: make the fixed header at 14 that of a datagram of
   * `dataLen` bytes whose data follow it at once. */
  fixHeader(buf: Uint8Array, dataLen: i32, complete: bool): void {
    const h = this.packet;
    moveWindow(this.window, buf, ETH_HEADER_LEN, IPV6_HEADER_LEN);
    h.payloadLen = <u16>dataLen;
    h.nextHeader = this.fragmentNext;
  }

  reassembled(buf: Uint8Array, len: i32): void {
    const p = this.packet;
    moveWindow(this.window, buf, ETH_HEADER_LEN, len - ETH_HEADER_LEN);
    const r = this.rx;
    r.parse(p);
    this.deliver(buf, IPV6_HEADER_LEN, len - HEADERS, p.nextHeader, 6, true);
  }

  timedOut(buf: Uint8Array, dataLen: i32): void {
    const c = this.control;
    if (c === null) return;
    const p = this.packet;
    moveWindow(this.window, buf, ETH_HEADER_LEN, IPV6_HEADER_LEN + dataLen);
    this.rx.parse(p);
    this.fill(buf, IPV6_HEADER_LEN, dataLen, p.nextHeader, true);
    c.reassemblyTimedOut(this.d);
  }

  private deliver(buf: Uint8Array, at: i32, len: i32, protocol: u8, pointer: i32, reassembled: bool): void {
    const handler = this.protocols[protocol];
    this.fill(buf, at, len, protocol, reassembled);
    if (handler === null) {
      this.counters.dropUnknownProtocol++;
      const c = this.control;
      // RFC 8200 §4: an unrecognized next header: Parameter Problem code 1.
      if (c !== null) c.paramProblem(this.d, ParamProblemCode.UnrecognizedNextHeader, pointer, false);
      return;
    }
    this.counters.delivered++;
    if (log.enabled(Level.Debug)) {
      log.debug(this.d.src.toString() + " > " + this.d.dst.toString() + " next " + protocol.toString() + " len " + len.toString());
    }
    handler.input(this.d);
  }

  private fill(buf: Uint8Array, at: i32, len: i32, protocol: u8, reassembled: bool): void {
    const d = this.d;
    const r = this.rx;
    d.buf = buf;
    d.l3 = ETH_HEADER_LEN;
    d.headerLen = at;
    d.l4 = ETH_HEADER_LEN + at;
    d.len = len;
    d.src.set(r.src);
    d.dst.set(r.dst);
    d.layer = this;
    d.protocol = protocol;
    d.ttl = r.hopLimit;
    d.broadcast = r.dst.isMulticast;
    d.reassembled = reassembled;
    d.linkSrc = get48(buf, ETH_SRC);
  }

  /** A chain the walk refused: counted, and answered when RFC 8200 asks. */
  private refuse(frame: Uint8Array, v: ExtVerdict, multicast: bool, end: i32): void {
    const c = this.counters;
    const ch = this.chain;
    if (v == ExtVerdict.Truncated) c.dropBadExtensions++;
    else if (v == ExtVerdict.TooLong) c.dropExtensionChainTooLong++;
    else if (v == ExtVerdict.NoNextHeader) c.delivered++; // §4.7: nothing follows, nothing to do
    else {
      c.dropParamProblem++;
      const ctl = this.control;
      if (ctl !== null && !ch.silent && !(multicast && ch.problemUnlessMulticast)) {
        this.fill(frame, IPV6_HEADER_LEN, end - IPV6_HEADER_LEN, 0, false);
        ctl.paramProblem(this.d, ch.problemCode, ch.problemPointer, multicast);
      }
    }
  }

  // ---------------------------------------------------------------- out

  /** The next hop towards unicast `dst`, into `hop`; false when there is
   * none (off-link without a router). */
  private route(dst: IpAddress, hop: IpAddress, t: i64): bool {
    if (this.addresses.isOnLink(dst, t)) {
      hop.set(dst);
      return true;
    }
    if (this.router.isUnspecified || this.routerUntil <= t) return false;
    hop.set(this.router);
    return true;
  }

  private readonly hop: IpAddress = new IpAddress(IP_V6);
  /** transmit's reading of the destination (not `hop`: an ND message sent
   * while a lookup of `hop` is under way would overwrite it). */
  private readonly outDst: IpAddress = new IpAddress(IP_V6);

  send(dst: IpAddress, protocol: u8, buf: Uint8Array, l4: i32, len: i32, via: MacAddress = NO_MAC,
    tsoMss: i32 = 0): bool {
    return this.sendFrom(this.addresses.sourceFor(dst), dst, protocol, buf, l4, len, via);
  }

  /** send() from a given source (:: for DAD probes, RFC 4862 §5.4.2). */
  sendFrom(src: IpAddress, dst: IpAddress, protocol: u8, buf: Uint8Array, l4: i32, len: i32, via: MacAddress,
    hopLimit: u8 = 0): bool {
    const c = this.counters;
    if (len > IPV6_MAX_PAYLOAD) {
      c.dropTooLong++;
      return false;
    }
    // From :: only ICMPv6 (DAD probes) and an MLD report behind its
    // hop-by-hop header (RFC 3810 §5.2.13).
    if (src.isUnspecified && protocol != 58 && protocol != 0) {
      c.dropNoSource++;
      return false;
    }
    const t = now();
    let mac = via;
    if (mac == NO_MAC && dst.isMulticast) mac = multicastMac(dst);
    const l3 = l4 - IPV6_HEADER_LEN;
    const r = this.tx;
    moveWindow(this.outWindow, buf, l3, IPV6_HEADER_LEN);
    r.src.set(src);
    r.dst.set(dst);
    r.nextHeader = protocol;
    r.payloadLen = len;
    r.hopLimit = hopLimit != 0 ? hopLimit : this.hopLimit;
    r.emit(this.out);
    c.packetsOut++;
    if (mac == NO_MAC) {
      const hop = this.hop;
      if (dst.isUnspecified || !this.route(dst, hop, t)) {
        c.dropNoRoute++;
        return false;
      }
      mac = this.neighbours.lookup(hop, t, null);
      if (mac == NO_MAC) {
        const copy = new Uint8Array(HEADERS + len);
        memory.copy(copy.dataStart, buf.dataStart + <usize>(l3 - ETH_HEADER_LEN), HEADERS + len);
        this.neighbours.lookup(hop, t, copy);
        return true;
      }
    }
    return this.transmit(buf, l3, IPV6_HEADER_LEN + len, mac, t);
  }

  reply(d: IpDatagram, protocol: u8, len: i32): bool {
    // From the address the question came to, if it was one of ours.
    const src = d.dst.isMulticast ? this.addresses.sourceFor(d.src) : d.dst;
    return this.sendFrom(src, d.src, protocol, d.buf, d.l4, len, d.linkSrc);
  }

  /** From the neighbour cache: a datagram that waited for `mac`. */
  sendResolved(frame: Uint8Array, mac: MacAddress): void {
    this.transmit(frame, ETH_HEADER_LEN, frame.byteLength - ETH_HEADER_LEN, mac, now());
  }

  /** Send the packet at `l3` (`len` bytes) to `mac`, in fragments when it
   * is larger than the path MTU to its destination. */
  private transmit(buf: Uint8Array, l3: i32, len: i32, mac: MacAddress, t: i64): bool {
    const p = this.out;
    moveWindow(this.outWindow, buf, l3, IPV6_HEADER_LEN);
    const mtu = this.pmtu.get(p.readDst(this.outDst), this.linkMtu, t);
    if (len <= mtu) return this.ethernet.send(buf, l3 - ETH_HEADER_LEN, mac, ETHERTYPE_IPV6, len);
    return this.fragment(buf, l3, len, mac, mtu);
  }

  /** RFC 8200 §4.5: the fixed header in every fragment, then a fragment
   * header, then up to the MTU of data in multiples of 8. Our datagrams
   * carry no extension headers, so all after the fixed header is
   * fragmentable. */
  private fragment(buf: Uint8Array, l3: i32, len: i32, mac: MacAddress, mtu: i32): bool {
    const chunk = (mtu - IPV6_HEADER_LEN - IPV6_FRAGMENT_LEN) & ~7;
    const dataLen = len - IPV6_HEADER_LEN;
    const next = buf[l3 + 6];
    const ident = this.ident++;
    const f = this.fragBuf;
    let sent = 0;
    for (let off = 0; off < dataLen; off += chunk) {
      const n = min(chunk, dataLen - off);
      memory.copy(f.dataStart + ETH_HEADER_LEN, buf.dataStart + <usize>l3, IPV6_HEADER_LEN);
      const at = ETH_HEADER_LEN + IPV6_HEADER_LEN;
      set16(f, ETH_HEADER_LEN + 4, <u16>(IPV6_FRAGMENT_LEN + n));
      set8(f, ETH_HEADER_LEN + 6, IPV6_NH_FRAGMENT);
      set8(f, at, next);
      set8(f, at + 1, 0);
      set16(f, at + 2, <u16>off | (off + n < dataLen ? 1 : 0));
      set32(f, at + 4, ident);
      memory.copy(f.dataStart + <usize>(at + IPV6_FRAGMENT_LEN), buf.dataStart + <usize>(l3 + IPV6_HEADER_LEN + off), n);
      if (this.ethernet.send(f, 0, mac, ETHERTYPE_IPV6, IPV6_HEADER_LEN + IPV6_FRAGMENT_LEN + n)) sent++;
    }
    this.counters.fragmentsOut += sent;
    return sent > 0;
  }
}

/** The neighbour cache's solicitations go to ND, its waiting datagrams
 * back to the layer. */
class LayerNeighbourHost extends NeighbourHost {
  constructor(readonly layer: Ipv6Layer) { super(); }

  solicit(target: IpAddress, mac: MacAddress): void {
    const c = this.layer.control;
    if (c !== null) c.solicit(target, mac);
  }

  sendQueued(frame: Uint8Array, mac: MacAddress): void {
    this.layer.sendResolved(frame, mac);
  }

  wake(deadline: i64): void {
    const c = this.layer.control;
    if (c !== null) c.wake(deadline);
  }
}
