// The IP seam: what UDP and TCP see of the network layer. Each IP version
// is an IpLayer (IPv4 today: ipv4.ts; IPv6 plugs in beside it), and
// IpFamilies holds the layers of the interface and picks one by address,
// so the transports are written once against IpAddress and never look
// inside an address.
//
// Receive path: the IpLayer hands each datagram for us to the protocol
// registered for its number, as an IpDatagram it reuses (no allocation per
// frame; valid only during `input`). Send path: the transport builds its
// header after `IP_HEADROOM` bytes of a buffer and asks the layer of the
// destination's version to add the IP and link headers.
import { ETH_HEADER_LEN, IpAddress, MacAddress } from "../wire/index";
import { ConfigListener, Limits } from "./config";
import { EthernetLayer } from "./ethernet";

/** Room before a transport header for the Ethernet and IP headers of
 * either version (the IPv6 header is 40 bytes; IPv4's 20, options never
 * sent). */
export const IP_HEADROOM: i32 = ETH_HEADER_LEN + 40;

/** A datagram for us, as handed to the protocol above. */
export class IpDatagram {
  /** The bytes: a received frame, or a reassembled datagram laid out like
   * one (a link header, then the IP header). */
  buf: Uint8Array = new Uint8Array(0);
  /** Offset of the IP header in buf; the link header is before it. */
  l3: i32 = 0;
  headerLen: i32 = 0;
  /** Offset of the payload, and its length. */
  l4: i32 = 0;
  len: i32 = 0;
  readonly src: IpAddress = new IpAddress();
  readonly dst: IpAddress = new IpAddress();
  protocol: u8 = 0;
  /** TTL or hop limit. */
  ttl: u8 = 0;
  /** Sent to a broadcast or multicast address rather than ours. */
  broadcast: bool = false;
  reassembled: bool = false;
  /** The link source: where an answer goes. */
  linkSrc: MacAddress = 0;
  /** The layer it came through, for answers. */
  layer: IpLayer | null = null;
}

/** A protocol above IP (ICMP, UDP, TCP). An abstract class, not an
 * interface: AssemblyScript compiles an interface call for every class
 * that implements it anywhere in the program, so an image without TCP
 * would carry TCP's input path; a virtual call takes only the classes the
 * image makes. */
export abstract class IpProtocol {
  abstract input(d: IpDatagram): void;
}

/** One IP version on the interface. */
export abstract class IpLayer {
  constructor(
    /** 4 or 6 (IP_V4, IP_V6). */
    readonly version: u8,
    /** The header we put on what we send. */
    readonly headerLen: i32,
  ) {}

  /** Hand datagrams of `protocol` to `handler` (replacing any other). */
  abstract register(protocol: u8, handler: IpProtocol): void;

  /** Whether the layer has an address to send from. */
  abstract get configured(): bool;

  /** Our address towards `dst` (a reused object: clone to keep it). */
  abstract sourceFor(dst: IpAddress): IpAddress;

  /** The link MTU: the largest datagram sent whole. */
  abstract get mtu(): i32;

  /** The path MTU towards `dst` (RFC 8201 for IPv6: lowered by Packet Too
   * Big); the link's when nothing smaller is known. A layer that lowers it
   * calls pathMtuLowered(), so open connections look again. */
  mtuFor(dst: IpAddress): i32 {
    return this.mtu;
  }

  /** Whether the link cuts TCP super-segments itself (send's tsoMss). */
  abstract get tso(): bool;

  /** The pseudo-header sum of the transport checksum (RFC 768, RFC 9293
   * §3.1, RFC 8200 §8.1), not yet folded. */
  abstract pseudoHeaderSum(src: IpAddress, dst: IpAddress, protocol: u8, length: i32): u64;

