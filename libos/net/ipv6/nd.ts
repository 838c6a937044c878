// Neighbor Discovery (RFC 4861) and stateless address autoconfiguration
// (RFC 4862) for a host.
//
// - Addresses: the link-local one from the MAC (modified EUI-64, RFC 4291
//   Appendix A) at start, the static one from --ipv6, and with
//   --ipv6=slaac one per advertised prefix with the A flag (a /64, the
//   same interface identifier), each checked by Duplicate Address
//   Detection first (RFC 4862 §5.4: an NS from :: to its solicited-node
//   group; an NA for it, or another host's probe for it, makes it a
//   duplicate: refused, and said so on the console, §5.4.5). Each address
//   is logged when it becomes usable, with its origin, and told to the
//   stack as a ConfigEvent (Bound; Lost when its lifetime ends).
// - Router discovery (RFC 4861 §6.3.7): up to three RS from the link-local
//   address, four seconds apart, until an RA comes. An RA (§6.3.4) gives
//   the default router (one: a live router is not displaced by other
//   advertisers, so a flood of forged RAs changes nothing), the hop limit,
//   the link MTU (1280 up to the device's), on-link prefixes and SLAAC
//   prefixes (lifetimes with the two-hour rule, RFC 4862 §5.5.3 (e)).
// - Neighbour solicitations for our addresses are answered (§7.2.4), and
//   their sources cached STALE (neighbours.ts); advertisements update the
//   cache, never create entries. Redirects are ignored (counted).
// - MLDv2 (RFC 3810) as far as a host needs to receive its solicited-node
//   groups through a snooping switch: a report when a group is joined (before
//   its DAD probe, RFC 4862 §5.4.2) and when a router queries.
import { Logger, Timer, now, randomU32, SECOND, MILLISECOND, CounterVisitor, Counters } from "../../platform/index";
import {
  ETH_HEADER_LEN, IpAddress, IP_PROTOCOL_ICMPV6, IP_V6, IPV6_HEADER_LEN, IPV6_MIN_MTU, Icmpv6Packet, Icmpv6Type,
  MacAddress, NdRepr, ND_HOP_LIMIT, ND_NO_MAC, WireError, eui64, isLinkLocal, multicastMac, NdPrefix, writeIpv6,
} from "../../wire/index";
import { IpDatagram } from "../ip";
import { moveWindow, newWindow } from "../window";
import { ConfigChange, ConfigEvent, Ipv4Config } from "../config";
import { AddressOrigin, AddressState, InterfaceAddress, MAX_ADDRESSES, originName } from "./addresses";
import { Ipv6Layer } from "./layer";
import { NO_MAC, RETRANS_TIMER } from "./neighbours";

export enum Ipv6Mode { Slaac, Static }

/** What an IPv6 ConfigEvent carries for IPv4: nothing (0.0.0.0/0). */
const NO_IPV4 = new Ipv4Config(0, 0);

/** RFC 4861 §10: host constants. */
const MAX_RTR_SOLICITATIONS = 3;
const RTR_SOLICITATION_INTERVAL: i64 = 4 * SECOND;
const MAX_RTR_SOLICITATION_DELAY: i64 = 1 * SECOND;
/** MLDv2 (RFC 3810 §5.2): the report's type, its record type for a
 * group joined (CHANGE_TO_EXCLUDE_MODE with no sources: all of them), the
 * all-MLDv2-routers group ff02::16. */
const MLD_REPORT: u8 = 143;
const MLD_CHANGE_TO_EXCLUDE: u8 = 4;
const MLD_ROUTERS_LO: u64 = 0x16;
/** RFC 4862 §5.5.3 (e). */
const TWO_HOURS: i64 = 7200 * SECOND;
const ALL_NODES_LO: u64 = 1;
const ALL_ROUTERS_LO: u64 = 2;
const LINK_SCOPE_HI: u64 = 0xff02_0000_0000_0000;
const INFINITE: u32 = 0xffff_ffff;

export class NdCounters extends Counters {
  nsIn: u64 = 0;
  naIn: u64 = 0;
  rsIn: u64 = 0;
  raIn: u64 = 0;
  /** Redirects: parsed, never acted on. */
  redirectsIgnored: u64 = 0;
  /** Failed RFC 4861's validity checks (hop limit, code, options, …). */
  dropInvalid: u64 = 0;
  /** An NS for an address not ours. */
  nsNotForUs: u64 = 0;
  nsOut: u64 = 0;
  naOut: u64 = 0;
  rsOut: u64 = 0;
  dadProbesOut: u64 = 0;
  /** Addresses refused because another host holds them. */
  dadConflicts: u64 = 0;
  /** Another host's NA for an address we use. */
  addressConflicts: u64 = 0;
  slaacAddresses: u64 = 0;
  mldReportsOut: u64 = 0;
  mldQueriesIn: u64 = 0;
  /** RA contents not taken: a second router, too many prefixes. */
  raIgnored: u64 = 0;

