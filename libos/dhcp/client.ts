// The DHCP client (RFC 2131 §4.4, options RFC 2132) that configures the
// stack when it boots with --dhcp=true.
//
//   INIT -DISCOVER-> SELECTING -OFFER/REQUEST-> REQUESTING -ACK-> BOUND
//   BOUND -T1-> RENEWING (REQUEST unicast to the server)
//         -T2-> REBINDING (REQUEST broadcast) -expiry-> INIT, address dropped
//   NAK in REQUESTING, RENEWING or REBINDING -> INIT, address dropped
//
// Messages are retransmitted with randomised exponential back-off (§4.1:
// 4 s, 8 s, … 64 s, each ±1 s); in RENEWING and REBINDING, after half the
// time left to T2 or to expiry (§4.4.5), at least 4 s apart here rather
// than 60 s, so that short leases work. We ask the server to broadcast
// (§4.1: we cannot take unicast before we have an address), send the
// unikernel's --name as host name (option 12), and ignore every reply
// that is not ours: wrong op, xid or chaddr, no server identifier, a
// malformed message (the wire layer refuses it), or an OFFER of an
// address that cannot be a host's.
//
// Not done: the ARP check of an offered address before using it (DECLINE,
// §4.4.1), INIT-REBOOT with a remembered lease (nothing survives a boot),
// RELEASE at shutdown.
//
// The client depends on UDP only: it emits configuration events (bound,
// renewed, lost, with the DNS servers) to a ConfigListener, and whoever
// built it (the stack, libos/stack) applies them. It never reaches into
// the stack.
import { Argument, Logger, Timer, now, randomU32, SECOND, MILLISECOND, declareArgument, Flag } from "../platform/index";
import {
  DhcpPacket, DhcpRepr, DhcpMessageType, BootpOp, DHCP_CLIENT_PORT, DHCP_SERVER_PORT,
  IPV4_BROADCAST, Ipv4Address, IpAddress, WireError, ipv4ToString,
} from "../wire/index";
import { ConfigChange, ConfigEvent, ConfigListener, Ipv4Config, isLoopback, isMulticast } from "../net/config";
import { UdpDatagram, UdpHandler, UdpLayer, UdpSocket } from "../net/udp";

/** --dhcp (declared when a stack is built from the boot arguments). */
export function dhcpArgument(): Argument {
  return declareArgument("dhcp", "false",
    "take the address, gateway and DNS servers from DHCP (then give no --ipv4)", new Flag());
}

/** --name */
export function nameArgument(): Argument {
  return declareArgument("name", "", "this unikernel's name, sent to DHCP servers as its host name");
}

export enum DhcpState { Init, Selecting, Requesting, Bound, Renewing, Rebinding }

export function dhcpStateName(s: DhcpState): string {
  switch (s) {
    case DhcpState.Init: return "init";
    case DhcpState.Selecting: return "selecting";
    case DhcpState.Requesting: return "requesting";
    case DhcpState.Bound: return "bound";
    case DhcpState.Renewing: return "renewing";
    case DhcpState.Rebinding: return "rebinding";
  }
  return "?";
}

/** What the server leased us. */
export class DhcpLease {
  address: Ipv4Address = 0;
  prefixLen: i32 = 0;
  gateway: Ipv4Address = 0;
  server: Ipv4Address = 0;
  dnsServers: Ipv4Address[] = [];
  /** Seconds, as the server said; 0xffffffff is forever. */
  leaseTime: u32 = 0;
  /** Monotonic times of T1, T2 and expiry (i64.MAX_VALUE: never). */
  renewAt: i64 = 0;
  rebindAt: i64 = 0;
  expiresAt: i64 = 0;
}

export class DhcpCounters {
  sent: u64 = 0;
  received: u64 = 0;
  /** Malformed, or not a reply to us (op, xid, chaddr, no server id). */
  ignored: u64 = 0;
  offers: u64 = 0;
  acks: u64 = 0;
  naks: u64 = 0;
  renewals: u64 = 0;
  expiries: u64 = 0;
}

