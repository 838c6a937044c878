// The interface's IPv6 addresses (RFC 4862): each with where it came from
// (link-local from the MAC, static from --ipv6, SLAAC from a router
// advertisement), its DAD state and, for SLAAC, its lifetimes; and the
// prefixes routers said are on the link. Both tables are bounded, so a
// flood of advertisements cannot grow them.
//
// Source selection (RFC 6724, the rules a host with one interface needs):
// a link-local or link-scope multicast destination is answered from the
// link-local address; any other from a usable global address (the one
// sharing the longest prefix with it), else the link-local one.
import { IpAddress, IP_V6, isLinkLocal, solicitedNode } from "../../wire/index";

export enum AddressOrigin { LinkLocal, Static, Slaac }

export enum AddressState {
  /** Being checked by DAD (RFC 4862 §5.4): only ND reaches it. */
  Tentative,
  /** Usable. */
  Preferred,
  /** Another host holds it (§5.4.5): never used. */
  Duplicate,
}

export function originName(o: AddressOrigin): string {
  return o == AddressOrigin.LinkLocal ? "link-local" : o == AddressOrigin.Static ? "static" : "SLAAC";
}

/** One address of the interface. */
export class InterfaceAddress {
  state: AddressState = AddressState.Tentative;
  /** DAD probes sent, and when the next step is due (monotonic ns). */
  probesSent: i32 = 0;
  nextProbe: i64 = 0;
  /** SLAAC: when the address stops being valid (i64.MAX_VALUE: never). */
  validUntil: i64 = i64.MAX_VALUE;
  /** Its solicited-node multicast group (RFC 4291 §2.7.1). */
  readonly group: IpAddress = new IpAddress(IP_V6);

  constructor(readonly address: IpAddress, readonly prefixLen: i32, readonly origin: AddressOrigin) {
    solicitedNode(address, this.group);
  }

  get usable(): bool {
    return this.state == AddressState.Preferred;
  }

  /** Whether `a` shares this address's prefix. */
  covers(a: IpAddress): bool {
    return prefixMatch(a, this.address) >= this.prefixLen;
  }

  toString(): string {
    return this.address.toString() + "/" + this.prefixLen.toString() + " (" + originName(this.origin) + ")";
  }
}

/** An on-link prefix from a router advertisement (RFC 4861 §6.3.4). */
class OnLinkPrefix {
  readonly prefix: IpAddress = new IpAddress(IP_V6);
  len: i32 = 0;
  until: i64 = 0;
}

/** Addresses the interface holds at most: link-local, static, and room for
 * two SLAAC prefixes; advertised prefixes beyond are ignored. */
export const MAX_ADDRESSES = 4;
const MAX_PREFIXES = 4;

export class AddressTable {
  readonly list: InterfaceAddress[] = [];
  private readonly prefixes: StaticArray<OnLinkPrefix> = makePrefixes();
  /** What sourceFor answers (reused). */
  private readonly source: IpAddress = new IpAddress(IP_V6);

  /** Add `a`, tentative; null when the table is full or holds it. */
  add(a: IpAddress, prefixLen: i32, origin: AddressOrigin): InterfaceAddress | null {
    if (this.list.length >= MAX_ADDRESSES || this.find(a) !== null) return null;
    const e = new InterfaceAddress(a.clone(), prefixLen, origin);
    this.list.push(e);
    return e;
  }

  remove(e: InterfaceAddress): void {
    const i = this.list.indexOf(e);
    if (i >= 0) this.list.splice(i, 1);
  }

  /** The entry for `a`, whatever its state. */
  find(a: IpAddress): InterfaceAddress | null {
    for (let i = 0; i < this.list.length; i++) if (this.list[i].address.equals(a)) return this.list[i];
    return null;
  }

  /** Whether `a` is one of our usable addresses. */
  isOurs(a: IpAddress): bool {
    const e = this.find(a);
    return e !== null && e.usable;
  }

  /** Whether datagrams to group `a` are for us: all-nodes (ff02::1) or the
   * solicited-node group of an address not known to be another's. */
  isOurGroup(a: IpAddress): bool {
    if (a.hi == 0xff02_0000_0000_0000 && a.lo == 1) return true;
    for (let i = 0; i < this.list.length; i++) {
      const e = this.list[i];
      if (e.state != AddressState.Duplicate && e.group.equals(a)) return true;
    }
    return false;
  }

  get linkLocal(): InterfaceAddress | null {
    for (let i = 0; i < this.list.length; i++) if (this.list[i].origin == AddressOrigin.LinkLocal) return this.list[i];
    return null;
  }

  /** Whether anything can be sent (a usable address). */
  get configured(): bool {
    for (let i = 0; i < this.list.length; i++) if (this.list[i].usable) return true;
    return false;
  }

  /** Our address towards `dst` (reused); :: when none is usable. */
  sourceFor(dst: IpAddress): IpAddress {
    const linkScope = isLinkLocal(dst) || (dst.isMulticast && ((dst.hi >> 48) & 0xf) <= 2);
    let best: InterfaceAddress | null = null;
    let bestMatch = -1;
    for (let i = 0; i < this.list.length; i++) {
      const e = this.list[i];
      if (!e.usable) continue;
      const ll = e.origin == AddressOrigin.LinkLocal;
      if (linkScope != ll) continue;
      const m = prefixMatch(dst, e.address);
      if (m > bestMatch) {
        best = e;
        bestMatch = m;
      }
    }
    if (best === null && !linkScope) best = this.linkLocal;
    if (best === null || !best.usable) return this.source.setV6(0, 0);
    return this.source.set(best.address);
  }

  /** Whether `dst` is on the link: link-local, or inside the prefix of a
   * static address or of one a router advertised as on-link. */
  isOnLink(dst: IpAddress, t: i64): bool {
    if (isLinkLocal(dst)) return true;
    for (let i = 0; i < this.list.length; i++) {
      const e = this.list[i];
      if (e.origin == AddressOrigin.Static && e.covers(dst)) return true;
    }
    for (let i = 0; i < MAX_PREFIXES; i++) {
      const p = this.prefixes[i];
      if (p.until > t && prefixMatch(dst, p.prefix) >= p.len) return true;
    }
    return false;
  }

  /** A router advertised `prefix`/`len` on-link for `lifetime` ns (0:
   * withdrawn). Beyond MAX_PREFIXES, new prefixes are ignored. */
  onLink(prefix: IpAddress, len: i32, until: i64, t: i64): void {
    let free: OnLinkPrefix | null = null;
    for (let i = 0; i < MAX_PREFIXES; i++) {
      const p = this.prefixes[i];
      if (p.until > t && p.len == len && prefixMatch(prefix, p.prefix) >= len) {
        p.until = until;
        return;
      }
      if (p.until <= t && free === null) free = p;
    }
    if (free === null || until <= t) return;
    free.prefix.set(prefix);
    free.len = len;
    free.until = until;
  }
}

/** The number of leading bits `a` and `b` share (0..128). */
export function prefixMatch(a: IpAddress, b: IpAddress): i32 {
  const h = a.hi ^ b.hi;
  if (h != 0) return <i32>clz(h);
  const l = a.lo ^ b.lo;
  return l == 0 ? 128 : 64 + <i32>clz(l);
}

function makePrefixes(): StaticArray<OnLinkPrefix> {
  const a = new StaticArray<OnLinkPrefix>(MAX_PREFIXES);
  for (let i = 0; i < MAX_PREFIXES; i++) a[i] = new OnLinkPrefix();
  return a;
}