  visit(v: CounterVisitor): void {
    v.count("nsIn", this.nsIn);
    v.count("naIn", this.naIn);
    v.count("rsIn", this.rsIn);
    v.count("raIn", this.raIn);
    v.count("redirectsIgnored", this.redirectsIgnored);
    v.count("dropInvalid", this.dropInvalid);
    v.count("nsNotForUs", this.nsNotForUs);
    v.count("nsOut", this.nsOut);
    v.count("naOut", this.naOut);
    v.count("rsOut", this.rsOut);
    v.count("dadProbesOut", this.dadProbesOut);
    v.count("dadConflicts", this.dadConflicts);
    v.count("addressConflicts", this.addressConflicts);
    v.count("slaacAddresses", this.slaacAddresses);
    v.count("mldReportsOut", this.mldReportsOut);
    v.count("mldQueriesIn", this.mldQueriesIn);
    v.count("raIgnored", this.raIgnored);
  }
}

const log = new Logger("net");

class NdTimer extends Timer {
  constructor(readonly nd: NeighbourDiscovery) { super(); }
  fire(time: i64): void { this.nd.tick(time); }
}

export class NeighbourDiscovery {
  readonly counters: NdCounters = new NdCounters();
  private readonly rx: NdRepr = new NdRepr();
  private readonly txRepr: NdRepr = new NdRepr();
  /** ND messages and MLD reports are built here: Ethernet, IPv6, a
   * hop-by-hop header, the message (an MLD report of one record per
   * address is the largest). */
  private readonly tx: Uint8Array = new Uint8Array(ETH_HEADER_LEN + IPV6_HEADER_LEN + 8 + 8 + 20 * MAX_ADDRESSES);
  private readonly window: Uint8Array = newWindow();
  private readonly txPacket!: Icmpv6Packet;
  private readonly timer!: NdTimer;
  private readonly unspecified: IpAddress = new IpAddress(IP_V6);
  private readonly group: IpAddress = new IpAddress(IP_V6);
  private rsLeft: i32 = 0;
  private nextRs: i64 = i64.MAX_VALUE;
  /** A --ipv6-gateway: RAs do not replace it. */
  private staticRouter: bool = false;

  constructor(
    readonly layer: Ipv6Layer,
    readonly mac: MacAddress,
    readonly mode: Ipv6Mode,
    readonly staticAddress: IpAddress | null,
    readonly staticPrefix: i32,
    readonly gateway: IpAddress | null,
    /** RFC 4862 §5.1: DupAddrDetectTransmits (--ipv6-dad-transmits). */
    readonly dadTransmits: i32 = 1,
  ) {
    this.txPacket = new Icmpv6Packet(this.window);
    this.timer = new NdTimer(this);
  }

  /** The interface identifier of our SLAAC and link-local addresses. */
  get interfaceId(): u64 {
    return eui64(this.mac);
  }

  start(): void {
    const t = now();
    const a = this.layer.addresses;
    this.probe(a.add(IpAddress.v6(0xfe80_0000_0000_0000, this.interfaceId), 64, AddressOrigin.LinkLocal), t);
    const s = this.staticAddress;
    if (s !== null) this.probe(a.add(s, this.staticPrefix, AddressOrigin.Static), t);
    const g = this.gateway;
    if (g !== null) {
      this.layer.router.set(g);
      this.layer.routerUntil = i64.MAX_VALUE;
      this.staticRouter = true;
    }
    this.tick(t);
  }

  /** Begin DAD on `e` (RFC 4862 §5.4.2): join its solicited-node group
   * (an MLD report, so that a snooping switch lets the answers through),
   * then probe. */
  private probe(e: InterfaceAddress | null, t: i64): void {
    if (e === null) return;
    e.state = AddressState.Tentative;
    e.probesSent = 0;
    e.nextProbe = t;
    this.report();
  }

