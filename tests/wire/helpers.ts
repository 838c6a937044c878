// Shared by the wire tests: fixture frames from the captures, and calls into
// the wire entry (tests/wire/as/wire.ts) that return text or bytes.
import { readFileSync } from "node:fs";
import path from "node:path";
import { Harness, ROOT, readPcap } from "../harness/index.ts";

export const ENTRY = "tests/wire/as/wire.ts";

/** The frames of tests/wire/fixtures/NAME.pcap, in capture order. */
export function frames(name: string): Uint8Array[] {
  const file = path.join(ROOT, "tests", "wire", "fixtures", `${name}.pcap`);
  return readPcap(new Uint8Array(readFileSync(file))).map((r) => r.frame);
}

/** Bytes from hex, spaces allowed. */
export function hex(text: string): Uint8Array {
  return Uint8Array.from(Buffer.from(text.replace(/\s+/g, ""), "hex"));
}

/** A MAC address as the u64 the wire layer uses. */
export function mac(text: string): bigint {
  return BigInt("0x" + text.replaceAll(":", ""));
}

/** An IPv4 address as the u32 the wire layer uses. */
export function ip(text: string): number {
  return text.split(".").reduce((a, o) => a * 256 + Number(o), 0);
}

/** A harnessed wire entry with helpers to feed bytes and read results. */
export class Wire {
  private constructor(readonly h: Harness) {}

  static async start(): Promise<Wire> {
    return new Wire(await Harness.start(ENTRY));
  }

  /** Call `fn` with `input` as the entry's input bytes; its text result. */
  text(fn: string, input: Uint8Array, ...args: unknown[]): string {
    this.h.input(input);
    const s = this.h.string(this.h.call(fn, ...args));
    this.assertAlive(fn);
    return s!;
  }

  /** Call `fn` with `input`; the bytes it handed back. */
  bytes(fn: string, input: Uint8Array, ...args: unknown[]): Uint8Array {
    this.h.input(input);
    this.h.call(fn, ...args);
    this.assertAlive(fn);
    return this.h.output();
  }

  number(fn: string, input: Uint8Array, ...args: unknown[]): number {
    this.h.input(input);
    const n = this.h.call(fn, ...args) as number;
    this.assertAlive(fn);
    return n;
  }

  private assertAlive(fn: string): void {
    if (this.h.exitStatus !== null) throw new Error(`${fn} stopped the image: ${this.h.console}`);
  }
}