  /** Send `len` bytes at `l4` of `buf` (with IP_HEADROOM bytes before
   * `l4`) to `dst` as a `protocol` datagram. `via` sends to that link
   * address without routing (NO_MAC: route). `tsoMss` > 0: a TCP
   * super-segment for the link to cut. False when dropped (counted). */
  abstract send(dst: IpAddress, protocol: u8, buf: Uint8Array, l4: i32, len: i32, via: MacAddress, tsoMss: i32): bool;

  /** Answer `d` in place: `len` bytes at d.l4 (rewritten by the caller)
   * go back to its source. */
  abstract reply(d: IpDatagram, protocol: u8, len: i32): bool;

  /** Tell the source of `d` that nothing listens on its port (ICMP port
   * unreachable, rate-limited; never for broadcasts). */
  abstract portUnreachable(d: IpDatagram): void;

  /** A transport bound `port` of `protocol`: a layer over host sockets
   * (the node target) opens the host's port; IP over a link needs
   * nothing. */
  portOpened(protocol: u8, port: u16): void {}

  /** The transport unbound `port` of `protocol`. */
  portClosed(protocol: u8, port: u16): void {}
}

/** The interface's IP layers, one per version, chosen by address. */
export class IpFamilies {
  v4: IpLayer | null = null;
  v6: IpLayer | null = null;

  /** The layer that sends to `a`, or null when that version is off. */
  layerFor(a: IpAddress): IpLayer | null {
    return a.isV4 ? this.v4 : this.v6;
  }

  /** Every layer present, for transports registering their protocol. */
  all(): IpLayer[] {
    const list: IpLayer[] = [];
    if (this.v4 !== null) list.push(this.v4!);
    if (this.v6 !== null) list.push(this.v6!);
    return list;
  }

  /** The smallest MTU of the layers (the link's). */
  get mtu(): i32 {
    let m = i32.MAX_VALUE;
    const all = this.all();
    for (let i = 0; i < all.length; i++) m = min(m, all[i].mtu);
    return m == i32.MAX_VALUE ? 1500 : m;
  }
}

/** An IP layer the stack starts once the boot arguments are read (IPv6:
 * its addresses come from --ipv6, DAD and router advertisements). */
export abstract class StartedIpLayer extends IpLayer {
  /** Told of each address bound or lost (the stack). */
  listener: ConfigListener | null = null;

  /** Read the (parsed) boot arguments and begin: form addresses, probe
   * them, solicit routers. Logs each address as it becomes usable. */
  abstract start(): void;
}

/** Makes the IPv6 layer of a stack; registered when libos/net/ipv6 is
 * imported, so that an image without it carries none of IPv6 (as TCP,
 * transport.ts). */
export abstract class Ipv6Factory {
  /** Declare --ipv6 and --ipv6-gateway (before the arguments are parsed). */
  abstract declareArguments(): void;
  /** A layer over `ethernet`, registered with it for EtherType 0x86dd,
   * not yet started; null with --ipv6=none. */
  abstract make(ethernet: EthernetLayer, limits: Limits): StartedIpLayer | null;
}

let ipv6Factory: Ipv6Factory | null = null;

/** How many times a path MTU was lowered, by any layer: a connection
 * remembers the count it last saw and, when it differs, asks mtuFor again
 * (TCP output.ts followPathMtu), so one comparison a segment is the whole
 * cost while nothing changes. */
let pathMtuLowerings: u32 = 0;

/** Called by a layer that has just lowered a path MTU (RFC 8201 §4). */
export function pathMtuLowered(): void {
  pathMtuLowerings++;
}

/** The count pathMtuLowered() has raised. */
export function pathMtuGeneration(): u32 {
  return pathMtuLowerings;
}

/** Called by libos/net/ipv6 when it is imported. */
export function registerIpv6(f: Ipv6Factory): void {
  ipv6Factory = f;
}

/** The registered IPv6 factory, or null when the image has no IPv6. */
export function ipv6LayerFactory(): Ipv6Factory | null {
  return ipv6Factory;
}
