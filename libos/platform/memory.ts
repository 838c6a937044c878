// How much linear memory the guest may have: buffers sized from RAM (the
// TCP receive windows, the ARP cache) ask here.
import { memoryLimit as limit } from "./abi";

/** Bytes the linear memory may grow to in this guest. */
export function memoryLimit(): i64 {
  return limit();
}
