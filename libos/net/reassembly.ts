// IPv4 reassembly (RFC 791 §3.2, RFC 1122 §3.3.2), and IPv6's (RFC 8200
// §4.5) with the same bounds and code: the layer says its header length
// and fixes its own header up (ReassemblyHost.fixHeader). Bounded:
//
// - at most `reassemblySlots` datagrams at once (a new one evicts the one
//   begun longest ago), each at most `reassemblyMaxDatagram` bytes with
//   at most `reassemblyMaxFragments` separate runs of data (a fragment
//   that touches a run joins it, so a 1000-byte ping in 8-byte fragments
//   takes one run, as Linux reassembles it), all buffers together at most
//   `reassemblyTotalBytes` (older datagrams are evicted to make room);
// - a datagram not complete `reassemblyTimeout` after its first fragment
//   arrived is dropped, and if its first fragment was in, the source is told
//   with an ICMP time exceeded (RFC 1122 §3.3.2 MUST);
// - a fragment that lies within data already received and repeats it
//   byte for byte is ignored (links and retransmitting routers duplicate);
//   any other overlap drops the whole datagram: overlaps serve only
//   attacks that hope two stacks reassemble differently (RFC 5722's rule
//   for IPv6, and what Linux does for IPv4);
// - fragments other than the last must carry a multiple of 8 bytes, and no
//   fragment may reach past the end the last one declared.
//
// A datagram is assembled in a buffer laid out like a received frame: 14
// bytes for the Ethernet header of its first fragment, a 20-byte IPv4
// header (the first fragment's, options left out; for IPv6 the 40-byte
// fixed header, extension headers left out), then the data, so that
// the layers above treat it like any frame and can answer it in place.
import { CounterVisitor, Counters } from "../platform/index";
import { Limits } from "./config";
import { Timer, now } from "../platform/index";
import { ETH_HEADER_LEN } from "../wire/index";
/** The smallest buffer worth growing by (a 4000-byte ping fits at once). */
const MIN_CAPACITY = 4096;

/** Where whole datagrams (and timed-out ones) go: IPv4 and IPv6 implement it. */
export interface ReassemblyHost {
  /** Make the IP header at 14 of `buf` the header of a datagram of
   * `dataLen` data bytes: whole (`complete`: no fragment fields left), or
   * only begun (a copy of the first fragment's, kept to be quoted). */
  fixHeader(buf: Uint8Array, dataLen: i32, complete: bool): void;
  /** A complete datagram: its IP packet is `buf` [14, len). */
  reassembled(buf: Uint8Array, len: i32): void;
  /** Dropped after the timeout with its first fragment in: `buf` holds the
   * first fragment's headers and `dataLen` bytes of data after them. */
  timedOut(buf: Uint8Array, dataLen: i32): void;
}

export class ReassemblyCounters extends Counters {
  fragmentsIn: u64 = 0;
  reassembled: u64 = 0;
  /** Exact repeats of a fragment already in, ignored. */
  duplicates: u64 = 0;
  /** Empty, or not the last and not a multiple of 8 bytes. */
  dropMalformed: u64 = 0;
  /** Contradicts the end the last fragment declared. */
  dropInconsistent: u64 = 0;
  /** Overlaps another fragment (the datagram is dropped). */
  dropOverlap: u64 = 0;
  /** The datagram would be longer than the limit. */
  dropTooBig: u64 = 0;
  dropTooManyFragments: u64 = 0;
  /** Datagrams evicted for a newer one (slots or bytes exhausted). */
  dropEvicted: u64 = 0;
  /** Datagrams still incomplete at the timeout. */
  dropTimeout: u64 = 0;

  visit(v: CounterVisitor): void {
    v.count("fragmentsIn", this.fragmentsIn);
    v.count("reassembled", this.reassembled);
    v.count("duplicates", this.duplicates);
    v.count("dropMalformed", this.dropMalformed);
    v.count("dropInconsistent", this.dropInconsistent);
    v.count("dropOverlap", this.dropOverlap);
    v.count("dropTooBig", this.dropTooBig);
    v.count("dropTooManyFragments", this.dropTooManyFragments);
    v.count("dropEvicted", this.dropEvicted);
    v.count("dropTimeout", this.dropTimeout);

  }
}

