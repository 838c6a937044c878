// The neighbour cache (RFC 4861 §7.3) with Neighbor Unreachability
// Detection: INCOMPLETE (soliciting), REACHABLE (confirmed lately), STALE
// (unconfirmed: used, but checked on first use), DELAY (used while stale:
// wait for upper-layer confirmation), PROBE (unicast solicitations).
//
// Bounded, and not evictable by spoofed sources (the lesson of the ARP
// table, arpcache.ts):
// - entries are made only for addresses we solicit (INCOMPLETE) and for
//   sources of solicitations or advertisements sent to us (STALE,
//   "unconfirmed"): never from an unsolicited advertisement;
// - unconfirmed entries hold at most half the table and make room only by
//   evicting one another (the oldest first), so 10,000 spoofed NS sources
//   churn among themselves and never push out a neighbour that answered us;
// - resolutions in progress are at most `pendingMax`; a new one takes the
//   place of the one begun longest ago.
// Each INCOMPLETE entry queues a few datagrams (the oldest dropped first),
// all queues together at most `queueBytes`.
import { IpAddress, IP_V6, MacAddress } from "../../wire/index";
import { CounterVisitor, Counters, MILLISECOND, SECOND } from "../../platform/index";

/** "No address" (as ARP's NO_MAC: a MAC holds 48 bits). */
export const NO_MAC: MacAddress = u64.MAX_VALUE;

export enum NudState { Free, Incomplete, Reachable, Stale, Delay, Probe }

// RFC 4861 §10 constants.
export const MAX_MULTICAST_SOLICIT = 3;
export const MAX_UNICAST_SOLICIT = 3;
export const REACHABLE_TIME: i64 = 30 * SECOND;
export const RETRANS_TIMER: i64 = 1000 * MILLISECOND;
export const DELAY_FIRST_PROBE_TIME: i64 = 5 * SECOND;

export class Neighbour {
  state: NudState = NudState.Free;
  readonly ip: IpAddress = new IpAddress(IP_V6);
  mac: MacAddress = NO_MAC;
  /** It answered a solicitation of ours once (else it came from a packet
   * anyone could have forged). */
  confirmed: bool = false;
  isRouter: bool = false;
  /** When the state's timer runs out (monotonic ns). */
  deadline: i64 = 0;
  probes: i32 = 0;
  /** Creation order: the smallest goes first. */
  order: u64 = 0;
  /** Datagrams waiting for resolution, oldest first: frames with room for
   * the Ethernet header. */
  queue: Uint8Array[] = [];
}

/** Told what the cache needs done: ND sends the solicitations, IPv6 the
 * datagrams that waited. */
export abstract class NeighbourHost {
  /** Send an NS for `target`: multicast when `mac` is NO_MAC, else unicast. */
  abstract solicit(target: IpAddress, mac: MacAddress): void;
  abstract sendQueued(frame: Uint8Array, mac: MacAddress): void;
  /** Call tick() at `deadline`. */
  abstract wake(deadline: i64): void;
}

export class NeighbourCounters extends Counters {
  created: u64 = 0;
  evictedUnconfirmed: u64 = 0;
  evictedPending: u64 = 0;
  /** Unsolicited information not cached: the table is full of confirmed
   * neighbours. */
  refused: u64 = 0;
  failures: u64 = 0;
  queued: u64 = 0;
  dropQueued: u64 = 0;

  visit(v: CounterVisitor): void {
    v.count("created", this.created);
    v.count("evictedUnconfirmed", this.evictedUnconfirmed);
    v.count("evictedPending", this.evictedPending);
    v.count("refused", this.refused);
    v.count("failures", this.failures);
    v.count("queued", this.queued);
    v.count("dropQueued", this.dropQueued);
  }
}

export class NeighbourCache {
  readonly entries: StaticArray<Neighbour>;
  readonly counters: NeighbourCounters = new NeighbourCounters();
  private nextOrder: u64 = 0;
  private queuedBytes: i32 = 0;