const log = new Logger("dhcp");
const FIRST_RETRY: i64 = 4 * SECOND;
const MAX_RETRY: i64 = 64 * SECOND;
const REQUEST_TRIES = 4;
/** Option 55: netmask, router, DNS servers, domain name, lease time, T1, T2. */
const PARAMETERS: u8[] = [1, 3, 6, 15, 51, 58, 59];
function parameterList(): Uint8Array {
  const b = new Uint8Array(PARAMETERS.length);
  for (let i = 0; i < PARAMETERS.length; i++) b[i] = PARAMETERS[i];
  return b;
}
const FOREVER: u32 = 0xffffffff;

class DhcpTimer extends Timer {
  constructor(readonly client: DhcpClient) { super(); }
  fire(time: i64): void { this.client.onTimer(time); }
}

export class DhcpClient extends UdpHandler {
  state: DhcpState = DhcpState.Init;
  readonly lease: DhcpLease = new DhcpLease();
  readonly counters: DhcpCounters = new DhcpCounters();
  private socket: UdpSocket | null = null;
  private readonly timer!: DhcpTimer;
  private xid: u32 = 0;
  private tries: i32 = 0;
  private retry: i64 = FIRST_RETRY;
  private started: i64 = 0;
  private offered: Ipv4Address = 0;
  private offerServer: Ipv4Address = 0;
  private readonly tx: Uint8Array = new Uint8Array(576);
  private readonly rx: DhcpRepr = new DhcpRepr();
  private readonly parameters: Uint8Array = parameterList();
  /** The configuration last announced (0.0.0.0/0: none). */
  private current: Ipv4Config = new Ipv4Config(0, 0);

  constructor(
    readonly udp: UdpLayer,
    /** Our link address (chaddr). */
    readonly mac: u64,
    /** Told of every lease bound, renewed or lost. */
    readonly listener: ConfigListener,
    readonly hostName: string = "",
  ) {
    super();
    this.timer = new DhcpTimer(this);
  }

  /** Bind port 68 and begin with a DISCOVER. */
  start(): void {
    this.socket = this.udp.bind(DHCP_CLIENT_PORT, this);
    if (this.socket === null) {
      log.error("port 68 is taken: no DHCP");
      return;
    }
    this.init();
  }

  private init(): void {
    this.state = DhcpState.Init;
    this.xid = randomU32();
    this.started = now();
    this.retry = FIRST_RETRY;
    this.tries = 0;
    this.state = DhcpState.Selecting;
    this.send(DhcpMessageType.Discover, IPV4_BROADCAST);
    this.armRetry();
  }

  // RFC 2131 §4.1: the delay doubles from 4 s to 64 s, randomised by ±1 s.
  private armRetry(): void {
    const jitter = <i64>(randomU32() % 2001) * MILLISECOND - SECOND;
    this.timer.armAfter(this.retry + jitter);
    if (this.retry < MAX_RETRY) this.retry *= 2;
  }

  onTimer(time: i64): void {
    const l = this.lease;
    switch (this.state) {
      case DhcpState.Selecting:
        this.send(DhcpMessageType.Discover, IPV4_BROADCAST);
        this.armRetry();
        break;
      case DhcpState.Requesting:
        if (++this.tries >= REQUEST_TRIES) { this.init(); break; }
        this.send(DhcpMessageType.Request, IPV4_BROADCAST);
        this.armRetry();
        break;
      case DhcpState.Bound:
      case DhcpState.Renewing:
      case DhcpState.Rebinding:
        if (time >= l.expiresAt) {
          // §4.4.5: the lease is gone; stop using the address at once.
          this.counters.expiries++;
          log.warn("lease of " + ipv4ToString(l.address) + " expired");
          this.drop();
          this.init();
          return;
        }
        if (time >= l.rebindAt) {
          if (this.state != DhcpState.Rebinding) this.xid = randomU32();
          this.state = DhcpState.Rebinding;
          this.send(DhcpMessageType.Request, IPV4_BROADCAST);
          this.armHalfway(time, l.expiresAt);
        } else if (time >= l.renewAt) {
          if (this.state != DhcpState.Renewing) this.xid = randomU32();
          this.state = DhcpState.Renewing;
          this.send(DhcpMessageType.Request, l.server);
          this.armHalfway(time, l.rebindAt);
        } else {
          this.timer.armAt(l.renewAt);
        }
        break;
    }
  }

