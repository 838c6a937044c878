// The neighbour cache behind ARP: a fixed table of entries, allocated once,
// each either free, being resolved (with the packets waiting for it) or
// resolved (until it expires). Two bounds, kept apart so that neither kind
// can crowd out the other:
//
// - at most `size` resolved entries: a new one takes an expired entry,
//   else the one that expires first;
// - at most `pendingMax` resolutions at once: a new one takes the place of
//   the one begun longest ago, never a resolved entry.
//
// So addresses that never answer (a flood of SYNs from spoofed on-link
// sources, each wanting its SYN-ACK resolved) cannot evict the real
// clients, and cannot stop a new client from being resolved either: its
// resolution starts at once and completes within one round trip, long
// before `pendingMax` newer ones push it out (at 40 spoofed SYNs a second,
// the flood, 32 places last 0.8 s).
import { Ipv4Address, MacAddress } from "../wire/index";

/** "No address": a MacAddress holds 48 bits, so this is never a real one. */
export const NO_MAC: MacAddress = u64.MAX_VALUE;

export enum EntryState { Free, Incomplete, Reachable }

export class ArpEntry {
  state: EntryState = EntryState.Free;
  ip: Ipv4Address = 0;
  mac: MacAddress = 0;
  /** Reachable: when it stops being trusted (monotonic ns). */
  expires: i64 = 0;
  /** Incomplete: requests sent so far, and when the next one is due. */
  tries: i32 = 0;
  nextTry: i64 = 0;
  /** Incomplete: a number that grows with each resolution begun, so that
   * the oldest gives way first. */
  begun: u64 = 0;
  /** Incomplete: packets waiting, oldest first, in a ring. */
  private readonly queue: StaticArray<Uint8Array | null>;
  private head: i32 = 0;
  private count: i32 = 0;

  constructor(queueLen: i32) {
    this.queue = new StaticArray<Uint8Array | null>(queueLen);
  }

  get queued(): i32 {
    return this.count;
  }

  /** Add a packet at the end; when full, the oldest one makes room and is
   * returned (else null). */
  push(packet: Uint8Array): Uint8Array | null {
    const q = this.queue;
    if (q.length == 0) return packet; // no queue at all: refused
    let dropped: Uint8Array | null = null;
    if (this.count == q.length) dropped = this.shift();
    q[(this.head + this.count) % q.length] = packet;
    this.count++;
    return dropped;
  }

  /** Take the oldest packet, or null. */
  shift(): Uint8Array | null {
    if (this.count == 0) return null;
    const q = this.queue;
    const p = q[this.head];
    q[this.head] = null;
    this.head = (this.head + 1) % q.length;
    this.count--;
    return p;
  }

  /** Back to free; the queue must be empty. */
  clear(): void {
    this.state = EntryState.Free;
    this.ip = 0;
    this.mac = 0;
    this.tries = 0;
    this.head = 0;
  }
}

export class ArpCache {
  readonly entries: StaticArray<ArpEntry>;
  // The entry found last: traffic mostly goes to one neighbour (the
  // gateway, or the one peer of a test), so look there first.
  private hint: i32 = 0;
  private nextBegun: u64 = 0;

  /** `size` resolved entries and `pendingMax` resolutions at most. */
  constructor(readonly size: i32, readonly pendingMax: i32, queueLen: i32) {
    const n = size + pendingMax;
    const e = new StaticArray<ArpEntry>(n);
    for (let i = 0; i < n; i++) e[i] = new ArpEntry(queueLen);
    this.entries = e;
  }

  /** The entry for `ip` (being resolved or resolved), or null. */
  find(ip: Ipv4Address): ArpEntry | null {
    const e = this.entries;
    const n = e.length;
    if (n == 0) return null;
    const h = unchecked(e[this.hint]);
    if (h.state != EntryState.Free && h.ip == ip) return h;
    for (let i = 0; i < n; i++) {
      const x = unchecked(e[i]);
      if (x.state != EntryState.Free && x.ip == ip) {
        this.hint = i;
        return x;
      }
    }
    return null;
  }

  /** An entry to begin a resolution in: a free one while fewer than
   * pendingMax resolutions run, else the resolution begun longest ago,
   * which the caller must end first (its packets waited in vain). Never a
   * resolved entry; null only when pendingMax is 0. */
  claimPending(): ArpEntry | null {
    const e = this.entries;
    let free: ArpEntry | null = null;
    let oldest: ArpEntry | null = null;
    let pending = 0;
    for (let i = 0; i < e.length; i++) {
      const x = unchecked(e[i]);
      if (x.state == EntryState.Free) {
        if (free === null) free = x;
      } else if (x.state == EntryState.Incomplete) {
        pending++;
        if (oldest === null || x.begun < oldest.begun) oldest = x;
      }
    }
    const chosen = pending < this.pendingMax && free !== null ? free : oldest;
    if (chosen !== null) chosen.begun = this.nextBegun++;
    return chosen;
  }

  /** An entry for a neighbour learned resolved (RFC 826's merge): a free
   * one while fewer than `size` are resolved, else the resolved entry that
   * expired or expires first, cleared; null when `size` is 0. */
  claimResolved(now: i64): ArpEntry | null {
    if (!this.makeRoom(now)) return null;
    const e = this.entries;
    for (let i = 0; i < e.length; i++) if (unchecked(e[i]).state == EntryState.Free) return unchecked(e[i]);
    return null;
  }

  /** Room for one more resolved entry: when `size` are resolved, the one
   * that expired or expires first is cleared. False when `size` is 0. */
  makeRoom(now: i64): bool {
    const e = this.entries;
    let resolved = 0;
    let first: ArpEntry | null = null;
    for (let i = 0; i < e.length; i++) {
      const x = unchecked(e[i]);
      if (x.state != EntryState.Reachable) continue;
      resolved++;
      if (first === null || x.expires < first.expires) first = x;
    }
    if (resolved < this.size) return true;
    if (first === null) return false;
    first.clear();
    return true;
  }

  /** Entries in use (resolved or being resolved). */
  get used(): i32 {
    let n = 0;
    const e = this.entries;
    for (let i = 0; i < e.length; i++) if (unchecked(e[i]).state != EntryState.Free) n++;
    return n;
  }
}