  constructor(
    size: i32,
    readonly pendingMax: i32,
    readonly queueLen: i32,
    readonly queueBytes: i32,
    readonly host: NeighbourHost,
  ) {
    const e = new StaticArray<Neighbour>(size);
    for (let i = 0; i < size; i++) e[i] = new Neighbour();
    this.entries = e;
  }

  find(ip: IpAddress): Neighbour | null {
    const e = this.entries;
    for (let i = 0; i < e.length; i++) {
      const n = unchecked(e[i]);
      if (n.state != NudState.Free && n.ip.equals(ip)) return n;
    }
    return null;
  }

  /** The MAC to send to `ip` now, or NO_MAC: then `frame` (the datagram
   * with its Ethernet header room) waits, if given, and resolution starts.
   * §7.3.3: using a STALE entry moves it to DELAY. */
  lookup(ip: IpAddress, t: i64, frame: Uint8Array | null): MacAddress {
    let n = this.find(ip);
    if (n !== null && n.state != NudState.Incomplete) {
      if (n.state == NudState.Reachable && n.deadline <= t) n.state = NudState.Stale;
      if (n.state == NudState.Stale) this.enter(n, NudState.Delay, t + DELAY_FIRST_PROBE_TIME);
      return n.mac;
    }
    if (n === null) {
      n = this.allocate(true)!;
      n.ip.set(ip);
      n.mac = NO_MAC;
      this.enter(n, NudState.Incomplete, t + RETRANS_TIMER);
      n.probes = 1;
      this.host.solicit(ip, NO_MAC);
    }
    if (frame !== null) this.enqueue(n, frame);
    return NO_MAC;
  }

  /** §7.2.3, §6.3.4: a solicitation or advertisement from `ip` carried its
   * link-layer address: create a STALE entry or update one. */
  heardFrom(ip: IpAddress, mac: MacAddress, t: i64, isRouter: bool): void {
    let n = this.find(ip);
    if (n === null) {
      const m = this.allocate(false);
      if (m === null) {
        this.counters.refused++;
        return;
      }
      n = m;
      n.ip.set(ip);
      n.mac = mac;
      n.isRouter = isRouter;
      this.enter(n, NudState.Stale, 0);
      return;
    }
    if (isRouter) n.isRouter = true;
    if (n.state == NudState.Incomplete) {
      n.mac = mac;
      this.enter(n, NudState.Stale, 0);
      this.flush(n);
    } else if (n.mac != mac) {
      n.mac = mac;
      this.enter(n, NudState.Stale, 0);
    }
  }

  /** §7.2.5: an advertisement for `ip` (`mac` NO_MAC when it had no
   * target link-layer option). */
  advertised(ip: IpAddress, mac: MacAddress, router: bool, solicited: bool, overrides: bool, t: i64): void {
    const n = this.find(ip);
    if (n === null) return; // never created from an advertisement
    if (n.state == NudState.Incomplete) {
      if (mac == NO_MAC) return;
      n.mac = mac;
      n.isRouter = router;
      if (solicited) n.confirmed = true;
      this.enter(n, solicited ? NudState.Reachable : NudState.Stale, t + REACHABLE_TIME);
      this.flush(n);
      return;
    }
    const differs = mac != NO_MAC && mac != n.mac;
    if (!overrides && differs) {
      if (n.state == NudState.Reachable) this.enter(n, NudState.Stale, 0);
      return;
    }
    if (differs) n.mac = mac;
    n.isRouter = router;
    if (solicited) {
      n.confirmed = true;
      this.enter(n, NudState.Reachable, t + REACHABLE_TIME);
    } else if (differs) {
      this.enter(n, NudState.Stale, 0);
    }
  }

  /** Run the timers due at `t`; the earliest deadline left. */
  tick(t: i64): i64 {
    let next = i64.MAX_VALUE;
    const e = this.entries;
    for (let i = 0; i < e.length; i++) {
      const n = e[i];
      if (n.state == NudState.Free || n.state == NudState.Stale) continue;
      if (n.deadline <= t) this.expire(n, t);
      if (n.state != NudState.Free && n.state != NudState.Stale && n.state != NudState.Reachable && n.deadline < next) {
        next = n.deadline;
      }
    }
    return next;
  }

