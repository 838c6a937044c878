// ARP (RFC 826) for our one IPv4 address on Ethernet.
//
// - Answers requests for our address, in place in the received frame.
// - Learns by RFC 826's merge rule: a sender already in the cache is
//   updated by any ARP packet; a new sender is added only when it asks for
//   our address (so that we can answer what it sends next without asking
//   back), never from an unsolicited reply.
// - Resolves addresses for IPv4: a request at once, again every
//   `arpRetryInterval` up to `arpTries` requests (RFC 1122 §2.3.2.1: at
//   most one per second per address), then gives up and drops what waited.
//   Packets wait in a bounded queue per address (the oldest goes first)
//   and in total (`arpQueueBytes`).
// - Announces our address at start with gratuitous ARP requests (RFC 5227
//   §3: sender and target address both ours), and defends it when another
//   host claims it (RFC 5227 §2.4 (c), for an address that must not be
//   given up: one announcement per DEFEND_INTERVAL at most).
// - The cache bounds resolved entries and resolutions in progress apart
//   (arpcache.ts), so addresses that never answer cannot evict real
//   neighbours nor keep a new one from being resolved.
// - Resolved entries are trusted for `arpTimeout`, then resolved again.
// Sizes are in Limits (config.ts).
import { Level, Logger, Timer, now, SECOND } from "../platform/index";
import {
  ARP_LEN, ArpOperation, ArpPacket, ETH_HEADER_LEN, ETHERTYPE_ARP, Ipv4Address, MAC_BROADCAST,
  MacAddress, WireError, ipv4ToString, macIsMulticast, macToString,
} from "../wire/index";
import { ArpCache, ArpEntry, EntryState, NO_MAC } from "./arpcache";
import { Ipv4Config, Limits, isMulticast } from "./config";
import { CounterVisitor, Counters } from "../platform/index";
import { EtherTypeHandler, EthernetLayer } from "./ethernet";
import { moveWindow, newWindow } from "./window";

/** Sends packets that waited for resolution: IPv4 implements it. */
export interface ResolvedSender {
  /** `frame`: room for the Ethernet header, then the IP packet. */
  sendResolved(frame: Uint8Array, mac: MacAddress): void;
}

export class ArpCounters extends Counters {
  packetsIn: u64 = 0;
  /** Truncated, not Ethernet/IPv4, or an operation other than 1 and 2. */
  dropMalformed: u64 = 0;
  /** Sender MAC multicast or ours, sender IP multicast or broadcast. */
  dropBadSender: u64 = 0;
  /** Another host claims our address. */
  conflicts: u64 = 0;
  /** Announcements sent to defend our address (RFC 5227 §2.4). */
  defences: u64 = 0;
  /** Resolutions ended unanswered to make room for a newer one. */
  pendingEvicted: u64 = 0;
  requestsIn: u64 = 0;
  repliesIn: u64 = 0;
  repliesOut: u64 = 0;
  requestsOut: u64 = 0;
  announcementsOut: u64 = 0;
  /** Packets queued waiting for resolution. */
  queued: u64 = 0;
  /** Queued packets dropped to make room for newer ones. */
  dropQueueFull: u64 = 0;
  /** Packets not queued: all queues together were full. */
  dropQueueBytes: u64 = 0;
  /** Queued packets dropped when resolution failed. */
  dropUnresolved: u64 = 0;
  /** Packets not queued: every cache entry was being resolved. */
  dropCacheFull: u64 = 0;
  /** Resolutions that got no answer. */
  failures: u64 = 0;
  /** Resolved entries that expired and had to be resolved again. */
  expired: u64 = 0;

