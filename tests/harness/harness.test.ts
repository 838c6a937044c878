// The harness itself: halts, traps and aborts end a call as the boot stub
// ends an image; captures are real pcap files tcpdump reads.
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, test } from "vitest";
import { Harness, PcapWriter, ROOT, readPcap } from "./index.ts";

const ENTRY = "tests/harness/as/probe.ts";

describe("harness", () => {
  test("top-level code runs at start; exit ends the call with its status", async () => {
    const h = await Harness.start(ENTRY);
    expect(h.console).toBe("booted\n");
    expect(h.exitStatus).toBeNull();
    expect(h.call("doExit", 3)).toBeUndefined();
    expect(h.exitStatus).toBe(3);
    expect(h.console).toBe("booted\nexiting\n");
    expect(() => h.call("doExit", 0)).toThrow(/already halted/);
  });

  test("an AssemblyScript abort prints its message and location, status 255", async () => {
    const h = await Harness.start(ENTRY);
    h.call("doAbort");
    expect(h.exitStatus).toBe(255);
    expect(h.console).toMatch(/abort: the sky fell at tests\/harness\/as\/probe\.ts:\d+:\d+\n$/);
  });

  test("a Wasm trap is reported like the boot stub does, status 255", async () => {
    const h = await Harness.start(ENTRY);
    h.call("doTrap", 1);
    expect(h.exitStatus).toBe(255);
    expect(h.console).toContain("wasm trap: divide by zero");
  });

  test("trace lines reach the console; memory size is readable", async () => {
    const h = await Harness.start(ENTRY);
    h.call("doTrace");
    expect(h.console).toContain("trace: counting 1.5, 2\n");
    const before = h.memorySize;
    expect(h.call("grow", 2)).toBe(before / 65536);
    expect(h.memorySize).toBe(before + 2 * 65536);
  });

  test("pcap files are read back by tcpdump", async () => {
    const file = path.join(ROOT, "build", "pcap", "harness-selftest.pcap");
    const w = new PcapWriter(file);
    const arp = Uint8Array.from(Buffer.from(
      "ffffffffffff02000000000108060001080006040001020000000001c0a80001000000000000c0a80002", "hex"));
    w.write(1_704_067_200_500_000_000n, arp);
    expect(readPcap(new Uint8Array(readFileSync(file)))).toEqual([{ timeUs: 1_704_067_200_500_000n, frame: arp }]);
    const text = execFileSync("tcpdump", ["-r", file, "-nn", "-tt"], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] });
    expect(text).toContain("1704067200.500000 ARP, Request who-has 192.168.0.2 tell 192.168.0.1");
  });
});
