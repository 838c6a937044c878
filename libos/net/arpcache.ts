// The neighbour cache behind ARP: a fixed table of entries, allocated once,
// each either free, being resolved (with the packets waiting for it) or
// resolved (until it expires). A full table reuses an expired entry, else
// the resolved entry updated longest ago; entries being resolved are never
// taken, so a flood of lookups cannot starve the ones already waiting.
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

  constructor(size: i32, queueLen: i32) {
    const e = new StaticArray<ArpEntry>(size);
    for (let i = 0; i < size; i++) e[i] = new ArpEntry(queueLen);
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

  /** An entry to (re)use for a new address: a free one, else an expired
   * one, else the resolved one that expires first; null when every entry
   * is being resolved. The caller sets it up. */
  claim(now: i64): ArpEntry | null {
    const e = this.entries;
    let oldest: ArpEntry | null = null;
    for (let i = 0; i < e.length; i++) {
      const x = unchecked(e[i]);
      if (x.state == EntryState.Free) return x;
      if (x.state == EntryState.Reachable) {
        if (x.expires <= now) return x;
        if (oldest === null || x.expires < oldest.expires) oldest = x;
      }
    }
    return oldest;
  }

  /** Entries in use (resolved or being resolved). */
  get used(): i32 {
    let n = 0;
    const e = this.entries;
    for (let i = 0; i < e.length; i++) if (unchecked(e[i]).state != EntryState.Free) n++;
    return n;
  }
}
