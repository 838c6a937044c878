// UDP over host sockets, behind the IP seam (net/ip.ts): an IpLayer whose
// "datagrams" are UDP datagrams of the host's sockets. The stack's own
// UdpLayer runs above it unchanged (bind, reply in place, counters): what
// it sends is unwrapped here (its header read for the ports, the payload
// handed to the host), and what the host receives is laid out as the UDP
// layer expects it, a UDP header with checksum 0 ("none", RFC 768) after
// IP_HEADROOM bytes. Only UDP exists here: the host's kernel keeps ICMP,
// ARP and IP to itself.
import { IP_PROTOCOL_UDP, IP_V4, IpAddress, MacAddress, UDP_HEADER_LEN } from "../wire/index";
import { IP_HEADROOM, IpDatagram, IpLayer, IpProtocol } from "../net/ip";
import { UDP_MAX_PAYLOAD } from "../net/udp";
import { hostUdpBind, hostUdpRead, hostUdpSend, hostUdpUnbind } from "./abi";

export class HostIpLayer extends IpLayer {
  private udp: IpProtocol | null = null;
  private readonly rx: Uint8Array = new Uint8Array(IP_HEADROOM + UDP_HEADER_LEN + UDP_MAX_PAYLOAD);
  private readonly d: IpDatagram = new IpDatagram();
  private readonly source: IpAddress;

  constructor(readonly address: u32) {
    super(IP_V4, 0);
    this.source = IpAddress.v4(address);
  }

  register(protocol: u8, handler: IpProtocol): void {
    if (protocol == IP_PROTOCOL_UDP) this.udp = handler;
  }

  get configured(): bool { return true; }
  sourceFor(dst: IpAddress): IpAddress { return this.source; }
  /** Loopback's MTU: the host's kernel fragments what needs it. */
  get mtu(): i32 { return 65535; }
  get tso(): bool { return false; }
  /** The host's kernel computes the checksums. */
  pseudoHeaderSum(src: IpAddress, dst: IpAddress, protocol: u8, length: i32): u64 { return 0; }

  portOpened(protocol: u8, port: u16): void {
    if (protocol == IP_PROTOCOL_UDP) hostUdpBind(port);
  }

  portClosed(protocol: u8, port: u16): void {
    if (protocol == IP_PROTOCOL_UDP) hostUdpUnbind(port);
  }

  send(dst: IpAddress, protocol: u8, buf: Uint8Array, l4: i32, len: i32, via: MacAddress, tsoMss: i32): bool {
    if (protocol != IP_PROTOCOL_UDP || !dst.isV4 || len < UDP_HEADER_LEN) return false;
    const at = buf.dataStart + <usize>l4;
    const srcPort = <i32>bswap(load<u16>(at));
    const dstPort = <i32>bswap(load<u16>(at, 2));
    return hostUdpSend(srcPort, dst.v4, dstPort, at + UDP_HEADER_LEN, len - UDP_HEADER_LEN) == 0;
  }

  reply(d: IpDatagram, protocol: u8, len: i32): bool {
    return this.send(d.src, protocol, d.buf, d.l4, len, 0, 0);
  }

  /** The host's kernel answers for closed ports itself. */
  portUnreachable(d: IpDatagram): void {}

  /** The datagram of the current EVENT_DATAGRAM, for UDP `port` from
   * `from`:`fromPort`, handed to the UDP layer. */
  deliver(port: u16, from: u32, fromPort: u16): void {
    const udp = this.udp;
    const rx = this.rx;
    const n = hostUdpRead(rx.dataStart + <usize>(IP_HEADROOM + UDP_HEADER_LEN), UDP_MAX_PAYLOAD);
    if (udp === null || n < 0 || n > UDP_MAX_PAYLOAD) return;
    const at = rx.dataStart + <usize>IP_HEADROOM;
    store<u16>(at, bswap(fromPort));
    store<u16>(at, bswap(port), 2);
    store<u16>(at, bswap(<u16>(UDP_HEADER_LEN + n)), 4);
    store<u16>(at, 0, 6); // no checksum: the host's kernel checked it
    const d = this.d;
    d.buf = rx;
    d.l3 = IP_HEADROOM;
    d.headerLen = 0;
    d.l4 = IP_HEADROOM;
    d.len = UDP_HEADER_LEN + n;
    d.src.set(IpAddress.v4(from));
    d.dst.set(this.source);
    d.protocol = IP_PROTOCOL_UDP;
    d.ttl = 64;
    d.broadcast = false;
    d.layer = this;
    udp.input(d);
  }
}
