// The retransmission timeout (RFC 6298): a smoothed round-trip time and
// its variation from measurements, the timeout derived from them, and its
// exponential backoff. Times are nanoseconds.
import { TcpConfig } from "./config";

/** RFC 6298 §2: G, the clock granularity: our clock is exact to well
 * under a millisecond, so 1 ms stands for it. */
const GRANULARITY: i64 = 1_000_000;

export class RtoEstimator {
  srtt: i64 = 0;
  rttvar: i64 = 0;
  /** The timeout before backoff. */
  base: i64;
  /** Backoffs since the last new acknowledgement (RFC 6298 §5.5). */
  backoff: i32 = 0;
  measured: bool = false;

  constructor(readonly config: TcpConfig) {
    this.base = config.initialRto;
  }

  /** RFC 6298 §2.2 and §2.3: a new round-trip sample `r`. */
  sample(r: i64): void {
    if (r < 0) return;
    if (!this.measured) {
      this.srtt = r;
      this.rttvar = r / 2;
      this.measured = true;
    } else {
      const delta = this.srtt > r ? this.srtt - r : r - this.srtt;
      // beta = 1/4, alpha = 1/8
      this.rttvar = (3 * this.rttvar + delta) / 4;
      this.srtt = (7 * this.srtt + r) / 8;
    }
    const k = 4 * this.rttvar;
    this.base = this.clamp(this.srtt + (k > GRANULARITY ? k : GRANULARITY));
  }

  /** The timeout to arm now: the base, doubled per backoff, capped. */
  get current(): i64 {
    let t = this.base;
    for (let i = 0; i < this.backoff && t < this.config.maxRto; i++) t <<= 1;
    return t > this.config.maxRto ? this.config.maxRto : t;
  }

  /** RFC 6298 §5.5: the timer expired. */
  backOff(): void {
    this.backoff++;
  }

  /** New data was acknowledged: the backoff ends (RFC 6298 §5.7 keeps the
   * doubled value until a new sample, which comes with the same ACK). */
  acked(): void {
    this.backoff = 0;
  }

  private clamp(t: i64): i64 {
    if (t < this.config.minRto) return this.config.minRto;
    if (t > this.config.maxRto) return this.config.maxRto;
    return t;
  }
}