  // §4.4.5: wait half the time left to `until`, but not less than 4 s.
  private armHalfway(time: i64, until: i64): void {
    let wait = (until - time) / 2;
    if (wait < 4 * SECOND) wait = until - time;
    this.timer.armAt(time + wait);
  }

  receive(socket: UdpSocket, d: UdpDatagram): void {
    const c = this.counters;
    c.received++;
    const r = this.rx;
    if (d.srcPort != DHCP_SERVER_PORT || r.parse(new DhcpPacket(d.payload)) != WireError.Ok ||
      r.op != <u8>BootpOp.Reply || r.xid != this.xid || r.chaddr != this.mac || r.serverId == 0) {
      c.ignored++;
      return;
    }
    const type = r.messageType;
    if (type == DhcpMessageType.Offer && this.state == DhcpState.Selecting) {
      if (!usable(r.yiaddr)) { c.ignored++; return; }
      c.offers++;
      this.offered = r.yiaddr;
      this.offerServer = r.serverId;
      this.state = DhcpState.Requesting;
      this.tries = 0;
      this.retry = FIRST_RETRY;
      this.send(DhcpMessageType.Request, IPV4_BROADCAST);
      this.armRetry();
      return;
    }
    const waiting = this.state == DhcpState.Requesting || this.state == DhcpState.Renewing ||
      this.state == DhcpState.Rebinding;
    if (!waiting) { c.ignored++; return; }
    if (type == DhcpMessageType.Nak) {
      // A NAK in REQUESTING must come from the server we chose.
      if (this.state == DhcpState.Requesting && r.serverId != this.offerServer) { c.ignored++; return; }
      c.naks++;
      log.warn("NAK from " + ipv4ToString(r.serverId) + (r.message.length > 0 ? ": " + r.message : ""));
      this.drop();
      this.init();
      return;
    }
    if (type == DhcpMessageType.Ack && usable(r.yiaddr)) {
      if (this.state == DhcpState.Requesting && r.serverId != this.offerServer) { c.ignored++; return; }
      c.acks++;
      if (this.state != DhcpState.Requesting) c.renewals++;
      this.bind(r);
      return;
    }
    c.ignored++;
  }

