// Boot arguments, logging, clocks, entropy and device lookup, through the
// harness: the entry's top level parses the command line given here.
import { describe, expect, test } from "vitest";
import { Harness } from "../harness/index.ts";

const ENTRY = "tests/platform/as/boot.ts";
const boot = (cmdline: string, opts = {}) => Harness.start(ENTRY, { cmdline, ...opts });

describe("boot arguments", () => {
  test("defaults hold when the command line is empty", async () => {
    const h = await boot("");
    expect(h.exitStatus).toBeNull();
    expect(h.call("portValue")).toBe(80n);
    expect(h.call("portGiven")).toBe(0);
    expect(h.call("verboseValue")).toBe(0);
    expect(h.string(h.call("nameValue"))).toBe("morgana");
    expect(h.call("modeChoice")).toBe(0);
  });

  test("given values are validated and converted", async () => {
    const h = await boot("--port=8080  --verbose --name=web-1\t--mode=safe");
    expect(h.exitStatus).toBeNull();
    expect(h.call("portValue")).toBe(8080n);
    expect(h.call("portGiven")).toBe(1);
    expect(h.call("verboseValue")).toBe(1);
    expect(h.string(h.call("nameValue"))).toBe("web-1");
    expect(h.call("modeChoice")).toBe(1);
  });

  test("an unknown argument stops the image with exit 1 and lists the known ones", async () => {
    const h = await boot("--port=80 --colour=blue");
    expect(h.exitStatus).toBe(1);
    expect(h.console).toContain("unknown boot argument --colour");
    for (const known of ["--log=debug|info|warn|error", "--port=1..65535", "--verbose=true|false", "--name=TEXT", "--mode=fast|safe"]) {
      expect(h.console).toContain(known);
    }
    expect(h.console).toContain("(default: 80)");
    // An empty default is not shown as "(default: )".
    expect(h.console).not.toContain("(default: )");
  });

  test("an argument declared after parsing takes its value then; --help lists every argument and exits 0", async () => {
    const h = await boot("--late=7");
    expect(h.exitStatus).toBeNull();
    expect(h.call("lateValue")).toBe(7n);
    const help = await boot("--help");
    expect(help.exitStatus).toBe(0);
    for (const known of ["--port=1..65535", "--late=0..9", "--log=debug|info|warn|error"]) expect(help.console).toContain(known);
    const bad = await boot("--late=12");
    expect(bad.exitStatus).toBe(1);
    expect(bad.console).toContain("bad value for boot argument --late: '12'");
  });

  test("a bad value stops the image with a message naming the argument", async () => {
    for (const [line, expected] of [
      ["--port=70000", "bad value for boot argument --port: '70000' (expected an integer from 1 to 65535)"],
      ["--port=8o", "bad value for boot argument --port: '8o'"],
      ["--port=", "bad value for boot argument --port: ''"],
      ["--port=18446744073709551697", "bad value for boot argument --port: '18446744073709551697'"],
      ["--port=-80", "bad value for boot argument --port: '-80'"],
      ["--mode=slow", "bad value for boot argument --mode: 'slow' (expected one of fast, safe)"],
      ["--verbose=yes", "bad value for boot argument --verbose: 'yes' (expected true or false)"],
      ["--log=loud", "bad value for boot argument --log: 'loud' (expected one of debug, info, warn, error)"],
    ]) {
      const h = await boot(line);
      expect(h.exitStatus, line).toBe(1);
      expect(h.console, line).toContain(expected);
    }
  });

  test("a word that is not --name=value is refused", async () => {
    const h = await boot("port=80");
    expect(h.exitStatus).toBe(1);
    expect(h.console).toContain("boot argument 'port=80' is not of the form --name=value");
  });
});

