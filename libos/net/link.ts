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

  attach(receiver: FrameReceiver): void {
    this.device.receiver = receiver;
  }
}
