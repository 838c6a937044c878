// The sender's SACK scoreboard (RFC 2018, RFC 6675 §3): which bytes above
// SND.UNA the peer says it holds, as a short sorted list of disjoint
// ranges in sequence space. Loss recovery (congestion.ts) retransmits the
// holes between them instead of everything after SND.UNA.
import { seqGt, seqLe, seqLt, seqMax, seqMin } from "./seq";

/** Ranges kept; a peer reports at most 4 per segment, and older ranges
 * beyond this many are forgotten (which only costs a retransmission). */
const MAX_SACKED = 16;

export class SackScoreboard {
  readonly lo: StaticArray<u32> = new StaticArray<u32>(MAX_SACKED);
  readonly hi: StaticArray<u32> = new StaticArray<u32>(MAX_SACKED);
  count: i32 = 0;
  /** Bytes in all ranges. */
  sacked: u32 = 0;

  clear(): void {
    this.count = 0;
    this.sacked = 0;
  }

  /** The highest sequence number the peer holds, or `una` with no ranges. */
  highest(una: u32): u32 {
    return this.count > 0 ? unchecked(this.hi[this.count - 1]) : una;
  }

  /** Forget what is at or below SND.UNA (it is acknowledged). */
  advance(una: u32): void {
    let drop = 0;
    while (drop < this.count && seqLe(unchecked(this.hi[drop]), una)) drop++;
    if (drop > 0) this.remove(0, drop);
    if (this.count > 0 && seqLt(unchecked(this.lo[0]), una)) unchecked(this.lo[0] = una);
    this.recount();
  }

  /** Add a block [l, h) reported by the peer, if it lies within
   * (una, max]: anything else is stale or bogus (RFC 2018 §4 asks for
   * nothing more; RFC 6675 §5.1 ignores them). */
  add(l: u32, h: u32, una: u32, max: u32): void {
    if (!seqLt(l, h) || seqLe(h, una) || seqGt(h, max)) return;
    if (seqLt(l, una)) l = una;
    // First range ending at or after l.
    let i = 0;
    while (i < this.count && seqLt(unchecked(this.hi[i]), l)) i++;
    let j = i;
    while (j < this.count && seqLe(unchecked(this.lo[j]), h)) {
      l = seqMin(l, unchecked(this.lo[j]));
      h = seqMax(h, unchecked(this.hi[j]));
      j++;
    }
    if (j > i) {
      this.remove(i + 1, j - i - 1);
    } else {
      if (this.count == MAX_SACKED) {
        // Full: keep the lower ranges, which recovery needs first.
        if (i == this.count) return;
        this.count--;
      }
      for (let k = this.count; k > i; k--) {
        unchecked(this.lo[k] = this.lo[k - 1]);
        unchecked(this.hi[k] = this.hi[k - 1]);
      }
      this.count++;
    }
    unchecked(this.lo[i] = l);
    unchecked(this.hi[i] = h);
    this.recount();
  }

  /** Whether the byte at `seq` is held by the peer. */
  isSacked(seq: u32): bool {
    for (let i = 0; i < this.count; i++) {
      if (seqLt(seq, unchecked(this.lo[i]))) return false;
      if (seqLt(seq, unchecked(this.hi[i]))) return true;
    }
    return false;
  }

  /** The first byte at or after `from` that is not held but lies below
   * some held byte (a hole, RFC 6675 NextSeg rule 1), or `from` itself
   * when there is none: check with `holeEnd`. */
  nextHole(from: u32): u32 {
    let s = from;
    for (let i = 0; i < this.count; i++) {
      if (seqLt(s, unchecked(this.lo[i]))) return s;
      s = seqMax(s, unchecked(this.hi[i]));
    }
    return s;
  }

  /** Where the hole starting at `seq` ends (the next held byte), or `seq`
   * when `seq` is not in a hole below the highest held byte. */
  holeEnd(seq: u32): u32 {
    for (let i = 0; i < this.count; i++) {
      const l = unchecked(this.lo[i]);
      if (seqLt(seq, l)) return l;
      if (seqLt(seq, unchecked(this.hi[i]))) return seq;
    }
    return seq;
  }

  /** Bytes not held in holes from `from` up to the highest held byte. */
  holeBytes(from: u32): u32 {
    let total: u32 = 0;
    let s = from;
    for (let i = 0; i < this.count; i++) {
      const l = unchecked(this.lo[i]);
      const h = unchecked(this.hi[i]);
      if (seqLt(s, l)) total += l - s;
      if (seqGt(h, s)) s = h;
    }
    return total;
  }

  private remove(at: i32, n: i32): void {
    if (n <= 0) return;
    for (let k = at; k + n < this.count; k++) {
      unchecked(this.lo[k] = this.lo[k + n]);
      unchecked(this.hi[k] = this.hi[k + n]);
    }
    this.count -= n;
  }

  private recount(): void {
    let total: u32 = 0;
    for (let i = 0; i < this.count; i++) total += unchecked(this.hi[i]) - unchecked(this.lo[i]);
    this.sacked = total;
  }
}
