// The network device (Solo5 NET_BASIC): Ethernet frames in and out of one
// manifest device, with the MAC address and MTU the tender attached.
//
// Frames are received through the event loop: when poll reports the device,
// up to RX_BUDGET ready frames are read and handed to the receiver, in
// order, each in the same receive buffer (a frame is valid only during
// `receive`; copy what must outlive it). Counters say what went in, out,
// and what was dropped why.
import { netInfo, netOffload, netRead, netWrite, netWriteTso, NET_AGAIN, NET_OFFLOAD_TSO4, NET_TSO_MAX_FRAME } from "./abi";
import { DeviceType, findDevice } from "./devices";
import { InputSource, watch } from "./loop";
import { moveWindow } from "./window";
import { Flag, declareArgument } from "./args";

/** Ethernet header (14) plus an 802.1Q tag (4): what a frame may add to the MTU. */
const FRAME_OVERHEAD: i32 = 18;
/** Frames read per wake-up at most (Linux's NAPI weight, 64). Timers run
 * only between wake-ups, and TCP's output is a timer: reading until the
 * queue is empty, a guest under a flood of 20,000 frames a second sent
 * nothing for seconds. What is left is reported by the next poll at once
 * (a device with unread frames is ready), after the due timers. */
export const RX_BUDGET: i32 = 64;

export abstract class FrameReceiver {
  /** One received frame; `frame` is reused for the next one. */
  abstract receive(frame: Uint8Array): void;
}

export class NetCounters {
  framesIn: u64 = 0;
  bytesIn: u64 = 0;
  framesOut: u64 = 0;
  bytesOut: u64 = 0;
  /** Received while no receiver was set. */
  dropNoReceiver: u64 = 0;
  /** The tender refused a read (EINVAL/EUNSPEC), e.g. a frame too long. */
  dropReadError: u64 = 0;
  /** Asked to send a frame longer than MTU + header: not sent. */
  dropTooLong: u64 = 0;
  /** The tender refused a write. */
  dropWriteError: u64 = 0;
  /** TCP segmentation offload frames sent (also in framesOut). */
  tsoFramesOut: u64 = 0;
}

export class NetDevice extends InputSource {
  readonly counters: NetCounters = new NetCounters();
  receiver: FrameReceiver | null = null;

  /** The attached net device named `name` (the handbook names it "service"),
   * watched by the event loop; null if there is none. */
  static open(name: string = "service"): NetDevice | null {
    const handle = findDevice(name, DeviceType.Net);
    if (handle < 0) return null;
    // Read by the boot stub itself, before the app ran (boot/net.c); here
    // so that it is a known argument, listed by --help.
    declareArgument("net-rings", "true",
      "take the ring path the tender offers (Morgana's net rings, Solo5 0.12's ring I/O); false: one hypercall a frame",
      new Flag());
    const info = memory.data(8);
    if (netInfo(handle, info) != 0) return null;
    const mac = new Uint8Array(6);
    memory.copy(mac.dataStart, info, 6);
    const mtu = <i32>load<u16>(info, 6);
    const rx = new Uint8Array(mtu + FRAME_OVERHEAD);
    const tso = (netOffload(handle) & NET_OFFLOAD_TSO4) != 0;
    const dev = new NetDevice(name, handle, mac, mtu, tso, rx, rx.subarray(0, 0));
    watch(handle, dev);
    return dev;
  }

  private constructor(
    readonly name: string,
    readonly handle: i32,
    /** The MAC address the tender attached, 6 bytes. */
    readonly mac: Uint8Array,
    readonly mtu: i32,
    /** Whether the device takes TCP/IPv4 frames of up to 64 KiB and cuts
     * them into segments itself (transmitTso). */
    readonly tso: bool,
    private rx: Uint8Array,
    /** The view handed to the receiver, over rx. */
    private frame: Uint8Array,
  ) {
    super();
  }

  /** The longest frame `transmit` accepts. */
  get maxFrame(): i32 {
    return this.mtu + FRAME_OVERHEAD;
  }

  /** Send the first `len` bytes of `frame` (all of it by default); false if
   * it was dropped (counted by reason). */
  transmit(frame: Uint8Array, len: i32 = -1): bool {
    if (len < 0 || len > frame.byteLength) len = frame.byteLength;
    if (len > this.maxFrame) {
      this.counters.dropTooLong++;
      return false;
    }
    if (netWrite(this.handle, frame.dataStart, len) != 0) {
      this.counters.dropWriteError++;
      return false;
    }
    this.counters.framesOut++;
    this.counters.bytesOut += len;
    return true;
  }

  /** Send a TCP/IPv4 frame of up to NET_TSO_MAX_FRAME bytes (DF set, TCP
   * checksum field holding the pseudo-header sum only), to be cut into
   * segments of `mss` bytes of payload by the device; false if dropped
   * (counted), or if the device has no such offload. */
  transmitTso(frame: Uint8Array, mss: i32): bool {
    const len = frame.byteLength;
    if (!this.tso || len > NET_TSO_MAX_FRAME) {
      this.counters.dropTooLong++;
      return false;
    }
    if (netWriteTso(this.handle, frame.dataStart, len, mss) != 0) {
      this.counters.dropWriteError++;
      return false;
    }
    this.counters.framesOut++;
    this.counters.tsoFramesOut++;
    this.counters.bytesOut += len;
    return true;
  }

  /** Called by the event loop: read up to RX_BUDGET ready frames. */
  ready(): void {
    const rx = this.rx;
    const c = this.counters;
    for (let budget = RX_BUDGET; budget > 0; budget--) {
      const n = netRead(this.handle, rx.dataStart, rx.byteLength);
      if (n == NET_AGAIN) break;
      if (n < 0) {
        // Stop for this wake-up: an error that repeats must not spin here;
        // a frame still pending is reported by the next poll.
        c.dropReadError++;
        break;
      }
      c.framesIn++;
      c.bytesIn += n;
      const receiver = this.receiver;
      if (receiver === null) {
        c.dropNoReceiver++;
        continue;
      }
      receiver.receive(this.view(n));
    }
  }

  // The hot path allocates nothing: one window over the receive buffer
  // whose length is set per frame.
  private view(len: i32): Uint8Array {
    return moveWindow(this.frame, this.rx, 0, len);
  }
}