  /** An MLDv2 report (RFC 3810 §5.2) of every solicited-node group we are
   * in: hop limit 1, a Router Alert in a hop-by-hop header (§5), from the
   * link-local address, or from :: before it is ours (§5.2.13). Sent when
   * a group is joined and when a router queries. */
  report(): void {
    const list = this.layer.addresses.list;
    const b = this.tx;
    const hbh = ETH_HEADER_LEN + IPV6_HEADER_LEN;
    const at = hbh + 8;
    let n = 0;
    for (let i = 0; i < list.length; i++) {
      const e = list[i];
      if (e.state == AddressState.Duplicate) continue;
      const r = at + 8 + 20 * n;
      b[r] = MLD_CHANGE_TO_EXCLUDE;
      b[r + 1] = 0; // aux data
      b[r + 2] = 0; // sources
      b[r + 3] = 0;
      writeIpv6(b, r + 4, e.group);
      n++;
    }
    if (n == 0) return;
    const len = 8 + 20 * n;
    // Hop-by-hop: next ICMPv6, length 0 (8 bytes), Router Alert (RFC 2711:
    // type 5, length 2, value 0 = MLD), PadN of 2.
    b[hbh] = IP_PROTOCOL_ICMPV6;
    b[hbh + 1] = 0;
    b[hbh + 2] = 5;
    b[hbh + 3] = 2;
    b[hbh + 4] = 0;
    b[hbh + 5] = 0;
    b[hbh + 6] = 1;
    b[hbh + 7] = 0;
    b[at] = MLD_REPORT;
    b[at + 1] = 0;
    b[at + 2] = 0; // checksum, below
    b[at + 3] = 0;
    b[at + 4] = 0; // reserved
    b[at + 5] = 0;
    b[at + 6] = <u8>(n >> 8);
    b[at + 7] = <u8>n;
    const ll = this.layer.addresses.linkLocal;
    const src = ll !== null && ll.usable ? ll.address : this.unspecified;
    const dst = this.group.setV6(LINK_SCOPE_HI, MLD_ROUTERS_LO);
    const m = new Icmpv6Packet(b.subarray(at, at + len));
    m.fillChecksum(src, dst);
    if (this.layer.sendFrom(src, dst, 0, b, hbh, 8 + len, multicastMac(dst), 1)) this.counters.mldReportsOut++;
  }

  /** A multicast listener query (RFC 3810 §5.1): our groups, reported. */
  query(d: IpDatagram): void {
    this.counters.mldQueriesIn++;
    // §5.1.14: from a link-local source with hop limit 1, else ignored.
    if (!isLinkLocal(d.src) || d.ttl != 1) return;
    this.report();
  }

  /** An ND message (checksum checked by ICMPv6). */
  input(d: IpDatagram, p: Icmpv6Packet): void {
    const c = this.counters;
    const r = this.rx;
    if (r.parse(p, d.src, d.dst, d.ttl) != WireError.Ok) {
      c.dropInvalid++;
      return;
    }
    const t = now();
    switch (r.type) {
      case Icmpv6Type.NeighborSolicit: this.solicitation(d, r, t); break;
      case Icmpv6Type.NeighborAdvert: this.advertisement(r, t); break;
      case Icmpv6Type.RouterAdvert: this.routerAdvertisement(d, r, t); break;
      case Icmpv6Type.RouterSolicit: c.rsIn++; break; // for routers (§6.2.6)
      default: c.redirectsIgnored++;
    }
  }

  /** §7.2.3, RFC 4862 §5.4.3. */
  private solicitation(d: IpDatagram, r: NdRepr, t: i64): void {
    const c = this.counters;
    c.nsIn++;
    const e = this.layer.addresses.find(r.target);
    if (e === null || e.state == AddressState.Duplicate) {
      c.nsNotForUs++;
      return;
    }
    const fromDad = d.src.isUnspecified;
    if (e.state == AddressState.Tentative) {
      // Another host probing the same address: neither may have it.
      if (fromDad) this.conflict(e, "another host is probing it too");
      return;
    }
    if (!fromDad && r.sourceMac != ND_NO_MAC) this.layer.neighbours.heardFrom(d.src, r.sourceMac, t, false);
    // §7.2.4: solicited NA to the source; to all-nodes for a DAD probe.
    const m = this.txRepr;
    m.type = Icmpv6Type.NeighborAdvert;
    m.target.set(e.address);
    m.router = false;
    m.solicited = !fromDad;
    m.overrideFlag = true;
    m.sourceMac = ND_NO_MAC;
    m.targetMac = this.mac;
    let dst = d.src;
    let linkDst: MacAddress = r.sourceMac != ND_NO_MAC ? r.sourceMac : d.linkSrc;
    if (fromDad) {
      dst = this.group.setV6(LINK_SCOPE_HI, ALL_NODES_LO);
      linkDst = multicastMac(dst);
    }
    if (this.send(e.address, dst, linkDst)) c.naOut++;
  }

