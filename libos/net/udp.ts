// UDP (RFC 768, RFC 1122 §4.1) sockets.
//
// A socket is bound to a local port with a handler object (AssemblyScript
// has no closures): `udp.bind(7, new Echo())`; each datagram for the port
// calls `handler.receive(socket, datagram)`. Checksums are verified on the
// way in (a zero checksum means "none" and is accepted, RFC 768) and always
// generated on the way out. A datagram for a port nobody bound gets an
// ICMP port unreachable (RFC 1122 §4.1.3.1) unless it was a broadcast.
//
// Sending copies the payload into the layer's own buffer, except for the
// common answer `socket.reply(d, d.payload)`, whose payload already sits
// behind the received headers: those are rewritten in place, and nothing
// is copied or allocated.
import { randomU32 } from "../platform/index";
import { IP_PROTOCOL_UDP, IP_V6, IPV4_HEADER_LEN, IpAddress, MacAddress, UDP_HEADER_LEN, UdpPacket, WireError } from "../wire/index";
import { NO_MAC } from "./arp";
import { CounterVisitor, Counters } from "../platform/index";
import { IP_HEADROOM, IpDatagram, IpFamilies, IpProtocol } from "./ip";
import { moveWindow, newWindow } from "./window";

/** Room in front of a UDP payload for the link, IP and UDP headers. */
const HEADROOM: i32 = IP_HEADROOM + UDP_HEADER_LEN;
/** The largest payload one IPv4 datagram carries. */
export const UDP_MAX_PAYLOAD: i32 = 65535 - IPV4_HEADER_LEN - UDP_HEADER_LEN;
/** RFC 6335 §6: the dynamic ports, where unnamed sockets are bound. */
const EPHEMERAL_FIRST: i32 = 49152;
const EPHEMERAL_COUNT: i32 = 65536 - EPHEMERAL_FIRST;

export abstract class UdpHandler {
  /** One datagram for `socket`. `d` and its payload are reused for the
   * next datagram: copy what must outlive this call. */
  abstract receive(socket: UdpSocket, d: UdpDatagram): void;
}

/** A received datagram. */
export class UdpDatagram {
  /** Reused for the next datagram: clone() to keep. */
  readonly src: IpAddress = new IpAddress();
  srcPort: u16 = 0;
  readonly dst: IpAddress = new IpAddress();
  dstPort: u16 = 0;
  /** Sent to a broadcast address. */
  broadcast: bool = false;
  readonly payload: Uint8Array = newWindow();
  /** Where the answer goes on the link. */
  linkSrc: MacAddress = 0;
}

export class UdpSocket {
  datagramsIn: u64 = 0;
  datagramsOut: u64 = 0;

  constructor(readonly udp: UdpLayer, readonly port: u16, public handler: UdpHandler) {}

  /** Send `payload` to `dst`:`dstPort` from this socket's port; false if
   * it was dropped (see the layer's counters for why). */
  sendTo(dst: IpAddress, dstPort: u16, payload: Uint8Array): bool {
    return this.udp.send(this, dst, dstPort, payload, NO_MAC);
  }

  /** Answer `d` (received on this socket) with `payload`, to where it
   * came from. `reply(d, d.payload)` echoes in place. */
  reply(d: UdpDatagram, payload: Uint8Array): bool {
    return this.udp.send(this, d.src, d.srcPort, payload, d.linkSrc);
  }

  /** Unbind: the port is free again and its datagrams get port unreachable. */
  close(): void {
    this.udp.unbind(this);
  }
}

export class UdpCounters extends Counters {
  datagramsIn: u64 = 0;
  /** Shorter than a UDP header. */
  dropTruncated: u64 = 0;
  /** Length field under 8 or beyond the IPv4 payload. */
  dropBadLength: u64 = 0;
  dropBadChecksum: u64 = 0;
  /** Destination port 0 (reserved). */
  dropBadPort: u64 = 0;
  /** No socket bound to the destination port. */
  dropNoSocket: u64 = 0;
  datagramsOut: u64 = 0;
  /** Payload over 65507 bytes. */
  dropTooLong: u64 = 0;
  /** IPv4 could not send (no route, ARP queue full, …: see its counters). */
  dropSend: u64 = 0;

  visit(v: CounterVisitor): void {
    v.count("datagramsIn", this.datagramsIn);
    v.count("dropTruncated", this.dropTruncated);
    v.count("dropBadLength", this.dropBadLength);
    v.count("dropBadChecksum", this.dropBadChecksum);
    v.count("dropBadPort", this.dropBadPort);
    v.count("dropNoSocket", this.dropNoSocket);
    v.count("datagramsOut", this.datagramsOut);
    v.count("dropTooLong", this.dropTooLong);
    v.count("dropSend", this.dropSend);

  }
}

export class UdpLayer extends IpProtocol {
  readonly counters: UdpCounters = new UdpCounters();
  private readonly sockets: Map<u16, UdpSocket> = new Map<u16, UdpSocket>();
  private readonly window: Uint8Array = newWindow();
  private readonly packet!: UdpPacket;
  private readonly d: UdpDatagram = new UdpDatagram();
  /** The datagram being delivered (for in-place answers), or null. */
  private current: IpDatagram | null = null;
  /** Outgoing datagrams are built here; grown on demand to the largest
   * sent so far (at most 64 KiB). */
  private tx: Uint8Array = new Uint8Array(HEADROOM + 1472);

