// The interface's IPv4 configuration (address, prefix, gateway) and the
// stack's limits. Every limit on memory or on work is here, with its
// default, so that the bounds of the whole stack read in one place.
import { Ipv4Address, IPV4_BROADCAST, IpAddress, ipv4ToString, parseV4 } from "../wire/index";
import { SECOND, MILLISECOND } from "../platform/index";

export class Ipv4Config {
  constructor(
    readonly address: Ipv4Address,
    /** 0..32 */
    readonly prefixLen: i32,
    /** 0 for none: only on-link destinations are reachable. */
    readonly gateway: Ipv4Address = 0,
  ) {}

  get netmask(): u32 {
    return this.prefixLen == 0 ? 0 : <u32>0xffff_ffff << <u32>(32 - this.prefixLen);
  }

  get network(): Ipv4Address {
    return this.address & this.netmask;
  }

  /** The directed broadcast address of the subnet (RFC 919). */
  get broadcast(): Ipv4Address {
    return this.address | ~this.netmask;
  }

  /** Whether `a` is on this link, i.e. reached without a gateway. */
  isOnLink(a: Ipv4Address): bool {
    return (a & this.netmask) == (this.address & this.netmask);
  }

  /** Whether `a` is a broadcast address for this interface. Subnets of
   * /31 and /32 have no broadcast address of their own (RFC 3021). */
  isBroadcast(a: Ipv4Address): bool {
    return a == IPV4_BROADCAST || (this.prefixLen < 31 && a == this.broadcast);
  }

  /** Why this configuration cannot work, or null. */
  problem(): string | null {
    const a = this.address;
    if (this.prefixLen < 0 || this.prefixLen > 32) return "a prefix length from 0 to 32";
    if (a == 0 || isMulticast(a) || a == IPV4_BROADCAST || isLoopback(a)) {
      return "a unicast address (not 0.0.0.0, 127.x, multicast or broadcast)";
    }
    if (this.prefixLen < 31 && (a == this.network || a == this.broadcast)) {
      return "an address that is neither the network's nor its broadcast address";
    }
    return null;
  }

  /** Why this gateway cannot work with this address, or null. */
  gatewayProblem(): string | null {
    const g = this.gateway;
    if (g == 0) return null;
    if (!this.isOnLink(g) || g == this.address || this.isBroadcast(g) || (g == this.network && this.prefixLen < 31)) {
      return "an address inside " + ipv4ToString(this.network) + "/" + this.prefixLen.toString() +
        " other than " + ipv4ToString(this.address);
    }
    return null;
  }

  toString(): string {
    return ipv4ToString(this.address) + "/" + this.prefixLen.toString();
  }
}

/** What happened to the interface's configuration. */
export enum ConfigChange {
  /** An address to use (a static one at start, a DHCP lease). */
  Bound = 0,
  /** The same source again: a renewed lease, maybe with other values
   * (address, gateway, DNS servers). */
  Renewed,
  /** The address is gone (lease expired, NAK): 0.0.0.0/0 until the next. */
  Lost,
}

/** A configuration event, as a source (DHCP; later SLAAC) emits it and the
 * stack, the resolver and the app apply it. Sources know nothing of who
 * listens (smoltcp's DHCP socket emits Configured/Deconfigured alike). */
export class ConfigEvent {
  constructor(
    readonly change: ConfigChange,
    readonly ipv4: Ipv4Config,
    /** DNS servers the source named, in order of preference. */
    readonly dnsServers: IpAddress[] = [],
    /** "static", "dhcp": for log lines. */
    readonly source: string = "static",
    /** An IPv6 event (libos/net/ipv6: "link-local", "static", "SLAAC"
     * as its source): the address bound or lost, with its prefix length;
     * `ipv4` is then not part of it (0.0.0.0/0) and IPv4 is left as it is. */
    readonly ipv6: IpAddress | null = null,
    readonly prefixLen6: i32 = 0,
  ) {}
}

