// Response rate limiting per source (the idea of BIND's RRL, simplified):
// a token bucket for each /24 of sources, so that spoofed queries cannot
// turn the server into an amplifier aimed at a victim. A bucket holds
// `perSecond` tokens and refills at that rate; a response takes one. Over
// the limit, responses are dropped, except every second one, which goes
// out empty with TC set ("slip"): a real client then retries over TCP,
// which spoofed sources cannot. Buckets live in a fixed table indexed by a
// hash of the prefix; a collision takes the slot over, so memory is
// bounded whatever the sources.
import { SECOND } from "../platform/index";

const SLOTS = 1024;

export enum Verdict { Send = 0, Drop = 1, Slip = 2 }

export class RateLimit {
  private readonly prefix: StaticArray<u32> = new StaticArray<u32>(SLOTS);
  private readonly tokens: StaticArray<i64> = new StaticArray<i64>(SLOTS);
  private readonly stamp: StaticArray<i64> = new StaticArray<i64>(SLOTS);
  private readonly over: StaticArray<u32> = new StaticArray<u32>(SLOTS);
  dropped: u64 = 0;
  slipped: u64 = 0;

  /** `perSecond` responses a second for each /24 of sources. */
  constructor(readonly perSecond: i32) {
    // 1 is no /24 prefix (its low byte is set): every slot starts empty.
    for (let i = 0; i < SLOTS; i++) unchecked(this.prefix[i] = 1);
  }

  check(src: u32, now: i64): Verdict {
    const p = src & 0xffffff00;
    const slot = <i32>((p >> 8) * 2654435761 >> 22) & (SLOTS - 1);
    // Tokens are kept in units of 1/perSecond seconds' worth of nanoseconds.
    const full = <i64>this.perSecond * SECOND;
    if (unchecked(this.prefix[slot]) != p) {
      unchecked(this.prefix[slot] = p);
      unchecked(this.tokens[slot] = full);
      unchecked(this.stamp[slot] = now);
      unchecked(this.over[slot] = 0);
    }
    let t = unchecked(this.tokens[slot]) + (now - unchecked(this.stamp[slot])) * <i64>this.perSecond;
    if (t > full) t = full;
    unchecked(this.stamp[slot] = now);
    if (t >= SECOND) {
      unchecked(this.tokens[slot] = t - SECOND);
      return Verdict.Send;
    }
    unchecked(this.tokens[slot] = t);
    const n = unchecked(this.over[slot]) + 1;
    unchecked(this.over[slot] = n);
    if ((n & 1) == 0) {
      this.slipped++;
      return Verdict.Slip;
    }
    this.dropped++;
    return Verdict.Drop;
  }
}