class Slot {
  used: bool = false;
  /** Source and destination: an IPv4 address in the low word, hi 0. */
  srcHi: u64 = 0;
  srcLo: u64 = 0;
  dstHi: u64 = 0;
  dstLo: u64 = 0;
  ident: u32 = 0;
  protocol: u8 = 0;
  buf: Uint8Array | null = null;
  /** Data length, known once the last fragment is in; else -1. */
  end: i32 = -1;
  /** Data bytes in (runs never overlap, so complete when == end). */
  received: i32 = 0;
  haveFirst: bool = false;
  deadline: i64 = 0;
  /** Creation order: the smallest is evicted first. */
  order: u64 = 0;
  /** The byte ranges received, [starts[i], ends[i]): one per run of
   * fragments that touch, not sorted. */
  count: i32 = 0;
  readonly starts: StaticArray<i32>;
  readonly ends: StaticArray<i32>;

  constructor(maxFragments: i32, readonly headroom: i32) {
    this.starts = new StaticArray<i32>(maxFragments);
    this.ends = new StaticArray<i32>(maxFragments);
  }

  get capacity(): i32 {
    const b = this.buf;
    return b === null ? 0 : b.byteLength - this.headroom;
  }

  matches(k: FragmentKey): bool {
    return this.used && this.ident == k.ident && this.srcLo == k.srcLo && this.dstLo == k.dstLo &&
      this.srcHi == k.srcHi && this.dstHi == k.dstHi && this.protocol == k.protocol;
  }
}

class ReassemblyTimer extends Timer {
  constructor(readonly r: Reassembly) { super(); }
  fire(time: i64): void { this.r.expire(time); }
}

/** What identifies the fragments of one datagram (RFC 791 §3.2; RFC 8200
 * §4.5 has no protocol in it: IPv6 passes 0). Filled by the caller, read
 * during input only. */
export class FragmentKey {
  srcHi: u64 = 0;
  srcLo: u64 = 0;
  dstHi: u64 = 0;
  dstLo: u64 = 0;
  ident: u32 = 0;
  protocol: u8 = 0;
}

export class Reassembly {
  readonly counters: ReassemblyCounters = new ReassemblyCounters();
  private readonly slots: StaticArray<Slot>;
  private readonly timer!: ReassemblyTimer;
  /** Bytes in front of the data: the Ethernet and IP headers. */
  private readonly headroom: i32;
  /** Buffer bytes held by all slots. */
  private bytes: i32 = 0;
  private nextOrder: u64 = 0;

  /** `headerLen`: the IP header kept in front of the data (IPv4 20, IPv6 40). */
  constructor(readonly limits: Limits, readonly host: ReassemblyHost, readonly headerLen: i32 = 20) {
    const n = limits.reassemblySlots;
    const headroom = ETH_HEADER_LEN + headerLen;
    this.headroom = headroom;
    const slots = new StaticArray<Slot>(n);
    for (let i = 0; i < n; i++) slots[i] = new Slot(limits.reassemblyMaxFragments, headroom);
    this.slots = slots;
    this.timer = new ReassemblyTimer(this);
  }

  /** Buffer bytes held now. */
  get heldBytes(): i32 {
    return this.bytes;
  }

  /** Datagrams being reassembled now. */
  get pending(): i32 {
    let n = 0;
    for (let i = 0; i < this.slots.length; i++) if (this.slots[i].used) n++;
    return n;
  }

