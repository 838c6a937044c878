// Path MTU for IPv6 (RFC 8201): what a Packet Too Big said about one
// destination, for ten minutes (§4: "at least 5 minutes, 10 recommended"),
// then the link's MTU again. A small table: the oldest entry makes room,
// so a flood of forged Packet Too Big messages can at worst make us send
// 1280-byte packets to a few destinations, the size every IPv6 link
// carries (RFC 8200 §5).
import { IpAddress, IP_V6, IPV6_MIN_MTU } from "../../wire/index";
import { SECOND } from "../../platform/index";
import { pathMtuLowered } from "../ip";

const ENTRIES = 8;
export const PMTU_TIMEOUT: i64 = 600 * SECOND;

class Entry {
  readonly dst: IpAddress = new IpAddress(IP_V6);
  mtu: i32 = 0;
  until: i64 = 0;
}

export class PathMtu {
  private readonly entries: StaticArray<Entry> = makeEntries();
  /** Packet Too Big messages taken. */
  lowered: u64 = 0;

  /** The MTU towards `dst` at `t`: `linkMtu` unless lowered. */
  get(dst: IpAddress, linkMtu: i32, t: i64): i32 {
    for (let i = 0; i < ENTRIES; i++) {
      const e = this.entries[i];
      if (e.until > t && e.dst.equals(dst)) return min(e.mtu, linkMtu);
    }
    return linkMtu;
  }

  /** §4: a Packet Too Big reporting `mtu` for `dst`: never below 1280,
   * never raised by it. */
  reduce(dst: IpAddress, mtu: u32, linkMtu: i32, t: i64): void {
    const m = <i32>max<u32>(<u32>IPV6_MIN_MTU, min<u32>(mtu, <u32>linkMtu));
    if (m >= this.get(dst, linkMtu, t)) return;
    let slot = this.entries[0];
    for (let i = 0; i < ENTRIES; i++) {
      const e = this.entries[i];
      if (e.until > t && e.dst.equals(dst)) {
        slot = e;
        break;
      }
      if (e.until < slot.until) slot = e;
    }
    slot.dst.set(dst);
    slot.mtu = m;
    slot.until = t + PMTU_TIMEOUT;
    this.lowered++;
    pathMtuLowered();
  }
}

function makeEntries(): StaticArray<Entry> {
  const a = new StaticArray<Entry>(ENTRIES);
  for (let i = 0; i < ENTRIES; i++) a[i] = new Entry();
  return a;
}
