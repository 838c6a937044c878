/**
 * tests/harness — run libos code under Node, as the boot stub would run it.
 *
 * Promises: the module compiled from an AssemblyScript entry with the
 * toolchain's compile() (cached per source state), instantiated with every
 * platform import of boot/README.md backed by JavaScript: console captured,
 * a fake clock that only moves when the test or `poll` moves it, frames in
 * and out as queues per declared device (each test's traffic also written
 * to build/pcap/FILE-TEST.DEVICE.pcap), settable boot arguments, seeded entropy,
 * exit/abort/trap captured as an exit status. Entries live under
 * tests/AREA/as/ and export the functions a test calls; as/io.ts passes
 * byte buffers both ways.
 */
export { Harness, Halt, Idle, type HarnessOptions } from "./machine.ts";
export { NetQueue, BlockDisk, parseMac, type DeviceSpec } from "./devices.ts";
export { loadModule, ROOT } from "./build.ts";
export { PcapWriter, readPcap, pcapHeader, pcapRecord } from "./pcap.ts";
