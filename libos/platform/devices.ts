// Device lookup: a device is named in the image's manifest and attached by
// the tender (`--net:NAME=tap0`); its handle is its index in the manifest.
import { device } from "./abi";

/** The manifest's device types. */
export enum DeviceType { Block = 1, Net = 2 }

/** The handle of the attached device with this name and type, or -1. */
export function findDevice(name: string, type: DeviceType): i32 {
  const bytes = String.UTF8.encode(name);
  return device(changetype<usize>(bytes), bytes.byteLength, type);
}
