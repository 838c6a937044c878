/**
 * morgana/testing — test an app without a VM, and with one.
 *
 * Under Node (no gcc, KVM or root): `Harness.app("apps/NAME")` compiles an
 * app to Wasm and runs it with Morgana's platform imports written in
 * JavaScript: a fake clock that only moves when the test moves it
 * (`runFor(ns)`), net devices as frame queues (`h.net().deliver(frame,
 * at)`, `h.net().takeSent()`), console captured (`h.console`), exit, aborts
 * and traps as `h.exitStatus`. `Network` joins apps and JavaScript `Host`s
 * (ARP and UDP) on an in-memory Ethernet segment, captured to pcap;
 * `Harness.start(entry)` runs an AssemblyScript test entry whose exports
 * the test calls. frames.ts builds and reads frames.
 *
 * On a real tender: `bootInNetns(image)` boots an image in a throwaway
 * network namespace on a tap and gives the test its address;
 * `bootSkipReason(image)` says why it cannot here (no root, no KVM).
 *
 * docs/testing.md shows both; this package's own tests use this code.
 */
export { Harness, Halt, Idle, type HarnessOptions } from "./harness.ts";
export { NetQueue, BlockDisk, parseMac, segmentTso, type DeviceSpec, type NetDeviceSpec, type BlockDeviceSpec } from "./devices.ts";
export { loadModule, type ModuleSource } from "./build.ts";
export { PcapWriter, readPcap, pcapHeader, pcapRecord } from "./pcap.ts";
export { Network, Host, type Received } from "./network.ts";
export { ip, ipText, macBytes, macText, be16, be32, inetChecksum, ethernet, arp, ipv4, icmpEcho, udp, type Ipv4Fields } from "./frames.ts";
export { createNetns, withNetns, hasNetns, type Netns, type ExecResult } from "./netns.ts";
export { bootInNetns, bootSkipReason, startImage, hasKvm, type Booted, type BootOptions, type Running } from "./boot.ts";