  visit(v: CounterVisitor): void {
    v.count("packetsIn", this.packetsIn);
    v.count("dropMalformed", this.dropMalformed);
    v.count("dropBadSender", this.dropBadSender);
    v.count("conflicts", this.conflicts);
    v.count("requestsIn", this.requestsIn);
    v.count("repliesIn", this.repliesIn);
    v.count("repliesOut", this.repliesOut);
    v.count("requestsOut", this.requestsOut);
    v.count("announcementsOut", this.announcementsOut);
    v.count("queued", this.queued);
    v.count("dropQueueFull", this.dropQueueFull);
    v.count("dropQueueBytes", this.dropQueueBytes);
    v.count("dropUnresolved", this.dropUnresolved);
    v.count("dropCacheFull", this.dropCacheFull);
    v.count("failures", this.failures);
    v.count("expired", this.expired);
    v.count("defences", this.defences);
    v.count("pendingEvicted", this.pendingEvicted);

  }
}

const log = new Logger("arp");
/** RFC 5227 §1.1: DEFEND_INTERVAL, 10 s between defences of our address. */
const DEFEND_INTERVAL: i64 = 10 * SECOND;

class ArpTimer extends Timer {
  constructor(readonly arp: ArpLayer) { super(); }
  fire(time: i64): void { this.arp.onTimer(time); }
}

export class ArpLayer implements EtherTypeHandler {
  readonly counters: ArpCounters = new ArpCounters();
  readonly cache: ArpCache;
  sender: ResolvedSender | null = null;
  private address: Ipv4Address;
  private readonly window: Uint8Array = newWindow();
  private readonly packet!: ArpPacket;
  /** Our requests and announcements are built here. */
  private readonly tx: Uint8Array = new Uint8Array(ETH_HEADER_LEN + ARP_LEN);
  private readonly txPacket!: ArpPacket;
  private readonly timer!: ArpTimer;
  private queuedBytes: i32 = 0;
  private announcementsLeft: i32 = 0;
  private nextAnnouncement: i64 = 0;
  private nextDefence: i64 = i64.MIN_VALUE;

  constructor(
    readonly ethernet: EthernetLayer,
    public config: Ipv4Config,
    readonly limits: Limits,
  ) {
    this.address = config.address;
    this.cache = new ArpCache(limits.arpCacheSize, limits.arpPendingMax, limits.arpQueuePerAddress);
    this.packet = new ArpPacket(this.window);
    this.txPacket = new ArpPacket(this.tx.subarray(ETH_HEADER_LEN));
    this.timer = new ArpTimer(this);
  }

  /** Use another address from now on (DHCP) and announce it. */
  setConfig(config: Ipv4Config): void {
    const changed = config.address != this.address;
    this.config = config;
    this.address = config.address;
    if (changed) this.start();
  }

  /** Bytes of packets waiting for resolution. */
  get queueBytes(): i32 {
    return this.queuedBytes;
  }

  /** Begin the gratuitous announcements (the first goes out now); none
   * while we have no address (0.0.0.0, waiting for DHCP). */
  start(): void {
    if (this.address == 0) return;
    this.announcementsLeft = this.limits.arpAnnouncements;
    this.nextAnnouncement = now();
    this.onTimer(this.nextAnnouncement);
  }