  /** §7.2.5, RFC 4862 §5.4.4. */
  private advertisement(r: NdRepr, t: i64): void {
    const c = this.counters;
    c.naIn++;
    const e = this.layer.addresses.find(r.target);
    if (e !== null) {
      if (e.state == AddressState.Tentative) this.conflict(e, "another host answers for it");
      else if (e.state == AddressState.Preferred) c.addressConflicts++;
      return;
    }
    this.layer.neighbours.advertised(r.target, r.targetMac == ND_NO_MAC ? NO_MAC : r.targetMac, r.router,
      r.solicited, r.overrideFlag, t);
  }

  /** §6.3.4. */
  private routerAdvertisement(d: IpDatagram, r: NdRepr, t: i64): void {
    const c = this.counters;
    c.raIn++;
    const l = this.layer;
    this.rsLeft = 0;
    this.nextRs = i64.MAX_VALUE;
    if (r.curHopLimit != 0) l.hopLimit = r.curHopLimit;
    if (!this.staticRouter) {
      const lifetime = <i64>r.routerLifetime * SECOND;
      const current = !l.router.isUnspecified && l.routerUntil > t;
      if (current && l.router.equals(d.src)) {
        l.routerUntil = lifetime == 0 ? 0 : t + lifetime;
      } else if (!current && lifetime > 0) {
        l.router.set(d.src);
        l.routerUntil = t + lifetime;
        log.info("ipv6 default router " + d.src.toString() + " (router advertisement)");
      } else if (lifetime > 0) {
        c.raIgnored++; // another router while ours lives: one is enough
      }
    }
    if (r.mtu != 0 && r.mtu >= <u32>IPV6_MIN_MTU && r.mtu <= <u32>l.ethernet.mtu && <i32>r.mtu != l.linkMtu) {
      l.linkMtu = <i32>r.mtu;
      log.info("ipv6 link mtu " + r.mtu.toString() + " (router advertisement)");
    }
    if (r.sourceMac != ND_NO_MAC) l.neighbours.heardFrom(d.src, r.sourceMac, t, true);
    for (let i = 0; i < r.prefixCount; i++) {
      const p = r.prefixes[i];
      if (isLinkLocal(p.prefix)) continue; // §6.3.4, RFC 4862 §5.5.3 (b)
      if (p.onLink) l.addresses.onLink(p.prefix, p.prefixLen, until(p.valid, t), t);
      if (p.autonomous && this.mode == Ipv6Mode.Slaac) this.slaac(p, t);
    }
    this.tick(t);
  }

  /** RFC 4862 §5.5.3. */
  private slaac(p: NdPrefix, t: i64): void {
    if (p.preferred > p.valid || p.prefixLen != 64) return; // (c); (d): our identifier is 64 bits
    const a = IpAddress.v6(p.prefix.hi, this.interfaceId);
    const table = this.layer.addresses;
    const e = table.find(a);
    if (e === null) {
      if (p.valid == 0) return;
      const made = table.add(a, 64, AddressOrigin.Slaac);
      if (made === null) {
        this.counters.raIgnored++;
        return;
      }
      made.validUntil = until(p.valid, t);
      this.counters.slaacAddresses++;
      this.probe(made, t);
      return;
    }
    if (e.origin != AddressOrigin.Slaac) return;
    // (e): a short lifetime is taken only if it extends the address, or
    // leaves it two hours at least, so a forged RA cannot kill it.
    const offered = until(p.valid, t);
    if (offered > t + TWO_HOURS || offered > e.validUntil) e.validUntil = offered;
    else if (e.validUntil - t > TWO_HOURS) e.validUntil = t + TWO_HOURS;
  }

  /** Tell the stack (ConfigEvent, libos/net/config.ts) of `e` bound or lost. */
  private announce(e: InterfaceAddress, change: ConfigChange): void {
    const l = this.layer.listener;
    if (l === null) return;
    l.configChanged(new ConfigEvent(change, NO_IPV4, [], originName(e.origin), e.address, e.prefixLen));
  }

  /** `e` is another host's (RFC 4862 §5.4.5): refused, and said so. */
  private conflict(e: InterfaceAddress, why: string): void {
    e.state = AddressState.Duplicate;
    this.counters.dadConflicts++;
    log.error("ipv6 " + e.toString() + " refused: duplicate address (" + why + ", RFC 4862 §5.4.5);" +
      (e.origin == AddressOrigin.Static ? " choose another --ipv6" : " not used"));
  }

  /** From the neighbour cache: solicit `target`, multicast to its
   * solicited-node group when `mac` is NO_MAC (§7.2.2), else unicast. */
  solicit(target: IpAddress, mac: MacAddress): void {
    const src = this.layer.sourceFor(target);
    if (src.isUnspecified) return;
    this.sendNs(src, target, mac, true);
  }

