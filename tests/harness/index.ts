/**
 * tests/harness — run libos code under Node, as the boot stub would run it.
 * The code is morgana/testing's (toolchain/testing/), which users' projects
 * get too; this file adds what the repository's tests expect of it.
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
import path from "node:path";
import { expect } from "vitest";
import { Harness } from "../../toolchain/testing/harness.ts";

export { Harness, Halt, Idle, type HarnessOptions } from "../../toolchain/testing/harness.ts";
export { NetQueue, BlockDisk, parseMac, type DeviceSpec } from "../../toolchain/testing/devices.ts";
export { loadModule, ROOT } from "../../toolchain/testing/build.ts";
export { PcapWriter, readPcap, pcapHeader, pcapRecord } from "../../toolchain/testing/pcap.ts";

// Every harnessed test leaves its capture: build/pcap/FILE-TEST.DEVICE.pcap,
// FILE being the test file's name.
Harness.defaultPcapName = () => {
  const state = expect.getState();
  const file = state.testPath ? path.basename(state.testPath).replace(/\.test\.ts$/, "") : "harness";
  return `${file}-${state.currentTestName ?? "setup"}`;
};
