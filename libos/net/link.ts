// The link under the stack: where frames go out and what they leave as.
// On hvt it is the platform's NetDevice (DeviceLink); tests and the fuzzer
// plug in links of their own, in memory.
import { FrameReceiver, NetDevice } from "../platform/index";
import { MacAddress, macFromBytes } from "../wire/index";

export abstract class Link {
  constructor(
    /** Our MAC address. */
    readonly mac: MacAddress,
    /** The largest IP packet one frame carries (1500 on Ethernet). */
    readonly mtu: i32,
  ) {}

  /** Send one whole frame; false if the link dropped it. */
  abstract transmit(frame: Uint8Array): bool;

  /** Whether transmitTso takes TCP/IPv4 frames longer than the MTU. */
  get tso(): bool {
    return false;
  }

  /** Send a TCP/IPv4 frame of up to 65535 bytes (DF set, TCP checksum
   * field holding the pseudo-header sum) for the link to cut into
   * segments of `mss` payload bytes; false if dropped. */
  transmitTso(frame: Uint8Array, mss: i32): bool {
    return false;
  }

  /** Hand every received frame to `receiver` from now on. */
  attach(receiver: FrameReceiver): void {}
}

/** A platform net device as a link. */
export class DeviceLink extends Link {
  constructor(readonly device: NetDevice) {
    super(macFromBytes(device.mac), device.mtu);
  }

  transmit(frame: Uint8Array): bool {
    return this.device.transmit(frame);
  }

  get tso(): bool {
    return this.device.tso;
  }

  transmitTso(frame: Uint8Array, mss: i32): bool {
    return this.device.transmitTso(frame, mss);
  }

  attach(receiver: FrameReceiver): void {
    this.device.receiver = receiver;
  }
}
