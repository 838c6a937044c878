// The stub resolver: A and AAAA lookups for applications (RFC 1035 §7,
// RFC 1123 §6.1.3), asked of the servers given with --dns-server=, else
// of those the configuration names (DHCP), kept current: a renewal that
// names other servers reaches the resolver as a configuration event.
//
//   class Print extends ResolveHandler {
//     resolved(r: Resolution): void { … r.addresses … r.error … }
//   }
//   const resolver = Resolver.fromStack(stack);
//   resolver.lookup("www.example.com", DnsType.A, new Print());
//
// Each query goes out over UDP from a fresh random port with a random id
// (RFC 5452 §9.2: both unpredictable), to one server after another, each
// tried `tries` times with `timeout` between; an answer counts only if it
// comes from the server's port 53 to our port, carries our id and our
// question (name, type, class, RFC 5452 §9.1). A truncated answer (TC) is
// asked again over TCP when a TcpLayer was given (RFC 7766 §5). CNAME
// chains in the answer are followed. Results are cached, bounded in
// entries, for their TTL (capped at `maxTtl`); NXDOMAIN and NODATA for
// the SOA's minimum (RFC 2308 §5). Servers may be IPv6 addresses (over
// the stack's IPv6 layer); lookupHost prefers AAAA with --dns-prefer-ipv6.
import { Argument, Flag, Timer, now, randomU32, SECOND, declareArgument, Logger } from "../platform/index";
import {
  DnsMessage, DnsName, DnsType, CLASS_IN, FLAG_RD, FLAG_QR, Rcode, WireError, DnsWriter, IpAddress, IpEndpoint,
} from "../wire/index";
import { ConfigEvent, ConfigListener } from "../net/config";
import { UdpDatagram, UdpHandler, UdpLayer, UdpSocket } from "../net/udp";
import { StreamTransport } from "../net/transport";
import { Flow, FlowHandler } from "../flow/index";
import { Stack } from "../stack/index";

/** --dns-server (declared when a resolver is made from a stack). */
export function dnsServerArgument(): Argument {
  return declareArgument("dns-server", "",
    "DNS servers for the resolver, comma separated; empty: those the configuration (DHCP) names");
}
/** --dns-prefer-ipv6 (declared when a resolver is made from a stack). */
export function preferIpv6Argument(): Argument {
  return declareArgument("dns-prefer-ipv6", "false",
    "lookupHost asks for AAAA first and A only if there is none (else A first)", new Flag());
}
const log = new Logger("resolver");

export enum ResolveError { None = 0, NXDomain, ServFail, Refused, Timeout, BadName, NoServer }

export function resolveErrorName(e: ResolveError): string {
  switch (e) {
    case ResolveError.None: return "ok";
    case ResolveError.NXDomain: return "no such name";
    case ResolveError.ServFail: return "server failure";
    case ResolveError.Refused: return "refused";
    case ResolveError.Timeout: return "timeout";
    case ResolveError.BadName: return "bad name";
    case ResolveError.NoServer: return "no DNS server";
  }
  return "?";
}

export class Resolution {
  name: string = "";
  type: u16 = 0;
  /** 4 bytes each for A, 16 for AAAA; empty for NODATA or an error. */
  addresses: Uint8Array[] = [];
  /** Seconds the answer may be kept. */
  ttl: u32 = 0;
  error: ResolveError = ResolveError.None;
  fromCache: bool = false;
}

export abstract class ResolveHandler {
  abstract resolved(r: Resolution): void;
}

class CacheEntry {
  constructor(readonly key: string, readonly result: Resolution, readonly expires: i64) {}
}

export class ResolverCounters {
  queries: u64 = 0;
  cacheHits: u64 = 0;
  /** Answers that were not ours: wrong source, port, id or question. */
  ignored: u64 = 0;
  timeouts: u64 = 0;
  tcpFallbacks: u64 = 0;
}

