// morgana/testing for Node: toolchain/testing/index.ts bundled into
// build/testing.mjs when stale (bundle.mjs), its exports re-exported.
import { bundled } from "./bundle.mjs";

const m = await import(await bundled("toolchain/testing/index.ts", "testing"));
export const {
  Harness, Halt, Idle, NetQueue, BlockDisk, parseMac, segmentTso, loadModule,
  PcapWriter, readPcap, pcapHeader, pcapRecord, Network, Host,
  ip, ipText, macBytes, macText, be16, be32, inetChecksum, ethernet, arp, ipv4, icmpEcho, udp,
  createNetns, withNetns, hasNetns, bootInNetns, bootSkipReason, startImage, hasKvm,
} = m;