  constructor(readonly ip: IpFamilies) {
    super();
    this.packet = new UdpPacket(this.window);
    const layers = ip.all();
    for (let i = 0; i < layers.length; i++) layers[i].register(IP_PROTOCOL_UDP, this);
  }

  /** A socket on local `port` (0: any free dynamic port), or null if the
   * port is taken. */
  bind(port: u16, handler: UdpHandler): UdpSocket | null {
    if (port == 0) port = this.freePort();
    if (port == 0 || this.sockets.has(port)) return null;
    const s = new UdpSocket(this, port, handler);
    this.sockets.set(port, s);
    const layers = this.ip.all();
    for (let i = 0; i < layers.length; i++) layers[i].portOpened(IP_PROTOCOL_UDP, port);
    return s;
  }

  unbind(s: UdpSocket): void {
    if (!this.sockets.has(s.port) || this.sockets.get(s.port) !== s) return;
    this.sockets.delete(s.port);
    const layers = this.ip.all();
    for (let i = 0; i < layers.length; i++) layers[i].portClosed(IP_PROTOCOL_UDP, s.port);
  }

  input(ip: IpDatagram): void {
    const c = this.counters;
    c.datagramsIn++;
    const p = this.packet;
    moveWindow(this.window, ip.buf, ip.l4, ip.len);
    const e = p.check();
    if (e != WireError.Ok) {
      if (e == WireError.Truncated && ip.len >= UDP_HEADER_LEN) c.dropBadLength++;
      else if (e == WireError.Truncated) c.dropTruncated++;
      else c.dropBadLength++;
      return;
    }
    const port = p.dstPort;
    if (port == 0) {
      c.dropBadPort++;
      return;
    }
    const layer = ip.layer!;
    // RFC 8200 §8.1: over IPv6 the checksum is not optional; 0 is refused.
    if (p.checksum == 0 && layer.version == IP_V6) {
      c.dropBadChecksum++;
      return;
    }
    if (!p.verifyWith(layer.pseudoHeaderSum(ip.src, ip.dst, IP_PROTOCOL_UDP, <i32>p.length))) {
      c.dropBadChecksum++;
      return;
    }
    if (!this.sockets.has(port)) {
      c.dropNoSocket++;
      layer.portUnreachable(ip);
      return;
    }
    const s = this.sockets.get(port);
    const d = this.d;
    d.src.set(ip.src);
    d.srcPort = p.srcPort;
    d.dst.set(ip.dst);
    d.dstPort = port;
    d.broadcast = ip.broadcast;
    d.linkSrc = ip.linkSrc;
    // Trailing bytes past the UDP length (Ethernet padding) are not data.
    moveWindow(d.payload, ip.buf, ip.l4 + UDP_HEADER_LEN, <i32>p.length - UDP_HEADER_LEN);
    s.datagramsIn++;
    this.current = ip;
    s.handler.receive(s, d);
    this.current = null;
  }

  /** Send `payload` from `from`'s port to `dst`:`dstPort`; `via` as for
   * Ipv4Layer.send. */
  send(from: UdpSocket, dst: IpAddress, dstPort: u16, payload: Uint8Array, via: MacAddress): bool {
    const c = this.counters;
    const layer = this.ip.layerFor(dst);
    if (layer === null) {
      c.dropSend++;
      return false;
    }
    const n = payload.byteLength;
    if (n > UDP_MAX_PAYLOAD) {
      c.dropTooLong++;
      return false;
    }
    let buf: Uint8Array;
    let l4: i32;
    const cur = this.current;
    if (cur !== null && payload.dataStart == this.d.payload.dataStart && n <= this.d.payload.byteLength) {
      // In place: the received headers are ours to rewrite.
      buf = cur.buf;
      l4 = cur.l4;
    } else {
      buf = this.txBuffer(HEADROOM + n);
      l4 = HEADROOM - UDP_HEADER_LEN;
      memory.copy(buf.dataStart + <usize>HEADROOM, payload.dataStart, n);
    }
    const p = this.packet;
    moveWindow(this.window, buf, l4, UDP_HEADER_LEN + n);
    p.srcPort = from.port;
    p.dstPort = dstPort;
    p.length = <u16>(UDP_HEADER_LEN + n);
    p.fillWith(layer.pseudoHeaderSum(layer.sourceFor(dst), dst, IP_PROTOCOL_UDP, UDP_HEADER_LEN + n));
    if (!layer.send(dst, IP_PROTOCOL_UDP, buf, l4, UDP_HEADER_LEN + n, via, 0)) {
      c.dropSend++;
      return false;
    }
    c.datagramsOut++;
    from.datagramsOut++;
    return true;
  }

  private txBuffer(len: i32): Uint8Array {
    if (this.tx.byteLength < len) this.tx = new Uint8Array(len);
    return this.tx;
  }

  /** A free port among the dynamic ones, from a random start; 0 if none. */
  private freePort(): u16 {
    const start = <i32>(randomU32() % <u32>EPHEMERAL_COUNT);
    for (let i = 0; i < EPHEMERAL_COUNT; i++) {
      const port = <u16>(EPHEMERAL_FIRST + (start + i) % EPHEMERAL_COUNT);
      if (!this.sockets.has(port)) return port;
    }
    return 0;
  }
}
