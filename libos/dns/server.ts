// The DNS server's transports: UDP on port 53 (this file) and TCP (tcp.ts,
// RFC 7766), both handing each query to the Authority and sending back
// what it wrote. Over UDP the answer is at most the Authority's UDP limit;
// with a rate limit, answers over it are dropped or slipped (TC, no
// records), see ratelimit.ts.
import { now } from "../platform/index";
import { UdpDatagram, UdpHandler, UdpSocket } from "../net/index";
import { moveWindow, newWindow } from "../platform/index";
import { FLAG_TC } from "../wire/index";
import { Authority } from "./authority";
import { RateLimit, Verdict } from "./ratelimit";

export class DnsUdpServer extends UdpHandler {
  private readonly out: Uint8Array;
  private readonly reply: Uint8Array = newWindow();

  constructor(readonly authority: Authority, readonly limit: RateLimit | null = null) {
    super();
    this.out = new Uint8Array(max(authority.maxUdp, 512));
  }

  receive(socket: UdpSocket, d: UdpDatagram): void {
    const q = d.payload;
    // Never answer a broadcast, nor to port 0 (nobody can listen there).
    if (d.broadcast || d.srcPort == 0) return;
    let n = this.authority.answer(q, q.byteLength, this.out, false);
    if (n == 0) return;
    const rl = this.limit;
    if (rl !== null) {
      // Per /24 of IPv4 sources, per /56 of IPv6 ones (a site's usual
      // allocation, RFC 6177): its bits hashed into a key whose low byte,
      // which check() ignores, is zero.
      const v = rl.check(d.src.isV4 ? d.src.v4 : <u32>(((d.src.hi >> 8) * 0x9e3779b97f4a7c15) >> 32) & 0xffffff00, now());
      if (v == Verdict.Drop) return;
      if (v == Verdict.Slip) n = slip(this.out, n);
    }
    socket.reply(d, moveWindow(this.reply, this.out, 0, n));
  }
}

/** Cut an answer to its header and question, TC set: "ask again over
 * TCP". The Authority writes the question uncompressed right after the
 * header, so it ends after the name's root label and type and class. */
function slip(out: Uint8Array, n: i32): i32 {
  let i = 12;
  if (out[5] == 1) {
    while (i < n && out[i] != 0) i += <i32>out[i] + 1;
    i += 5;
  }
  out[2] |= <u8>(FLAG_TC >> 8);
  for (let k = 6; k < 12; k++) out[k] = 0;
  return min(i, n);
}
