/**
 * The devices of a harnessed image, as a manifest would declare them and a
 * tender attach them: net devices with frame queues in both directions,
 * block devices over an in-memory disk. Handles are manifest indices, so the
 * first declared device has handle 1 (entry 0 is reserved, as in Solo5).
 */
import { PcapWriter } from "./pcap.ts";

export interface NetDeviceSpec {
  name: string;
  type: "net";
  /** "02:00:00:00:00:01" */
  mac: string;
  mtu?: number;
  /** false: declared but not attached (lookups fail). */
  attached?: boolean;
  /** TCP segmentation offload, as Morgana's tender offers through net
   * rings: netOffload answers 1 and netWriteTso frames are cut here into
   * segments as Linux cuts them (segmentTso). */
  tso?: boolean;
}

export interface BlockDeviceSpec {
  name: string;
  type: "block";
  capacity: number;
  blockSize?: number;
  attached?: boolean;
}

export type DeviceSpec = NetDeviceSpec | BlockDeviceSpec;

/** hvt results. */
export const OK = 0;
export const EINVAL = 2;
export const EUNSPEC = 3;

export class NetQueue {
  readonly kind = "net";
  readonly mac: Uint8Array;
  readonly mtu: number;
  /** Frames waiting for the guest, each with the monotonic time it arrives. */
  private incoming: { at: bigint; frame: Uint8Array }[] = [];
  /** Frames the guest sent, oldest first, until taken. */
  sent: Uint8Array[] = [];
  /** What netWrite answers: set to EUNSPEC to make the guest see failures. */
  writeResult = OK;
  /** Frames the guest handed over with netWriteTso (cut into `sent`). */
  tsoFrames = 0;

  constructor(
    readonly spec: NetDeviceSpec,
    readonly handle: number,
    private readonly pcap: PcapWriter | null,
    /** Monotonic to wall time, for capture timestamps. */
    private readonly wallAt: (mono: bigint) => bigint,
  ) {
    this.mac = parseMac(spec.mac);
    this.mtu = spec.mtu ?? 1500;
  }

  /** Queue a frame for the guest, arriving at monotonic time `at`. */
  deliver(frame: Uint8Array, at: bigint): void {
    const copy = Uint8Array.from(frame);
    // Keep arrival order; equal times keep delivery order.
    let i = this.incoming.length;
    while (i > 0 && this.incoming[i - 1].at > at) i--;
    this.incoming.splice(i, 0, { at, frame: copy });
    this.pcap?.write(this.wallAt(at), copy);
  }

  /** Frames not yet read by the guest. */
  get pending(): number {
    return this.incoming.length;
  }

  readyAt(now: bigint): boolean {
    return this.incoming.length > 0 && this.incoming[0].at <= now;
  }

  /** The earliest arrival still queued, or null. */
  nextArrival(): bigint | null {
    return this.incoming.length > 0 ? this.incoming[0].at : null;
  }

  /** The next frame that has arrived by `now`, or null. */
  take(now: bigint): Uint8Array | null {
    return this.readyAt(now) ? this.incoming.shift()!.frame : null;
  }

  recordSent(frame: Uint8Array, now: bigint): void {
    this.sent.push(frame);
    this.pcap?.write(this.wallAt(now), frame);
  }

  /** The frames sent since the last call. */
  takeSent(): Uint8Array[] {
    const s = this.sent;
    this.sent = [];
    return s;
  }
}

export class BlockDisk {
  readonly kind = "block";
  readonly data: Uint8Array;
  readonly blockSize: number;

  constructor(readonly spec: BlockDeviceSpec, readonly handle: number) {
    this.blockSize = spec.blockSize ?? 512;
    this.data = new Uint8Array(spec.capacity);
  }

  /** Solo5's rule: whole blocks at block-aligned offsets, inside the disk. */
  valid(offset: bigint, len: number): boolean {
    const bs = BigInt(this.blockSize);
    return offset >= 0n && len > 0 && offset % bs === 0n && BigInt(len) % bs === 0n &&
      offset + BigInt(len) <= BigInt(this.data.length);
  }
}

