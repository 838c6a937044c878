// Initial sequence numbers (RFC 6528) and SYN cookies (RFC 4987 §3.6).
//
// ISN = M + F(local address, local port, remote address, remote port,
// secret), M a clock ticking every 4 µs (RFC 6528 §3), F SipHash-2-4 keyed
// with 128 random bits drawn at start: an off-path attacker cannot guess
// the ISN of a connection, yet numbers for one 4-tuple keep increasing, so
// old duplicates of an earlier incarnation do not fall in the window.
//
// A SYN cookie is an ISN that carries what the stack would have kept for a
// SYN it could not keep (its backlog full): the MSS (one of eight values),
// and when the SYN had timestamps, window scale and SACK in the low bits
// of our timestamp (which the peer echoes). Laid out as Linux lays it out:
//
//   cookie = H1(tuple) + peer ISN + (minute << 24)
//            + ((H2(tuple, minute) + mssIndex) mod 2^24)
//
// An ACK carrying cookie + 1 proves the peer got our SYN-ACK; the cookie
// is accepted up to 2 minutes after it was made.
import { randomU64 } from "../../platform/index";
import { IpAddress } from "../../wire/index";

/** SipHash-2-4 (Aumasson and Bernstein) of the 16-byte message m0|m1. */
export function sipHash(k0: u64, k1: u64, m0: u64, m1: u64): u64 {
  let v0: u64 = k0 ^ 0x736f6d6570736575;
  let v1: u64 = k1 ^ 0x646f72616e646f6d;
  let v2: u64 = k0 ^ 0x6c7967656e657261;
  let v3: u64 = k1 ^ 0x7465646279746573;
  // Two message words, then the final word (length 16 in the top byte).
  for (let w = 0; w < 3; w++) {
    const m: u64 = w == 0 ? m0 : w == 1 ? m1 : <u64>16 << 56;
    v3 ^= m;
    for (let r = 0; r < 2; r++) {
      v0 += v1; v1 = rotl<u64>(v1, 13); v1 ^= v0; v0 = rotl<u64>(v0, 32);
      v2 += v3; v3 = rotl<u64>(v3, 16); v3 ^= v2;
      v0 += v3; v3 = rotl<u64>(v3, 21); v3 ^= v0;
      v2 += v1; v1 = rotl<u64>(v1, 17); v1 ^= v2; v2 = rotl<u64>(v2, 32);
    }
    v0 ^= m;
  }
  v2 ^= 0xff;
  for (let r = 0; r < 4; r++) {
    v0 += v1; v1 = rotl<u64>(v1, 13); v1 ^= v0; v0 = rotl<u64>(v0, 32);
    v2 += v3; v3 = rotl<u64>(v3, 16); v3 ^= v2;
    v0 += v3; v3 = rotl<u64>(v3, 21); v3 ^= v0;
    v2 += v1; v1 = rotl<u64>(v1, 17); v1 ^= v2; v2 = rotl<u64>(v2, 32);
  }
  return v0 ^ v1 ^ v2 ^ v3;
}

/** The MSS values a cookie can carry: Linux's four for IPv4 links, and
 * four for larger MTUs (jumbo frames, the 65000 a tap allows), which
 * would otherwise fall back to 1460. */
const COOKIE_MSS: StaticArray<u16> = [536, 1300, 1440, 1460, 4312, 8960, 16344, 64960];
/** A cookie older than this many minutes is refused. */
const COOKIE_MAX_AGE: u32 = 2;
const MINUTE_NS: i64 = 60_000_000_000;

export class IsnGenerator {
  private readonly k0: u64;
  private readonly k1: u64;
  private readonly c0: u64;
  private readonly c1: u64;

  constructor() {
    this.k0 = randomU64();
    this.k1 = randomU64();
    this.c0 = randomU64();
    this.c1 = randomU64();
  }

  /** RFC 6528 §3, for the connection local:lport <-> remote:rport at
   * monotonic time `now` (ns). */
  isn(local: IpAddress, lport: u16, remote: IpAddress, rport: u16, now: i64): u32 {
    return <u32>(now / 4000) + <u32>sipHash(this.k0, this.k1, tuple(local, remote), ports(lport, rport, 0));
  }

  /** The cookie ISN for a SYN with sequence number `peerIsn`, offering
   * `mss`: the largest table value not above it. */
  cookie(local: IpAddress, lport: u16, remote: IpAddress, rport: u16, peerIsn: u32, mss: u16, now: i64): u32 {
    let index = 0;
    for (let i = COOKIE_MSS.length - 1; i >= 0; i--) {
      if (COOKIE_MSS[i] <= mss) { index = i; break; }
    }
    const minute = <u32>(now / MINUTE_NS);
    return this.h1(local, lport, remote, rport) + peerIsn + (minute << 24) +
      ((this.h2(local, lport, remote, rport, minute) + <u32>index) & 0xffffff);
  }

  /** The MSS a cookie carries, if `cookie` (our ACKed ISN) is one we made
   * for `peerIsn` within the last two minutes; 0 otherwise. */
  checkCookie(local: IpAddress, lport: u16, remote: IpAddress, rport: u16, peerIsn: u32, cookie: u32, now: i64): u16 {
    const rest = cookie - this.h1(local, lport, remote, rport) - peerIsn;
    const minute = <u32>(now / MINUTE_NS);
    // The cookie keeps the minute's low 8 bits: its age is their distance.
    const age = (minute - (rest >> 24)) & 0xff;
    if (age > COOKIE_MAX_AGE) return 0;
    const index = (rest - this.h2(local, lport, remote, rport, minute - age)) & 0xffffff;
    return index < <u32>COOKIE_MSS.length ? COOKIE_MSS[index] : 0;
  }

  private h1(local: IpAddress, lport: u16, remote: IpAddress, rport: u16): u32 {
    return <u32>sipHash(this.c0, this.c1, tuple(local, remote), ports(lport, rport, 0));
  }

  private h2(local: IpAddress, lport: u16, remote: IpAddress, rport: u16, minute: u32): u32 {
    return <u32>(sipHash(this.c1, this.c0, tuple(local, remote), ports(lport, rport, minute)) >> 32);
  }
}

/** The addresses as one word: exact for IPv4 (local << 32 | remote);
 * folded for IPv6, under the secret key all the same. */
@inline function tuple(local: IpAddress, remote: IpAddress): u64 {
  return rotl<u64>(local.hash, 32) ^ remote.hash;
}

@inline function ports(lport: u16, rport: u16, extra: u32): u64 {
  return (<u64>lport << 48) | (<u64>rport << 32) | <u64>extra;
}

// Timestamp bits of a cookie (RFC 7323 lets us choose TSval freely): the
// low 5 bits of the TSval we send in a cookie SYN-ACK say what the SYN
// offered, and come back in the ACK's TSecr.
export const TS_COOKIE_BITS: u32 = 5;
const NO_WSCALE: u32 = 0xf;

/** Our TSval for a cookie SYN-ACK at `nowMs`. */
export function cookieTsVal(nowMs: u32, wscale: i32, sack: bool): u32 {
  const ws: u32 = wscale < 0 ? NO_WSCALE : <u32>wscale;
  return (nowMs & ~<u32>0x1f) | ws | (sack ? 0x10 : 0);
}

/** The window shift a cookie's TSecr carries, or -1 for none. */
export function cookieWscale(tsEcr: u32): i32 {
  const ws = tsEcr & 0xf;
  return ws == NO_WSCALE ? -1 : <i32>ws;
}

export function cookieSack(tsEcr: u32): bool {
  return (tsEcr & 0x10) != 0;
}

