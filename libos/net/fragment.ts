// Fragmentation of outgoing datagrams larger than the link's MTU (RFC 791
// §3.2, "An Example Fragmentation Procedure"), in place and without
// allocating: fragment k's headers are written over the 34 bytes just in
// front of its data (the tail of fragment k-1, already sent), and those
// bytes are put back once the fragment is out. Every fragment but the last
// carries the largest multiple of 8 data bytes that fits the MTU; all
// carry the datagram's identification and a copy of its 20-byte header.
import { ETH_HEADER_LEN, ETHERTYPE_IPV4, IPV4_HEADER_LEN, Ipv4Packet, MacAddress } from "../wire/index";
import { EthernetLayer } from "./ethernet";
import { moveWindow, newWindow } from "./window";

const HEADERS = ETH_HEADER_LEN + IPV4_HEADER_LEN;

export class Fragmenter {
  private readonly window: Uint8Array = newWindow();
  private readonly header!: Ipv4Packet;
  /** The datagram's own header, copied to each fragment. */
  private readonly original: usize = memory.data(IPV4_HEADER_LEN);
  /** The bytes a fragment's headers cover while it is sent. */
  private readonly saved: usize = memory.data(HEADERS);

  constructor(readonly ethernet: EthernetLayer) {
    this.header = new Ipv4Packet(this.window);
  }

  /** Send the datagram at `l3` of `buf` (a 20-byte header, `len` bytes in
   * all, not itself a fragment, DF clear) in fragments of at most `mtu`
   * bytes to `mac`; the number of fragments sent, 0 if the MTU cannot hold
   * 8 bytes of data. On return `buf` holds the datagram again, but for the
   * header, which is the first fragment's. */
  send(buf: Uint8Array, l3: i32, len: i32, mac: MacAddress, mtu: i32): i32 {
    const chunk = (mtu - IPV4_HEADER_LEN) & ~7;
    if (chunk <= 0) return 0;
    const data = l3 + IPV4_HEADER_LEN;
    const dataLen = len - IPV4_HEADER_LEN;
    memory.copy(this.original, buf.dataStart + <usize>l3, IPV4_HEADER_LEN);
    let sent = 0;
    for (let off = 0; off < dataLen; off += chunk) {
      const n = min(chunk, dataLen - off);
      const at = data + off - HEADERS; // where this fragment's frame starts
      const p = buf.dataStart + <usize>at;
      if (off > 0) memory.copy(this.saved, p, HEADERS);
      memory.copy(p + ETH_HEADER_LEN, this.original, IPV4_HEADER_LEN);
      const h = this.header;
      moveWindow(this.window, buf, at + ETH_HEADER_LEN, IPV4_HEADER_LEN);
      h.totalLen = <u16>(IPV4_HEADER_LEN + n);
      h.setFragment(false, off + n < dataLen, off);
      h.fillChecksum();
      if (this.ethernet.send(buf, at, mac, ETHERTYPE_IPV4, IPV4_HEADER_LEN + n)) sent++;
      if (off > 0) memory.copy(p, this.saved, HEADERS);
    }
    return sent;
  }
}
