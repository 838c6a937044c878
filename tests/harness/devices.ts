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

  constructor(
    readonly spec: NetDeviceSpec,
    readonly handle: number,
    private readonly pcap: PcapWriter,
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
    this.pcap.write(this.wallAt(at), copy);
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
    this.pcap.write(this.wallAt(now), frame);
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