  private expire(n: Neighbour, t: i64): void {
    switch (n.state) {
      case NudState.Reachable:
        n.state = NudState.Stale;
        break;
      case NudState.Delay:
        this.enter(n, NudState.Probe, t + RETRANS_TIMER);
        n.probes = 1;
        this.host.solicit(n.ip, n.mac);
        break;
      case NudState.Incomplete:
      case NudState.Probe: {
        const max = n.state == NudState.Incomplete ? MAX_MULTICAST_SOLICIT : MAX_UNICAST_SOLICIT;
        if (n.probes >= max) {
          this.counters.failures++;
          this.free(n);
          break;
        }
        n.probes++;
        n.deadline = t + RETRANS_TIMER;
        this.host.solicit(n.ip, n.state == NudState.Incomplete ? NO_MAC : n.mac);
        break;
      }
      default:
    }
  }

  private enter(n: Neighbour, s: NudState, deadline: i64): void {
    n.state = s;
    n.deadline = deadline;
    if (s == NudState.Incomplete || s == NudState.Delay || s == NudState.Probe) this.host.wake(deadline);
  }

  /** A free entry, for a resolution we start (`pending`) or for what a
   * packet told us; null only for the latter when every entry is taken
   * by a confirmed or pending neighbour. */
  private allocate(pending: bool): Neighbour | null {
    const e = this.entries;
    let free: Neighbour | null = null;
    let unconfirmed = 0;
    let pendingCount = 0;
    let oldestUnconfirmed: Neighbour | null = null;
    let oldestPending: Neighbour | null = null;
    let oldestConfirmed: Neighbour | null = null;
    for (let i = 0; i < e.length; i++) {
      const n = e[i];
      if (n.state == NudState.Free) {
        if (free === null) free = n;
      } else if (n.state == NudState.Incomplete) {
        pendingCount++;
        if (oldestPending === null || n.order < oldestPending.order) oldestPending = n;
      } else if (!n.confirmed) {
        unconfirmed++;
        if (oldestUnconfirmed === null || n.order < oldestUnconfirmed.order) oldestUnconfirmed = n;
      } else if (oldestConfirmed === null || n.order < oldestConfirmed.order) {
        oldestConfirmed = n;
      }
    }
    let victim: Neighbour | null = null;
    if (pending) {
      if (pendingCount >= this.pendingMax) {
        victim = oldestPending;
        this.counters.evictedPending++;
      } else if (free === null) {
        victim = oldestUnconfirmed !== null ? oldestUnconfirmed : oldestConfirmed !== null ? oldestConfirmed : oldestPending;
      }
    } else if (unconfirmed >= e.length / 2 || free === null) {
      victim = oldestUnconfirmed;
      if (victim === null) return null;
      this.counters.evictedUnconfirmed++;
    }
    let n: Neighbour;
    if (victim !== null) {
      this.free(victim);
      n = victim;
    } else {
      n = free!;
    }
    n.order = this.nextOrder++;
    n.confirmed = false;
    n.isRouter = false;
    this.counters.created++;
    return n;
  }

  private enqueue(n: Neighbour, frame: Uint8Array): void {
    const q = n.queue;
    while (q.length > 0 && (q.length >= this.queueLen || this.queuedBytes + frame.byteLength > this.queueBytes)) {
      this.queuedBytes -= q.shift().byteLength;
      this.counters.dropQueued++;
    }
    if (this.queuedBytes + frame.byteLength > this.queueBytes || this.queueLen == 0) {
      this.counters.dropQueued++;
      return;
    }
    q.push(frame);
    this.queuedBytes += frame.byteLength;
    this.counters.queued++;
  }

  private flush(n: Neighbour): void {
    const q = n.queue;
    n.queue = [];
    for (let i = 0; i < q.length; i++) {
      this.queuedBytes -= q[i].byteLength;
      this.host.sendQueued(q[i], n.mac);
    }
  }

  private free(n: Neighbour): void {
    for (let i = 0; i < n.queue.length; i++) {
      this.queuedBytes -= n.queue[i].byteLength;
      this.counters.dropQueued++;
    }
    n.queue = [];
    n.state = NudState.Free;
    n.mac = NO_MAC;
  }
}
