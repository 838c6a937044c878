// A token bucket for the ICMP errors a host sends (RFC 1122 §3.2.2 and
// RFC 4443 §2.4 (f): "SHOULD rate-limit"): `burst` errors back to back,
// then one more per `interval`. ICMP (icmp.ts) and ICMPv6 (ipv6/icmp.ts)
// each hold one.
import { now } from "../platform/index";

export class TokenBucket {
  private tokens: i32;
  private refilled: i64 = 0;

  constructor(readonly burst: i32, readonly interval: i64) {
    this.tokens = burst;
  }

  /** Take a token if one is left. */
  take(): bool {
    const t = now();
    const burst = this.burst;
    const interval = this.interval;
    if (this.tokens >= burst) {
      this.refilled = t; // a full bucket does not save up
    } else if (interval > 0) {
      const n = (t - this.refilled) / interval;
      if (n > 0) {
        this.tokens = <i32>min(<i64>burst, <i64>this.tokens + n);
        this.refilled = this.tokens >= burst ? t : this.refilled + n * interval;
      }
    }
    if (this.tokens <= 0) return false;
    this.tokens--;
    return true;
  }
}