export function parseMac(text: string): Uint8Array {
  const parts = text.split(":");
  if (parts.length !== 6 || parts.some((p) => !/^[0-9a-fA-F]{2}$/.test(p))) {
    throw new Error(`bad MAC address '${text}'`);
  }
  return Uint8Array.from(parts.map((p) => parseInt(p, 16)));
}

const sum16 = (b: Uint8Array, from: number, to: number, acc = 0) => {
  for (let i = from; i < to; i += 2) acc += (b[i] << 8) | (i + 1 < to ? b[i + 1] : 0);
  return acc;
};
const fold = (acc: number) => {
  while (acc > 0xffff) acc = (acc & 0xffff) + Math.floor(acc / 0x10000);
  return acc;
};

/**
 * A TCP segmentation offload frame cut into segments of `mss` payload
 * bytes as Linux does (tcp_gso_segment): each a copy of the headers with
 * the IP total length, identification (+1 a segment), header checksum, the
 * TCP sequence number and a full checksum, PSH and FIN on the last only,
 * CWR on the first only. Throws on a frame the tender would refuse, or
 * whose checksum field is not the folded pseudo-header sum.
 */
export function segmentTso(frame: Uint8Array, mss: number, mtu: number): Uint8Array[] {
  const dv = new DataView(frame.buffer, frame.byteOffset, frame.byteLength);
  if (frame.length > 65535 || dv.getUint16(12) !== 0x0800) throw new Error("TSO: not IPv4");
  const ihl = (frame[14] & 15) * 4;
  if (frame[14] >> 4 !== 4 || ihl < 20) throw new Error("TSO: bad IPv4 header");
  if (dv.getUint16(16) !== frame.length - 14) throw new Error("TSO: IPv4 total length is not the frame's");
  if ((dv.getUint16(20) & 0xbfff) !== 0 || !(frame[20] & 0x40)) throw new Error("TSO: a fragment, or DF clear");
  if (frame[23] !== 6) throw new Error("TSO: not TCP");
  const t = 14 + ihl;
  const doff = (frame[t + 12] >> 4) * 4;
  const hdr = t + doff;
  if (doff < 20 || hdr >= frame.length) throw new Error("TSO: bad TCP header or no payload");
  if (mss < 1 || mss + ihl + doff > mtu) throw new Error(`TSO: segment size ${mss} too large`);
  const pseudo = fold(sum16(frame, 26, 34) + 6 + (frame.length - t));
  if (dv.getUint16(t + 16) !== pseudo) throw new Error("TSO: the checksum field is not the pseudo-header sum");
  const out: Uint8Array[] = [];
  const seq = dv.getUint32(t + 4);
  const flags = frame[t + 13];
  for (let off = hdr, i = 0; off < frame.length; off += mss, i++) {
    const len = Math.min(mss, frame.length - off);
    const last = off + len >= frame.length;
    const f = new Uint8Array(hdr + len);
    f.set(frame.subarray(0, hdr));
    f.set(frame.subarray(off, off + len), hdr);
    const v = new DataView(f.buffer);
    v.setUint16(16, ihl + doff + len);
    v.setUint16(18, (dv.getUint16(18) + i) & 0xffff);
    v.setUint16(24, 0);
    v.setUint16(24, ~fold(sum16(f, 14, t)) & 0xffff);
    v.setUint32(t + 4, (seq + (off - hdr)) >>> 0);
    f[t + 13] = flags & ~(last ? 0 : 0x09) & ~(i === 0 ? 0 : 0x80);
    v.setUint16(t + 16, 0);
    v.setUint16(t + 16, ~fold(sum16(f, t, f.length, sum16(f, 26, 34) + 6 + (f.length - t))) & 0xffff);
    out.push(f);
  }
  return out;
}