  /** One fragment: a checked IP packet at `l3` of `frame` whose data
   * starts `hl` bytes in and ends at `total`, for us. */
  input(frame: Uint8Array, l3: i32, hl: i32, total: i32, key: FragmentKey, offset: i32, more: bool): void {
    const c = this.counters;
    c.fragmentsIn++;
    const n = total - hl;
    const end = offset + n;
    // RFC 791 §3.2: every fragment but the last carries a multiple of 8.
    if (n == 0 || (more && (n & 7) != 0)) {
      c.dropMalformed++;
      return;
    }
    let s = this.find(key);
    if (this.headerLen + end > this.limits.reassemblyMaxDatagram) {
      c.dropTooBig++;
      if (s !== null) this.free(s);
      return;
    }
    const t = now();
    if (s === null) s = this.open(key, t);
    // The last fragment fixes the end; nothing may reach past it.
    if (!more) {
      if ((s.end >= 0 && s.end != end) || this.furthest(s) > end) {
        c.dropInconsistent++;
        this.free(s);
        return;
      }
    } else if (s.end >= 0 && end >= s.end) {
      c.dropInconsistent++;
      this.free(s);
      return;
    }
    const held = s.buf;
    let left = -1;
    let right = -1;
    for (let i = 0; i < s.count; i++) {
      const a = s.starts[i];
      const b = s.ends[i];
      if (a <= offset && end <= b && held !== null &&
        memory.compare(held.dataStart + <usize>(this.headroom + offset), frame.dataStart + <usize>(l3 + hl), n) == 0) {
        c.duplicates++;
        return;
      }
      if (offset < b && a < end) {
        c.dropOverlap++;
        this.free(s);
        return;
      }
      if (b == offset) left = i;
      if (a == end) right = i;
    }
    if (left < 0 && right < 0 && s.count == s.starts.length) {
      c.dropTooManyFragments++;
      this.free(s);
      return;
    }
    if (!this.reserve(s, end, more)) return;
    if (!more) s.end = end;
    const buf = s.buf!;
    memory.copy(buf.dataStart + <usize>(this.headroom + offset), frame.dataStart + <usize>(l3 + hl), n);
    this.addRun(s, offset, end, left, right);
    s.received += n;
    if (offset == 0) this.keepHeaders(s, frame, l3, end);
    if (s.end >= 0 && s.received == s.end) this.complete(s);
  }

  /** Drop the datagrams whose time is up (called by the timer). */
  expire(time: i64): void {
    for (let i = 0; i < this.slots.length; i++) {
      const s = this.slots[i];
      if (!s.used || s.deadline > time) continue;
      this.counters.dropTimeout++;
      const buf = s.buf;
      const first = s.haveFirst ? this.contiguous(s) : 0;
      this.free(s);
      if (buf !== null && first > 0) this.host.timedOut(buf, first);
    }
    this.arm();
  }

  private find(key: FragmentKey): Slot | null {
    for (let i = 0; i < this.slots.length; i++) {
      const s = unchecked(this.slots[i]);
      if (s.matches(key)) return s;
    }
    return null;
  }

  /** A slot for a new datagram: a free one, else the oldest, evicted. */
  private open(key: FragmentKey, t: i64): Slot {
    let s: Slot | null = null;
    for (let i = 0; i < this.slots.length && s === null; i++) {
      if (!this.slots[i].used) s = this.slots[i];
    }
    if (s === null) {
      s = this.oldest(null)!;
      this.counters.dropEvicted++;
      this.free(s);
    }
    s.used = true;
    s.srcHi = key.srcHi;
    s.srcLo = key.srcLo;
    s.dstHi = key.dstHi;
    s.dstLo = key.dstLo;
    s.ident = key.ident;
    s.protocol = key.protocol;
    s.end = -1;
    s.received = 0;
    s.count = 0;
    s.haveFirst = false;
    s.deadline = t + this.limits.reassemblyTimeout;
    s.order = this.nextOrder++;
    this.arm();
    return s;
  }

  /** The used slot begun longest ago, other than `except`. */
  private oldest(except: Slot | null): Slot | null {
    let o: Slot | null = null;
    for (let i = 0; i < this.slots.length; i++) {
      const s = this.slots[i];
      if (s.used && s !== except && (o === null || s.order < o.order)) o = s;
    }
    return o;
  }