  /** An ARP frame from Ethernet (addressed to us or broadcast). */
  input(frame: Uint8Array): void {
    const c = this.counters;
    c.packetsIn++;
    const p = this.packet;
    moveWindow(this.window, frame, ETH_HEADER_LEN, frame.byteLength - ETH_HEADER_LEN);
    const op = p.check() == WireError.Ok ? p.operation : 0;
    if (op != ArpOperation.Request && op != ArpOperation.Reply) {
      c.dropMalformed++;
      return;
    }
    const sha = p.senderMac;
    const spa = p.senderIp;
    const tpa = p.targetIp;
    if (macIsMulticast(sha) || sha == this.ethernet.mac || isMulticast(spa) || spa == 0xffff_ffff) {
      c.dropBadSender++;
      return;
    }
    if (spa == this.address) {
      this.conflict(sha);
      return;
    }
    if (op == ArpOperation.Request) c.requestsIn++;
    else c.repliesIn++;

    // RFC 826's merge: update a sender we know; add it if it asks for us.
    // A probe (sender 0.0.0.0, RFC 5227 §2.1.1) teaches nothing.
    let merged = false;
    if (spa != 0) {
      const e = this.cache.find(spa);
      if (e !== null) {
        this.resolved(e, sha);
        merged = true;
      }
    }
    if (tpa != this.address || op != ArpOperation.Request) return;
    if (!merged && spa != 0 && this.config.isOnLink(spa)) {
      const e = this.cache.claimResolved(now());
      if (e !== null) {
        e.ip = spa;
        this.resolved(e, sha);
      }
    }
    // The reply, in place: the asker becomes the target.
    p.operation = <u16>ArpOperation.Reply;
    p.targetMac = sha;
    p.targetIp = spa;
    p.senderMac = this.ethernet.mac;
    p.senderIp = this.address;
    if (this.ethernet.send(frame, 0, sha, ETHERTYPE_ARP, ARP_LEN)) c.repliesOut++;
  }

  /** The MAC address of on-link `ip` if resolved and fresh, else NO_MAC. */
  lookup(ip: Ipv4Address): MacAddress {
    const e = this.cache.find(ip);
    if (e === null || e.state != EntryState.Reachable) return NO_MAC;
    if (e.expires > now()) return e.mac;
    // Expired: forget it, so that enqueue() asks again.
    this.counters.expired++;
    e.clear();
    return NO_MAC;
  }

  /** Keep a copy of frame bytes [at, at + len) (room for the Ethernet
   * header, then the IP packet) until `ip` is resolved, and start resolving
   * it if nobody has. False when the packet was dropped. */
  enqueue(ip: Ipv4Address, buf: Uint8Array, at: i32, len: i32): bool {
    const c = this.counters;
    const e = this.resolve(ip);
    if (e === null) return false;
    if (len > this.limits.arpQueueBytes - this.queuedBytes) {
      c.dropQueueBytes++;
      return false;
    }
    const copy = new Uint8Array(len);
    memory.copy(copy.dataStart, buf.dataStart + <usize>at, len);
    const dropped = e.push(copy);
    if (dropped === copy) {
      c.dropQueueFull++;
      return false;
    }
    this.queuedBytes += len;
    c.queued++;
    if (dropped !== null) {
      this.queuedBytes -= dropped.byteLength;
      c.dropQueueFull++;
    }
    return true;
  }

  /** Start resolving `ip` if nobody has (for a packet that cannot wait in
   * the queue, e.g. a TCP super-segment, which must not be fragmented): its
   * entry, or null when the cache is full (counted). */
  resolve(ip: Ipv4Address): ArpEntry | null {
    let e = this.cache.find(ip);
    if (e === null || e.state != EntryState.Incomplete) {
      const t = now();
      if (e === null) {
        e = this.cache.claimPending();
        if (e === null) {
          this.counters.dropCacheFull++;
          return null;
        }
        if (e.state == EntryState.Incomplete) {
          // The resolution begun longest ago gives way (arpcache.ts).
          this.counters.pendingEvicted++;
          this.abandon(e);
        }
      }
      e.state = EntryState.Incomplete;
      e.ip = ip;
      e.tries = 1;
      e.nextTry = t + this.limits.arpRetryInterval;
      this.request(ip);
      this.arm();
    }
    return e;
  }

  /** Retries, give-ups and announcements that are due. */
  onTimer(time: i64): void {
    if (this.announcementsLeft > 0 && this.nextAnnouncement <= time) {
      this.announce();
      this.announcementsLeft--;
      this.nextAnnouncement = time + this.limits.arpAnnounceInterval;
    }
    const entries = this.cache.entries;
    for (let i = 0; i < entries.length; i++) {
      const e = entries[i];
      if (e.state != EntryState.Incomplete || e.nextTry > time) continue;
      if (e.tries >= this.limits.arpTries) {
        this.giveUp(e);
        continue;
      }
      e.tries++;
      e.nextTry = time + this.limits.arpRetryInterval;
      this.request(e.ip);
    }
    this.arm();
  }