export class Resolver extends ConfigListener {
  readonly counters: ResolverCounters = new ResolverCounters();
  private readonly cache: Map<string, CacheEntry> = new Map<string, CacheEntry>();
  private readonly order: string[] = [];
  timeout: i64 = 2 * SECOND;
  tries: i32 = 2;
  maxTtl: u32 = 86400;
  cacheSize: i32 = 128;

  /** Whether the servers follow configuration events (not --dns-server). */
  followsConfig: bool = true;
  /** lookupHost asks for AAAA before A (--dns-prefer-ipv6). */
  preferIpv6: bool = false;

  constructor(readonly udp: UdpLayer, public servers: IpAddress[], readonly tcp: StreamTransport | null = null) {
    super();
  }

  /** A resolver using --dns-server=, else the servers the stack's
   * configuration names now and after every renewal; over the stack's UDP,
   * and its TCP for truncated answers when the image has TCP. */
  static fromStack(stack: Stack): Resolver {
    const text = dnsServerArgument().value;
    const servers: IpAddress[] = [];
    if (text.length > 0) {
      const parts = text.split(",");
      for (let i = 0; i < parts.length; i++) {
        const a = IpAddress.parse(parts[i].trim());
        if (a !== null && !a.isUnspecified) servers.push(a);
      }
    } else {
      for (let i = 0; i < stack.dnsServers.length; i++) servers.push(stack.dnsServers[i]);
    }
    const r = new Resolver(stack.udp, servers, stack.hasTcp ? stack.tcp : null);
    r.followsConfig = text.length == 0;
    r.preferIpv6 = preferIpv6Argument().flag;
    stack.onConfigChange(r);
    return r;
  }

  /** A configuration event: new DNS servers from a lease or a renewal. */
  configChanged(e: ConfigEvent): void {
    if (!this.followsConfig || e.dnsServers.length == 0) return;
    const servers: IpAddress[] = [];
    for (let i = 0; i < e.dnsServers.length; i++) servers.push(e.dnsServers[i]);
    if (!sameServers(servers, this.servers)) {
      let text = "";
      for (let i = 0; i < servers.length; i++) text += (i > 0 ? ", " : "") + servers[i].toString();
      log.info("DNS servers now " + text);
      this.servers = servers;
    }
  }

  /** Look `name` up (type A or AAAA); `handler.resolved` is called once,
   * now if the answer is cached, else when it arrives or all tries fail. */
  lookup(name: string, type: u16, handler: ResolveHandler): void {
    this.counters.queries++;
    const key = name.toLowerCase() + "/" + type.toString();
    if (this.cache.has(key)) {
      const e = this.cache.get(key);
      if (e.expires > now()) {
        this.counters.cacheHits++;
        const r = copyOf(e.result, e.expires, name);
        handler.resolved(r);
        return;
      }
      this.cache.delete(key);
    }
    const q = new Query(this, name, type, handler, key);
    if (!q.qname.setText(name)) { q.finish(ResolveError.BadName); return; }
    if (this.servers.length == 0) { q.finish(ResolveError.NoServer); return; }
    q.start();
  }

  /** The addresses of `name` in the preferred family (AAAA with
   * preferIpv6, else A), or in the other when it has none (RFC 6724 §2's
   * order, without the rest of the policy table): one call of
   * `handler.resolved`, with the second answer if the first was empty. */
  lookupHost(name: string, handler: ResolveHandler): void {
    const first: u16 = this.preferIpv6 ? <u16>DnsType.AAAA : <u16>DnsType.A;
    this.lookup(name, first, new Fallback(this, handler));
  }

  /** Keep a result, the oldest entry going when full. */
  remember(key: string, r: Resolution): void {
    if (r.ttl == 0) return;
    if (!this.cache.has(key)) {
      if (this.order.length >= this.cacheSize) {
        const old = this.order.shift();
        this.cache.delete(old);
      }
      this.order.push(key);
    }
    const ttl = min(r.ttl, this.maxTtl);
    this.cache.set(key, new CacheEntry(key, r, now() + <i64>ttl * SECOND));
  }

  get cached(): i32 { return this.cache.size; }
}