  private bind(r: DhcpRepr): void {
    const l = this.lease;
    const t = this.started;
    const renewing = this.state != DhcpState.Requesting;
    const prefix = r.hasSubnetMask ? prefixOf(r.subnetMask) : defaultPrefix(r.yiaddr);
    l.address = r.yiaddr;
    l.prefixLen = prefix < 0 ? 24 : prefix;
    l.server = r.serverId;
    l.dnsServers = r.dnsServers;
    l.leaseTime = r.leaseTime;
    const cfg = new Ipv4Config(l.address, l.prefixLen, 0);
    // The first router on our subnet is the gateway (RFC 2132 §3.5: in order of preference).
    for (let i = 0; i < r.routers.length; i++) {
      if (cfg.isOnLink(r.routers[i]) && r.routers[i] != l.address) { l.gateway = r.routers[i]; break; }
    }
    // §4.4.5: T1 defaults to half the lease, T2 to 7/8; times count from
    // when the request went out.
    if (r.leaseTime == FOREVER || r.leaseTime == 0) {
      l.renewAt = l.rebindAt = l.expiresAt = i64.MAX_VALUE;
    } else {
      const lease = <i64>r.leaseTime * SECOND;
      let t1 = r.renewalTime != 0 ? <i64>r.renewalTime * SECOND : lease / 2;
      let t2 = r.rebindingTime != 0 ? <i64>r.rebindingTime * SECOND : lease * 7 / 8;
      if (t2 > lease) t2 = lease * 7 / 8;
      if (t1 > t2) t1 = t2 / 2;
      l.expiresAt = t + lease;
      l.rebindAt = t + t2;
      l.renewAt = t + t1;
    }
    this.state = DhcpState.Bound;
    log.info((renewing ? "renewed " : "leased ") + ipv4ToString(l.address) + "/" + l.prefixLen.toString() +
      " gateway " + (l.gateway == 0 ? "none" : ipv4ToString(l.gateway)) + " from " + ipv4ToString(l.server) +
      " for " + r.leaseTime.toString() + " s");
    // Every ACK is announced, renewals too: a renewal may name other DNS
    // servers even when the address stays.
    this.current = new Ipv4Config(l.address, l.prefixLen, l.gateway);
    const dns: IpAddress[] = [];
    for (let i = 0; i < l.dnsServers.length; i++) dns.push(IpAddress.v4(l.dnsServers[i]));
    this.listener.configChanged(new ConfigEvent(renewing ? ConfigChange.Renewed : ConfigChange.Bound, this.current,
      dns, "dhcp"));
    if (l.renewAt != i64.MAX_VALUE) this.timer.armAt(l.renewAt);
    else this.timer.cancel();
  }

  /** Forget the lease and stop using its address. */
  private drop(): void {
    this.lease.address = 0;
    this.lease.gateway = 0;
    this.current = new Ipv4Config(0, 0);
    this.listener.configChanged(new ConfigEvent(ConfigChange.Lost, this.current, [], "dhcp"));
  }

  private send(type: DhcpMessageType, dst: Ipv4Address): void {
    const m = new DhcpRepr();
    m.op = <u8>BootpOp.Request;
    m.xid = this.xid;
    m.chaddr = this.mac;
    m.messageType = type;
    const secs = (now() - this.started) / SECOND;
    m.secs = <u16>(secs > 0xffff ? 0xffff : secs);
    m.hostName = this.hostName;
    m.parameterList = this.parameters;
    // Table 5 of §4.4.1: what each state puts in a REQUEST.
    if (type == DhcpMessageType.Request) {
      if (this.state == DhcpState.Requesting) {
        m.broadcast = true;
        m.serverId = this.offerServer;
        m.requestedIp = this.offered;
        this.started = this.tries == 0 ? now() : this.started;
      } else {
        m.ciaddr = this.lease.address;
        this.started = now();
      }
    } else {
      m.broadcast = true;
    }
    const len = m.bufferLen();
    const buf = this.tx.subarray(0, len);
    m.emit(new DhcpPacket(buf));
    this.counters.sent++;
    this.socket!.sendTo(IpAddress.v4(dst), DHCP_SERVER_PORT, buf);
  }
}

/** An address a host may have: not 0, broadcast, multicast, loopback or class E. */
function usable(a: Ipv4Address): bool {
  return a != 0 && a != IPV4_BROADCAST && !isMulticast(a) && !isLoopback(a) && (a >> 28) != 0xf;
}

/** The prefix length of a contiguous netmask, or -1. */
function prefixOf(mask: u32): i32 {
  const n = <i32>clz(~mask);
  return (n == 32 ? 0xffffffff : ~(0xffffffff >> <u32>n)) == mask ? n : -1;
}

/** Without option 1 (RFC 2131 §2.2 leaves it to the client): the class's. */
function defaultPrefix(a: Ipv4Address): i32 {
  if ((a >> 31) == 0) return 8;
  if ((a >> 30) == 2) return 16;
  return 24;
}