  /** `e` now maps to `mac`: trust it afresh and send what waited for it. */
  private resolved(e: ArpEntry, mac: MacAddress): void {
    const waiting = e.state == EntryState.Incomplete;
    // A resolution that completes takes a resolved place, if need be from
    // the resolved entry that expires first; with none at all (a cache of
    // size 0), what waited is sent and the entry ends.
    const keep = !waiting || this.cache.makeRoom(now());
    e.state = EntryState.Reachable;
    e.mac = mac;
    e.expires = now() + this.limits.arpTimeout;
    if (!waiting) return;
    if (log.enabled(Level.Debug)) log.debug(ipv4ToString(e.ip) + " is at " + macToString(mac));
    const sender = this.sender;
    while (true) {
      const p = e.shift();
      if (p === null) break;
      this.queuedBytes -= p.byteLength;
      if (sender !== null) sender.sendResolved(p, mac);
    }
    if (!keep) e.clear();
  }

  private giveUp(e: ArpEntry): void {
    this.counters.failures++;
    if (log.enabled(Level.Debug)) log.debug("no answer for " + ipv4ToString(e.ip));
    this.abandon(e);
  }

  /** End a resolution: what waited for it is dropped. */
  private abandon(e: ArpEntry): void {
    while (true) {
      const p = e.shift();
      if (p === null) break;
      this.queuedBytes -= p.byteLength;
      this.counters.dropUnresolved++;
    }
    e.clear();
  }

  /** RFC 5227 §2.4 (c): a server's configured address is not given up;
   * it is defended with one announcement, at most once per
   * DEFEND_INTERVAL, so that the neighbours that believed the other host
   * come back to us (and a flood of claims neither floods the link nor
   * the log). */
  private conflict(mac: MacAddress): void {
    this.counters.conflicts++;
    const t = now();
    if (t < this.nextDefence) return;
    this.nextDefence = t + DEFEND_INTERVAL;
    log.warn(macToString(mac) + " claims our address " + ipv4ToString(this.address) + ": defending it");
    if (this.sendRequest(this.address)) this.counters.defences++;
  }

  /** Who has `ip`? Broadcast, target hardware address zero. */
  private request(ip: Ipv4Address): void {
    if (this.sendRequest(ip)) this.counters.requestsOut++;
  }

  /** RFC 5227 §3: an ARP request with sender and target address ours. */
  private announce(): void {
    if (this.sendRequest(this.address)) this.counters.announcementsOut++;
  }

  private sendRequest(target: Ipv4Address): bool {
    const p = this.txPacket;
    p.hardwareType = 1;
    p.protocolType = 0x0800;
    p.hardwareLen = 6;
    p.protocolLen = 4;
    p.operation = <u16>ArpOperation.Request;
    p.senderMac = this.ethernet.mac;
    p.senderIp = this.address;
    p.targetMac = 0;
    p.targetIp = target;
    return this.ethernet.send(this.tx, 0, MAC_BROADCAST, ETHERTYPE_ARP, ARP_LEN);
  }

  /** The timer at the earliest retry or announcement, or off. */
  private arm(): void {
    let next = i64.MAX_VALUE;
    if (this.announcementsLeft > 0) next = this.nextAnnouncement;
    const entries = this.cache.entries;
    for (let i = 0; i < entries.length; i++) {
      const e = entries[i];
      if (e.state == EntryState.Incomplete && e.nextTry < next) next = e.nextTry;
    }
    if (next == i64.MAX_VALUE) this.timer.cancel();
    else if (!this.timer.armed || this.timer.deadline != next) this.timer.armAt(next);
  }
}

export { NO_MAC } from "./arpcache";