function copyOf(r: Resolution, expires: i64, name: string): Resolution {
  const c = new Resolution();
  c.name = name;
  c.type = r.type;
  c.addresses = r.addresses;
  c.error = r.error;
  const left = (expires - now()) / SECOND;
  c.ttl = <u32>(left < 0 ? 0 : left);
  c.fromCache = true;
  return c;
}

/** lookupHost's second question, asked when the first found nothing. */
class Fallback extends ResolveHandler {
  constructor(readonly resolver: Resolver, readonly handler: ResolveHandler) { super(); }

  resolved(r: Resolution): void {
    // NXDOMAIN holds for every type (RFC 8020): asking again cannot help.
    if (r.addresses.length > 0 || r.error == ResolveError.NXDomain) {
      this.handler.resolved(r);
      return;
    }
    const other: u16 = r.type == <u16>DnsType.A ? <u16>DnsType.AAAA : <u16>DnsType.A;
    this.resolver.lookup(r.name, other, this.handler);
  }
}

class QueryTimer extends Timer {
  constructor(readonly q: Query) { super(); }
  fire(time: i64): void { this.q.onTimeout(); }
}

/** One lookup in flight. */
class Query extends UdpHandler {
  readonly qname: DnsName = new DnsName();
  private id: u16 = 0;
  private socket: UdpSocket | null = null;
  private server: i32 = 0;
  private attempt: i32 = 0;
  private readonly timer!: QueryTimer;
  private done: bool = false;
  private wire: Uint8Array = new Uint8Array(0);

  constructor(readonly resolver: Resolver, readonly name: string, readonly type: u16,
    readonly handler: ResolveHandler, readonly key: string) {
    super();
    this.timer = new QueryTimer(this);
  }

  start(): void {
    this.send();
  }

  private send(): void {
    const r = this.resolver;
    if (this.socket !== null) this.socket!.close();
    // A fresh port and id for every transmission (RFC 5452 §9.2).
    this.socket = r.udp.bind(0, this);
    this.id = <u16>randomU32();
    this.wire = this.build();
    if (this.socket !== null) this.socket!.sendTo(r.servers[this.server], 53, this.wire);
    this.timer.armAfter(r.timeout);
  }

  private build(): Uint8Array {
    const b = new Uint8Array(12 + this.qname.length + 4);
    const w = new DnsWriter();
    w.reset(b, b.byteLength);
    w.u16(this.id); w.u16(FLAG_RD); w.u16(1); w.u16(0); w.u16(0); w.u16(0);
    w.name(this.qname.bytes, 0, false);
    w.u16(this.type); w.u16(CLASS_IN);
    return b;
  }

  onTimeout(): void {
    if (this.done) return;
    const r = this.resolver;
    r.counters.timeouts++;
    if (++this.attempt >= r.tries) {
      this.attempt = 0;
      if (++this.server >= r.servers.length) { this.finish(ResolveError.Timeout); return; }
    }
    this.send();
  }

  receive(socket: UdpSocket, d: UdpDatagram): void {
    if (this.done) return;
    const r = this.resolver;
    if (this.server >= r.servers.length || !d.src.equals(r.servers[this.server]) || d.srcPort != 53) {
      r.counters.ignored++;
      return;
    }
    this.answer(d.payload, false);
  }