/** Told of every configuration event. */
export abstract class ConfigListener {
  abstract configChanged(e: ConfigEvent): void;
}

/** 224.0.0.0/4 (RFC 5771). */
export function isMulticast(a: Ipv4Address): bool {
  return (a >> 28) == 0xe;
}

/** 127.0.0.0/8 (RFC 1122 §3.2.1.3(g)). */
export function isLoopback(a: Ipv4Address): bool {
  return (a >> 24) == 127;
}

/** A dotted quad ("10.0.0.2") as an address, or -1 (wire/ip.ts). */
export function parseIpv4(text: string): i64 {
  return parseV4(text);
}

/** "10.0.0.2/24" as a configuration without gateway, or null. */
export function parseCidr(text: string): Ipv4Config | null {
  const slash = text.indexOf("/");
  if (slash < 0) return null;
  const a = parseIpv4(text.substring(0, slash));
  const p = text.substring(slash + 1);
  if (a < 0 || p.length == 0 || p.length > 2) return null;
  let prefix = 0;
  for (let i = 0; i < p.length; i++) {
    const c = p.charCodeAt(i);
    if (c < 48 || c > 57) return null;
    prefix = prefix * 10 + (c - 48);
  }
  if (prefix > 32) return null;
  return new Ipv4Config(<Ipv4Address>a, prefix);
}

/** Bounds on the stack's memory and work. The defaults suit a server on a
 * small LAN; tests shrink them to reach the limits quickly. */
export class Limits {
  // ARP (libos/net/arp.ts)
  /** Resolved entries in the neighbour cache. */
  arpCacheSize: i32 = 64;
  /** Resolutions in progress at once, besides: a new one takes the place
   * of the one begun longest ago, never of a resolved entry (arpcache.ts). */
  arpPendingMax: i32 = 32;
  /** How long a resolved entry is used before it is resolved again. */
  arpTimeout: i64 = 60 * SECOND;
  /** Requests sent for one address before giving up (RFC 1122 §2.3.2.1
   * asks for at most one per second per address). */
  arpTries: i32 = 3;
  arpRetryInterval: i64 = SECOND;
  /** Packets waiting for one address; the oldest is dropped beyond. */
  arpQueuePerAddress: i32 = 4;
  /** Bytes waiting for resolution, all addresses together: room for two
   * of the largest datagrams (65535 bytes and an Ethernet header). */
  arpQueueBytes: i32 = 2 * (65535 + 14);
  /** Gratuitous ARP announcements at start and their spacing (RFC 5227
   * §2.3: ANNOUNCE_NUM 2, ANNOUNCE_INTERVAL 2 s). */
  arpAnnouncements: i32 = 2;
  arpAnnounceInterval: i64 = 2 * SECOND;

  // IPv4 reassembly (libos/net/reassembly.ts)
  /** Datagrams being reassembled at once; the oldest is evicted beyond. */
  reassemblySlots: i32 = 8;
  /** Largest reassembled datagram, IPv4 header included (RFC 791: 65535). */
  reassemblyMaxDatagram: i32 = 65535;
  /** Separate runs of data one datagram may have at once (fragments
   * that touch join a run, so the number of fragments has no bound of
   * its own; the bytes do). */
  reassemblyMaxFragments: i32 = 64;
  /** Buffer bytes for all datagrams being reassembled together. */
  reassemblyTotalBytes: i32 = 256 * 1024;
  /** From the first fragment (RFC 1122 §3.3.2: 60 s to 120 s
   * recommended; Linux uses 30 s, which serves a LAN better). */
  reassemblyTimeout: i64 = 30 * SECOND;

  // IPv4 output
  /** TTL of the datagrams we send (RFC 1700's default, as Linux). */
  ttl: u8 = 64;

  // ICMP (libos/net/icmp.ts): a token bucket for the errors we send.
  /** Errors that may be sent back to back. */
  icmpErrorBurst: i32 = 10;
  /** One more error allowed per interval. */
  icmpErrorInterval: i64 = 100 * MILLISECOND;
}