describe("logger", () => {
  const lines = (h: Harness) => h.console.trim().split("\n");

  test("the default level is info", async () => {
    const h = await boot("");
    h.call("logEveryLevel");
    expect(lines(h)).toEqual([
      "2024-01-01T00:00:00.000Z INFO  [test] an info line",
      "2024-01-01T00:00:00.000Z WARN  [test] a warn line",
      "2024-01-01T00:00:00.000Z ERROR [test] an error line",
    ]);
    expect(h.call("debugEnabled")).toBe(0);
  });

  test("--log=debug prints everything, --log=error only errors", async () => {
    const debug = await boot("--log=debug");
    debug.call("logEveryLevel");
    expect(lines(debug).map((l) => l.split(" ")[1])).toEqual(["DEBUG", "INFO", "WARN", "ERROR"]);
    expect(debug.call("debugEnabled")).toBe(1);

    const error = await boot("--log=error");
    error.call("logEveryLevel");
    expect(lines(error)).toEqual(["2024-01-01T00:00:00.000Z ERROR [test] an error line"]);
  });

  test("lines carry the wall time", async () => {
    const h = await boot("--log=warn", { walltime: 1_709_251_199_999_000_000n });
    h.advance(2_000_000n);
    h.call("logEveryLevel");
    expect(lines(h)[0]).toBe("2024-03-01T00:00:00.001Z WARN  [test] a warn line");
  });
});

describe("clocks", () => {
  test("isoTime agrees with Date.toISOString, before and after 1970, over leap days", async () => {
    const h = await boot("");
    const ms = [0, 1, -1, 951_782_400_000, 951_868_799_999, 1_709_164_800_123, -2_208_988_800_001,
      9_200_000_000_000, -9_200_000_000_000, 4_107_542_400_000, 1_234_567_890_123];
    for (const t of ms) {
      expect(h.string(h.call("iso", BigInt(t) * 1_000_000n)), String(t)).toBe(new Date(t).toISOString());
    }
    // Sub-millisecond parts are truncated toward the past.
    expect(h.string(h.call("iso", -1n))).toBe("1969-12-31T23:59:59.999Z");
    expect(h.string(h.call("iso", 999_999n))).toBe("1970-01-01T00:00:00.000Z");
  });

  test("monotonic and wall clocks read the harness clock", async () => {
    const h = await boot("", { monotonic: 5n, walltime: 1_000_000_000n });
    expect(h.call("monotonicNow")).toBe(5n);
    expect(h.call("wallclockNow")).toBe(1_000_000_005n);
    h.advance(10n);
    expect(h.call("monotonicNow")).toBe(15n);
  });
});

describe("entropy, memory, devices", () => {
  test("the same seed gives the same bytes, another seed other bytes", async () => {
    const a = await boot("", { seed: 7 });
    const b = await boot("", { seed: 7 });
    const c = await boot("", { seed: 8 });
    a.call("randomBytes", 32);
    b.call("randomBytes", 32);
    c.call("randomBytes", 32);
    expect(a.output()).toEqual(b.output());
    expect(a.output()).not.toEqual(c.output());
    expect(new Set(a.output()).size).toBeGreaterThan(8);
    expect(a.call("random32")).toBe(b.call("random32"));
  });

  test("memoryLimit is what the platform says", async () => {
    const h = await boot("", { memoryLimit: 32n << 20n });
    expect(h.call("limit")).toBe(32n << 20n);
  });

  test("devices are found by name and type; handles are manifest indices", async () => {
    const h = await boot("", {
      devices: [
        { name: "disk", type: "block", capacity: 4096 },
        { name: "service", type: "net", mac: "02:00:00:00:00:01" },
      ],
    });
    expect(h.call("lookupNet")).toBe(2);
    expect(h.call("lookupBlockNamedService")).toBe(-1);
    expect(h.call("lookupMissing")).toBe(-1);
  });

  test("a declared but unattached device is not found", async () => {
    const h = await boot("", { devices: [{ name: "service", type: "net", mac: "02:00:00:00:00:01", attached: false }] });
    expect(h.call("lookupNet")).toBe(-1);
  });
});