  /** An answer over UDP or TCP; ignored unless it is to our question. */
  answer(bytes: Uint8Array, tcp: bool): void {
    const r = this.resolver;
    const m = new DnsMessage();
    if (m.parse(bytes) != WireError.Ok || m.id != this.id || (m.flags & FLAG_QR) == 0 ||
      m.questions.length != 1 || !m.questions[0].name.equals(this.qname) ||
      m.questions[0].type != this.type || m.questions[0].klass != CLASS_IN) {
      r.counters.ignored++;
      return;
    }
    if (m.truncated && !tcp) {
      const t = r.tcp;
      if (t !== null) {
        r.counters.tcpFallbacks++;
        this.timer.armAfter(r.timeout * 2);
        if (t.connect(new IpEndpoint(r.servers[this.server], 53), new TcpQuery(this, this.wire)) !== null) return;
      }
      // No TCP: use what fit.
    }
    const rc = m.rcode;
    if (rc == Rcode.NXDomain) { this.finishNegative(m, ResolveError.NXDomain); return; }
    if (rc == Rcode.Refused) { this.tryNext(ResolveError.Refused); return; }
    if (rc != Rcode.NoError) { this.tryNext(ResolveError.ServFail); return; }
    // Follow the CNAME chain from our name through the answer section.
    const res = this.result(ResolveError.None);
    const current = new DnsName();
    current.copyFrom(this.qname);
    let ttl: u32 = 0xffffffff;
    for (let hop = 0; hop < 8; hop++) {
      let next = false;
      for (let i = 0; i < m.answers.length; i++) {
        const a = m.answers[i];
        if (a.klass != CLASS_IN || !a.name.equals(current)) continue;
        if (a.type == this.type) {
          res.addresses.push(a.rdata);
          ttl = min(ttl, a.ttl);
        } else if (a.type == <u16>DnsType.CNAME && !next) {
          ttl = min(ttl, a.ttl);
          current.setWire(a.rdata);
          next = true;
        }
      }
      if (!next || res.addresses.length > 0) break;
    }
    if (res.addresses.length == 0) { this.finishNegative(m, ResolveError.None); return; }
    res.ttl = ttl;
    this.deliver(res);
  }

  /** NXDOMAIN or NODATA: cached for the SOA's minimum (RFC 2308 §5). */
  private finishNegative(m: DnsMessage, e: ResolveError): void {
    const res = this.result(e);
    for (let i = 0; i < m.authorities.length; i++) {
      const a = m.authorities[i];
      if (a.type == <u16>DnsType.SOA) {
        const rd = a.rdata;
        const n = rd.byteLength;
        const minimum = (<u32>rd[n - 4] << 24) | (<u32>rd[n - 3] << 16) | (<u32>rd[n - 2] << 8) | <u32>rd[n - 1];
        res.ttl = min(a.ttl, minimum);
      }
    }
    this.deliver(res);
  }

  private tryNext(e: ResolveError): void {
    const r = this.resolver;
    this.attempt = 0;
    if (++this.server >= r.servers.length) { this.finish(e); return; }
    this.send();
  }

  private result(e: ResolveError): Resolution {
    const res = new Resolution();
    res.name = this.name;
    res.type = this.type;
    res.error = e;
    return res;
  }

  finish(e: ResolveError): void {
    this.deliver(this.result(e));
  }

  private deliver(res: Resolution): void {
    if (this.done) return;
    this.done = true;
    this.timer.cancel();
    if (this.socket !== null) this.socket!.close();
    if (res.error == ResolveError.None || res.error == ResolveError.NXDomain) this.resolver.remember(this.key, res);
    if (res.error != ResolveError.None) log.debug(this.name + ": " + resolveErrorName(res.error));
    this.handler.resolved(res);
  }

  get finished(): bool { return this.done; }
}

/** The same question over TCP, after a truncated answer. */
class TcpQuery extends FlowHandler {
  constructor(readonly q: Query, readonly wire: Uint8Array) { super(); }

  connected(c: Flow): void {
    const n = this.wire.byteLength;
    const framed = new Uint8Array(n + 2);
    framed[0] = <u8>(n >> 8);
    framed[1] = <u8>n;
    framed.set(this.wire, 2);
    c.write(framed);
  }

  readable(c: Flow): void {
    const data = c.received();
    if (data.byteLength < 2) return;
    const len = (<i32>data[0] << 8) | <i32>data[1];
    if (data.byteLength < 2 + len) return;
    this.q.answer(data.slice(2, 2 + len), true);
    c.consume(2 + len);
    c.close();
  }
}

function sameServers(a: IpAddress[], b: IpAddress[]): bool {
  if (a.length != b.length) return false;
  for (let i = 0; i < a.length; i++) if (!a[i].equals(b[i])) return false;
  return true;
}
