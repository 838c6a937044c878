/**
 * Shared by the DNS and DHCP tests: the captured exchanges of
 * tests/dns/fixtures/ as UDP payloads, and the wire entry.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { ROOT, readPcap } from "../harness/index.ts";

export const WIRE_ENTRY = "tests/dns/as/wire.ts";

/** The frames of tests/dns/fixtures/NAME.pcap. */
export function fixtureFrames(name: string): Uint8Array[] {
  const file = path.join(ROOT, "tests", "dns", "fixtures", `${name}.pcap`);
  return readPcap(new Uint8Array(readFileSync(file))).map((r) => r.frame);
}

/** The UDP payloads of the UDP frames of NAME.pcap, in order. */
export function udpPayloads(name: string): Uint8Array[] {
  return fixtureFrames(name)
    .filter((f) => f[12] === 0x08 && f[13] === 0x00 && f[23] === 17)
    .map((f) => {
      const ihl = (f[14] & 0x0f) * 4;
      const udp = 14 + ihl;
      const len = (f[udp + 4] << 8) | f[udp + 5];
      return f.subarray(udp + 8, udp + len);
    });
}

/** The TCP payloads (non-empty segments) of NAME.pcap, in order. */
export function tcpPayloads(name: string): Uint8Array[] {
  return fixtureFrames(name)
    .filter((f) => f[12] === 0x08 && f[13] === 0x00 && f[23] === 6)
    .map((f) => {
      const ihl = (f[14] & 0x0f) * 4;
      const total = (f[16] << 8) | f[17];
      const tcp = 14 + ihl;
      const off = (f[tcp + 12] >> 4) * 4;
      return f.subarray(tcp + off, 14 + total);
    })
    .filter((p) => p.length > 0);
}

/** Hex of bytes, for readable failures. */
export const toHex = (b: Uint8Array) => Buffer.from(b).toString("hex");