  private sendNs(src: IpAddress, target: IpAddress, mac: MacAddress, withSource: bool): void {
    const m = this.txRepr;
    m.type = Icmpv6Type.NeighborSolicit;
    m.target.set(target);
    m.sourceMac = withSource ? this.mac : ND_NO_MAC;
    m.targetMac = ND_NO_MAC;
    let dst = this.group;
    if (mac == NO_MAC) {
      dst.setV6(LINK_SCOPE_HI, 0x0000_0001_ff00_0000 | (target.lo & 0xff_ffff));
      mac = multicastMac(dst);
    } else {
      dst = target;
    }
    if (this.send(src, dst, mac)) this.counters.nsOut++;
  }

  /** Emit txRepr from `src` to `dst` (link `mac`), hop limit 255. */
  private send(src: IpAddress, dst: IpAddress, mac: MacAddress): bool {
    const m = this.txRepr;
    const len = m.bufferLen();
    const at = ETH_HEADER_LEN + IPV6_HEADER_LEN;
    moveWindow(this.window, this.tx, at, len);
    m.emit(this.txPacket, src, dst);
    return this.layer.sendFrom(src, dst, IP_PROTOCOL_ICMPV6, this.tx, at, len, mac, ND_HOP_LIMIT);
  }

  /** Run the neighbour cache's timers at `deadline` too. */
  wake(deadline: i64): void {
    if (!this.timer.armed || this.timer.deadline > deadline) this.timer.armAt(deadline);
  }

  /** DAD probes and results, router solicitations, lifetimes, and the
   * neighbour cache's timers: everything due at `t`; re-armed for the
   * next. */
  tick(t: i64): void {
    let next = this.layer.neighbours.tick(t);
    const list = this.layer.addresses.list;
    for (let i = list.length - 1; i >= 0; i--) {
      const e = list[i];
      if (e.validUntil <= t) {
        log.info("ipv6 " + e.toString() + " expired (its prefix's valid lifetime ended)");
        this.layer.addresses.remove(e);
        if (e.usable) this.announce(e, ConfigChange.Lost);
        continue;
      }
      if (e.validUntil < next) next = e.validUntil;
      if (e.state != AddressState.Tentative) continue;
      if (e.nextProbe <= t) this.dadStep(e, t);
      if (e.state == AddressState.Tentative && e.nextProbe < next) next = e.nextProbe;
    }
    if (this.rsLeft > 0 && this.nextRs <= t) this.sendRs(t);
    if (this.nextRs < next) next = this.nextRs;
    if (next == i64.MAX_VALUE) this.timer.cancel();
    else this.timer.armAt(next);
  }

  /** One DAD probe, or the address usable once they all went unanswered. */
  private dadStep(e: InterfaceAddress, t: i64): void {
    if (e.probesSent >= this.dadTransmits) {
      e.state = AddressState.Preferred;
      log.info("ipv6 " + e.toString());
      this.announce(e, ConfigChange.Bound);
      if (e.origin == AddressOrigin.LinkLocal && this.mode == Ipv6Mode.Slaac) {
        // §6.3.7: the first RS after a random delay of up to a second.
        this.rsLeft = MAX_RTR_SOLICITATIONS;
        this.nextRs = t + <i64>(randomU32() % <u32>(MAX_RTR_SOLICITATION_DELAY / MILLISECOND)) * MILLISECOND;
      }
      return;
    }
    // RFC 4862 §5.4.2: from ::, to the address's solicited-node group, no
    // source link-layer option.
    this.sendNs(this.unspecified, e.address, NO_MAC, false);
    this.counters.dadProbesOut++;
    e.probesSent++;
    e.nextProbe = t + RETRANS_TIMER;
  }

  private sendRs(t: i64): void {
    const ll = this.layer.addresses.linkLocal;
    this.rsLeft--;
    this.nextRs = this.rsLeft > 0 ? t + RTR_SOLICITATION_INTERVAL : i64.MAX_VALUE;
    if (ll === null || !ll.usable) return;
    const m = this.txRepr;
    m.type = Icmpv6Type.RouterSolicit;
    m.sourceMac = this.mac;
    m.targetMac = ND_NO_MAC;
    const dst = this.group.setV6(LINK_SCOPE_HI, ALL_ROUTERS_LO);
    if (this.send(ll.address, dst, multicastMac(dst))) this.counters.rsOut++;
  }
}

/** The monotonic time a lifetime of `seconds` ends (never for infinity). */
function until(seconds: u32, t: i64): i64 {
  return seconds == INFINITE ? i64.MAX_VALUE : t + <i64>seconds * SECOND;
}
