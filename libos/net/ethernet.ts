// The Ethernet layer: takes frames from the link, keeps those addressed to
// us (our MAC or broadcast; IPv6 multicast, 33:33:…, once an IPv6 layer is
// attached: that layer keeps only the groups it joined), hands them to ARP,
// IPv4 or IPv6 by EtherType, and puts the header on the way out. Nothing
// else: no VLANs.
import { FrameReceiver } from "../platform/index";
import {
  ETH_DST, ETH_HEADER_LEN, ETH_SRC, ETH_TYPE, ETHERTYPE_ARP, ETHERTYPE_IPV4, ETHERTYPE_IPV6, MAC_BROADCAST, MacAddress,
  macIsMulticast,
} from "../wire/index";
import { get16, get48, set16, set48 } from "../wire/field";
import { CounterVisitor, Counters } from "../platform/index";
import { Link } from "./link";
import { moveWindow, newWindow } from "./window";

/** A protocol above Ethernet: gets whole frames, header included. */
export interface EtherTypeHandler {
  input(frame: Uint8Array): void;
}

export class EthernetCounters extends Counters {
  framesIn: u64 = 0;
  /** Shorter than an Ethernet header. */
  dropTruncated: u64 = 0;
  /** Addressed to another MAC or to a multicast group. */
  dropNotForUs: u64 = 0;
  /** A multicast or broadcast source: no station sends from a group
   * address (IEEE 802), and answering one would reach the whole group. */
  dropBadSource: u64 = 0;
  /** An EtherType nobody here handles (IPv6, VLAN tags, 802.3 lengths). */
  dropUnknownType: u64 = 0;
  framesOut: u64 = 0;
  /** The link refused a frame. */
  dropLink: u64 = 0;

  visit(v: CounterVisitor): void {
    v.count("framesIn", this.framesIn);
    v.count("dropTruncated", this.dropTruncated);
    v.count("dropNotForUs", this.dropNotForUs);
    v.count("dropBadSource", this.dropBadSource);
    v.count("dropUnknownType", this.dropUnknownType);
    v.count("framesOut", this.framesOut);
    v.count("dropLink", this.dropLink);

  }
}

export class EthernetLayer extends FrameReceiver {
  readonly counters: EthernetCounters = new EthernetCounters();
  readonly mac: MacAddress;
  arp: EtherTypeHandler | null = null;
  ipv4: EtherTypeHandler | null = null;
  ipv6: EtherTypeHandler | null = null;
  private out: Uint8Array = newWindow();

  constructor(readonly link: Link) {
    super();
    this.mac = link.mac;
  }

  /** Whether the link takes TCP segmentation offload frames. */
  get tso(): bool {
    return this.link.tso;
  }

  /** The IP MTU of the link. */
  get mtu(): i32 {
    return this.link.mtu;
  }

  /** One frame from the link (valid only during this call). */
  receive(frame: Uint8Array): void {
    const c = this.counters;
    c.framesIn++;
    if (frame.byteLength < ETH_HEADER_LEN) {
      c.dropTruncated++;
      return;
    }
    const dst = get48(frame, ETH_DST);
    // RFC 2464 §7: IPv6 multicast goes to 33:33 and the group's low 32 bits.
    if (dst != this.mac && dst != MAC_BROADCAST && !((dst >> 32) == 0x3333 && this.ipv6 !== null)) {
      c.dropNotForUs++;
      return;
    }
    if (macIsMulticast(get48(frame, ETH_SRC))) {
      c.dropBadSource++;
      return;
    }
    const type = get16(frame, ETH_TYPE);
    const ipv4 = this.ipv4;
    const arp = this.arp;
    if (type == ETHERTYPE_IPV4 && ipv4 !== null) ipv4.input(frame);
    else if (type == ETHERTYPE_ARP && arp !== null) arp.input(frame);
    else if (type == ETHERTYPE_IPV6 && this.ipv6 !== null) this.ipv6!.input(frame);
    else c.dropUnknownType++;
  }

  /** Write an Ethernet header at `at` in `buf` and send it together with
   * the `len` bytes that follow it. With `tsoMss` > 0, a TCP/IPv4 frame
   * for the link to cut into segments of that many payload bytes (see
   * Link.transmitTso). */
  send(buf: Uint8Array, at: i32, dst: MacAddress, type: u16, len: i32, tsoMss: i32 = 0): bool {
    const frame = moveWindow(this.out, buf, at, ETH_HEADER_LEN + len);
    set48(frame, ETH_DST, dst);
    set48(frame, ETH_SRC, this.mac);
    set16(frame, ETH_TYPE, type);
    if (!(tsoMss > 0 ? this.link.transmitTso(frame, tsoMss) : this.link.transmit(frame))) {
      this.counters.dropLink++;
      return false;
    }
    this.counters.framesOut++;
    return true;
  }
}
