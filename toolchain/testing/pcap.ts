/**
 * A pcap writer (the classic libpcap format, microsecond timestamps,
 * LINKTYPE_ETHERNET), appending one record per frame so that a test that
 * dies half-way still leaves a readable capture: open it with
 * `tcpdump -r build/pcap/NAME.pcap -nn -e -x`.
 */
import { appendFileSync, mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";

const MAGIC = 0xa1b2c3d4; // microsecond resolution
const LINKTYPE_ETHERNET = 1;
const SNAPLEN = 65535;

export class PcapWriter {
  private started = false;

  constructor(readonly file: string) {}

  /** Append one frame seen at `timeNs` (nanoseconds since the epoch). */
  write(timeNs: bigint, frame: Uint8Array): void {
    if (!this.started) {
      mkdirSync(path.dirname(this.file), { recursive: true });
      writeFileSync(this.file, pcapHeader());
      this.started = true;
    }
    appendFileSync(this.file, pcapRecord(timeNs, frame));
  }
}

export function pcapHeader(): Uint8Array {
  const b = new DataView(new ArrayBuffer(24));
  b.setUint32(0, MAGIC, true);
  b.setUint16(4, 2, true); // version 2.4
  b.setUint16(6, 4, true);
  b.setInt32(8, 0, true); // GMT offset
  b.setUint32(12, 0, true); // timestamp accuracy
  b.setUint32(16, SNAPLEN, true);
  b.setUint32(20, LINKTYPE_ETHERNET, true);
  return new Uint8Array(b.buffer);
}

export function pcapRecord(timeNs: bigint, frame: Uint8Array): Uint8Array {
  const out = new Uint8Array(16 + frame.length);
  const b = new DataView(out.buffer);
  const us = timeNs < 0n ? 0n : timeNs / 1000n;
  b.setUint32(0, Number(us / 1_000_000n), true);
  b.setUint32(4, Number(us % 1_000_000n), true);
  b.setUint32(8, frame.length, true); // captured
  b.setUint32(12, frame.length, true); // on the wire
  out.set(frame, 16);
  return out;
}

/** Every frame of a pcap file (the classic format, either byte order). */
export function readPcap(data: Uint8Array): { timeUs: bigint; frame: Uint8Array }[] {
  const v = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const magic = v.getUint32(0, true);
  const little = magic === MAGIC || magic === 0xa1b23c4d;
  if (!little && v.getUint32(0, false) !== MAGIC && v.getUint32(0, false) !== 0xa1b23c4d) {
    throw new Error("not a pcap file");
  }
  const nano = (little ? magic : v.getUint32(0, false)) === 0xa1b23c4d;
  const frames: { timeUs: bigint; frame: Uint8Array }[] = [];
  for (let at = 24; at + 16 <= data.length; ) {
    const sec = BigInt(v.getUint32(at, little));
    const frac = BigInt(v.getUint32(at + 4, little));
    const caplen = v.getUint32(at + 8, little);
    const timeUs = sec * 1_000_000n + (nano ? frac / 1000n : frac);
    frames.push({ timeUs, frame: data.slice(at + 16, at + 16 + caplen) });
    at += 16 + caplen;
  }
  return frames;
}

/** A file name from a test's name: letters, digits, '-' and '_' only. */
export function pcapName(testName: string): string {
  return testName.replace(/[^A-Za-z0-9_-]+/g, "_").replace(/^_+|_+$/g, "").slice(0, 120) || "test";
}