  /** Room for data up to `end` in `s`'s buffer, within the total; older
   * datagrams are evicted for it. False (and `s` dropped) if impossible. */
  private reserve(s: Slot, end: i32, more: bool): bool {
    const cap = s.capacity;
    if (end <= cap) return true;
    const limit = this.limits.reassemblyMaxDatagram - this.headerLen;
    // A last fragment tells the size; otherwise grow geometrically.
    let want = more ? max(end, max(cap * 2, MIN_CAPACITY)) : end;
    if (want > limit) want = limit;
    const old = s.buf;
    const grow = this.headroom + want - (old === null ? 0 : old.byteLength);
    while (this.bytes + grow > this.limits.reassemblyTotalBytes) {
      const victim = this.oldest(s);
      if (victim === null) {
        this.counters.dropEvicted++;
        this.free(s);
        return false;
      }
      this.counters.dropEvicted++;
      this.free(victim);
    }
    const bigger = new Uint8Array(this.headroom + want);
    if (old !== null) memory.copy(bigger.dataStart, old.dataStart, old.byteLength);
    s.buf = bigger;
    this.bytes += grow;
    return true;
  }

  /** Keep the first fragment's Ethernet header (where answers go) and its
   * IP header without options, made right by the host so that it can be
   * quoted in an ICMP error as it is. */
  private keepHeaders(s: Slot, frame: Uint8Array, l3: i32, end: i32): void {
    const buf = s.buf!;
    memory.copy(buf.dataStart, frame.dataStart + <usize>(l3 - ETH_HEADER_LEN), this.headroom);
    this.host.fixHeader(buf, end, false);
    s.haveFirst = true;
  }

  /** Record [start, end): it joins the run ending at its start (`left`)
   * and the one starting at its end (`right`), or is a run of its own. */
  private addRun(s: Slot, start: i32, end: i32, left: i32, right: i32): void {
    if (left >= 0 && right >= 0) {
      s.ends[left] = s.ends[right];
      s.count--;
      s.starts[right] = s.starts[s.count];
      s.ends[right] = s.ends[s.count];
    } else if (left >= 0) {
      s.ends[left] = end;
    } else if (right >= 0) {
      s.starts[right] = start;
    } else {
      s.starts[s.count] = start;
      s.ends[s.count] = end;
      s.count++;
    }
  }

  private complete(s: Slot): void {
    const buf = s.buf!;
    const len = this.headerLen + s.end;
    this.host.fixHeader(buf, s.end, true);
    this.counters.reassembled++;
    this.free(s);
    this.host.reassembled(buf, ETH_HEADER_LEN + len);
  }

  private free(s: Slot): void {
    const b = s.buf;
    if (b !== null) this.bytes -= b.byteLength;
    s.buf = null;
    s.used = false;
    s.count = 0;
    this.arm();
  }

  /** The end of the largest fragment end seen so far. */
  private furthest(s: Slot): i32 {
    let m = 0;
    for (let i = 0; i < s.count; i++) if (s.ends[i] > m) m = s.ends[i];
    return m;
  }

  /** Data bytes in without a gap from offset 0. */
  private contiguous(s: Slot): i32 {
    let reach = 0;
    let moved = true;
    while (moved) {
      moved = false;
      for (let i = 0; i < s.count; i++) {
        if (s.starts[i] == reach) {
          reach = s.ends[i];
          moved = true;
        }
      }
    }
    return reach;
  }

  private arm(): void {
    let next = i64.MAX_VALUE;
    for (let i = 0; i < this.slots.length; i++) {
      const s = this.slots[i];
      if (s.used && s.deadline < next) next = s.deadline;
    }
    if (next == i64.MAX_VALUE) this.timer.cancel();
    else if (!this.timer.armed || this.timer.deadline != next) this.timer.armAt(next);
  }
}
