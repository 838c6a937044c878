// Timers, the event loop and the net device, driven step by step through the
// harness's fake clock and frame queues.
import { describe, expect, test } from "vitest";
import { Harness } from "../harness/index.ts";

const ENTRY = "tests/platform/as/loop.ts";
const MAC = "02:00:00:00:00:01";
const start = (opts = {}) => Harness.start(ENTRY, opts);
const events = (h: Harness) => h.string(h.call("events_"));
const withNet = () => start({ devices: [{ name: "service", type: "net", mac: MAC, mtu: 1500 }] });

/** A frame of `len` bytes whose first byte is `first`. */
function frame(len: number, first: number): Uint8Array {
  const f = new Uint8Array(len).map((_, i) => i & 0xff);
  f[0] = first;
  return f;
}

describe("timers", () => {
  test("fire in deadline order, ties in arming order, each at its deadline", async () => {
    const h = await start();
    h.call("armAt", 3, 300n);
    h.call("armAt", 1, 100n);
    h.call("armAt", 4, 200n);
    h.call("armAt", 2, 100n);
    expect(h.call("deadline")).toBe(100n);
    for (let i = 0; i < 3; i++) h.call("stepWait");
    expect(events(h)).toBe("1@100 2@100 4@200 3@300");
    expect(h.monotonic).toBe(300n);
    expect(h.call("armedCount")).toBe(0);
    expect(h.call("deadline")).toBe(0x7fffffffffffffffn);
  });

  test("many timers come out sorted (the heap keeps its order through removals)", async () => {
    const h = await start();
    // A fixed shuffle of 0..63, with every fourth timer cancelled.
    const order = Array.from({ length: 64 }, (_, i) => (i * 37 + 11) % 64);
    for (const id of order) h.call("armAt", id, BigInt(1000 + id * 10));
    for (let id = 0; id < 64; id += 4) h.call("cancel", id);
    expect(h.call("armedCount")).toBe(48);
    h.call("armAt", 1, 5000n); // re-arm moves it to the end
    while (h.call("armedCount") > 0) h.call("stepWait");
    const fired = events(h)!.split(" ").map((e) => Number(e.split("@")[0]));
    const expected = Array.from({ length: 64 }, (_, i) => i).filter((i) => i % 4 !== 0 && i !== 1);
    expect(fired).toEqual([...expected, 1]);
  });

  test("a cancelled timer does not fire; cancelling twice is harmless", async () => {
    const h = await start();
    h.call("armAt", 1, 100n);
    h.call("armAt", 2, 200n);
    h.call("cancel", 1);
    h.call("cancel", 1);
    expect(h.call("isArmed", 1)).toBe(0);
    h.call("stepWait");
    expect(events(h)).toBe("2@200");
  });

  test("re-arming moves a timer earlier or later", async () => {
    const h = await start();
    h.call("armAt", 1, 100n);
    h.call("armAt", 2, 200n);
    h.call("armAt", 1, 300n);
    h.call("armAt", 2, 50n);
    h.call("stepWait");
    h.call("stepWait");
    expect(events(h)).toBe("2@50 1@300");
  });

  test("armAfter counts from the monotonic clock", async () => {
    const h = await start({ monotonic: 1_000n });
    h.call("armAfter", 1, 500n);
    h.call("stepWait");
    expect(events(h)).toBe("1@1500");
  });

  test("a timer re-armed for a time already passed fires on the next turn, not in a loop", async () => {
    const h = await start();
    h.call("armAt", 1, 100n);
    h.call("repeat", 1, 0n, 2); // re-arms at the same deadline, twice
    h.call("stepWait");
    expect(events(h)).toBe("1@100");
    h.call("stepWait");
    h.call("stepWait");
    expect(events(h)).toBe("1@100 1@100 1@100");
    expect(h.monotonic).toBe(100n);
  });

  test("a timer re-armed for a time already passed does not hold back the other due timers", async () => {
    const h = await start();
    h.call("armAt", 1, 100n);
    h.call("repeat", 1, -100n, 3); // each firing re-arms 100 ns earlier than before
    h.call("armAt", 2, 100n);
    h.call("stepWait");
    expect(events(h)).toBe("1@100 2@100");
    h.call("stepWait");
    expect(events(h)).toBe("1@100 2@100 1@100");
  });

  test("a due timer cancelled by an earlier handler of the same turn does not fire", async () => {
    const h = await start();
    h.call("armAt", 1, 100n);
    h.call("armAt", 2, 100n);
    h.call("cancelOnFire", 1, 2);
    h.call("stepWait");
    expect(events(h)).toBe("1@100");
    expect(h.call("isArmed", 2)).toBe(0);
    h.call("armAt", 2, 150n);
    h.call("stepWait");
    expect(events(h)).toBe("1@100 2@150");
  });
});

describe("event loop", () => {
  test("step without waiting does not move the clock or fire future timers", async () => {
    const h = await start();
    h.call("armAt", 1, 100n);
    h.call("stepNow");
    expect(events(h)).toBe("");
    expect(h.monotonic).toBe(0n);
    h.advance(100n);
    h.call("stepNow");
    expect(events(h)).toBe("1@100");
  });

  test("run returns when nothing is left to wait for", async () => {
    const h = await start();
    h.call("armAt", 1, 10n);
    h.call("repeat", 1, 10n, 4);
    h.call("runLoop");
    expect(h.idle).toBe(false);
    expect(events(h)).toBe("1@10 1@20 1@30 1@40 1@50");
  });

  test("run returns after stop()", async () => {
    const h = await start();
    h.call("armAt", 1, 10n);
    h.call("repeat", 1, 10n, 100);
    h.call("armAt", 2, 35n);
    h.call("stopOnFire", 2);
    h.call("runLoop");
    expect(events(h)).toBe("1@10 1@20 1@30 2@35");
    expect(h.call("isArmed", 1)).toBe(1);
  });

  test("a frame wakes the loop before the timer; the timer still fires at its time", async () => {
    const h = await withNet();
    expect(h.call("openNet", h.newString("service"))).toBe(1);
    h.call("attachReceiver");
    h.call("armAt", 1, 1_000n);
    h.net().deliver(frame(60, 1), 400n);
    h.call("stepWait");
    expect(h.monotonic).toBe(400n);
    expect(events(h)).toBe("rx:60:1");
    h.call("stepWait");
    expect(events(h)).toBe("rx:60:1 1@1000");
  });

  test("with no timer and no frame, run ends idle (a real image would sleep)", async () => {
    const h = await withNet();
    h.call("openNet", h.newString("service"));
    h.call("runLoop");
    expect(h.idle).toBe(true);
  });
});

describe("net device", () => {
  test("reports the MAC and MTU as attached; a missing device is null", async () => {
    const h = await Harness.start(ENTRY, { devices: [{ name: "eth1", type: "net", mac: "02:aa:bb:cc:dd:ee", mtu: 9000 }] });
    expect(h.call("openNet", h.newString("service"))).toBe(0);
    expect(h.call("openNet", h.newString("eth1"))).toBe(1);
    expect(h.call("mtu")).toBe(9000);
    expect([0, 1, 2, 3, 4, 5].map((i) => h.call("macByte", i))).toEqual([0x02, 0xaa, 0xbb, 0xcc, 0xdd, 0xee]);
  });

  test("every ready frame is received in one wake-up, in order; counters add up", async () => {
    const h = await withNet();
    h.call("openNet", h.newString("service"));
    h.call("attachReceiver");
    for (const [len, first] of [[60, 1], [1514, 2], [42, 3]]) h.net().deliver(frame(len, first), 0n);
    h.call("stepNow");
    expect(events(h)).toBe("rx:60:1 rx:1514:2 rx:42:3");
    expect(h.net().pending).toBe(0);
    expect(h.call("counter", h.newString("framesIn"))).toBe(3n);
    expect(h.call("counter", h.newString("bytesIn"))).toBe(1616n);
  });

  test("frames not yet arrived wait for their time", async () => {
    const h = await withNet();
    h.call("openNet", h.newString("service"));
    h.call("attachReceiver");
    h.net().deliver(frame(60, 1), 0n);
    h.net().deliver(frame(60, 2), 50n);
    h.call("stepNow");
    expect(events(h)).toBe("rx:60:1");
    h.call("stepWait");
    expect(events(h)).toBe("rx:60:1 rx:60:2");
    expect(h.monotonic).toBe(50n);
  });

  test("transmit sends exactly the bytes given; a reply goes out during receive", async () => {
    const h = await withNet();
    h.call("openNet", h.newString("service"));
    h.call("attachReceiver");
    const out = frame(100, 7);
    h.input(out);
    expect(h.call("send")).toBe(1);
    expect(h.call("sendPrefix", 64)).toBe(1);
    h.net().deliver(frame(70, 0xee), 0n);
    h.call("stepNow");
    const sent = h.net().takeSent();
    expect(sent).toEqual([out, out.subarray(0, 64), frame(70, 0xee)]);
    expect(h.call("counter", h.newString("framesOut"))).toBe(3n);
    expect(h.call("counter", h.newString("bytesOut"))).toBe(234n);
  });

  test("drops are counted by reason", async () => {
    const h = await withNet();
    h.call("openNet", h.newString("service"));
    const c = (name: string) => h.call("counter", h.newString(name));
    // No receiver yet: read and dropped.
    h.net().deliver(frame(60, 1), 0n);
    h.call("stepNow");
    expect(c("dropNoReceiver")).toBe(1n);
    // Longer than MTU + 18: not sent.
    h.input(frame(1519, 1));
    expect(h.call("send")).toBe(0);
    expect(c("dropTooLong")).toBe(1n);
    // The tender refuses writes.
    h.net().writeResult = 3;
    h.input(frame(60, 1));
    expect(h.call("send")).toBe(0);
    expect(c("dropWriteError")).toBe(1n);
    // A frame too long for the receive buffer is refused by the tender.
    h.call("attachReceiver");
    h.net().deliver(frame(1600, 9), 0n);
    h.net().deliver(frame(60, 4), 0n);
    h.call("stepNow");
    expect(c("dropReadError")).toBe(1n);
    h.call("stepNow");
    expect(events(h)).toBe("rx:60:4");
    expect(c("framesOut")).toBe(0n);
    expect(h.net().sent).toEqual([]);
  });

  test("each test's traffic is written to build/pcap", async () => {
    const h = await withNet();
    h.call("openNet", h.newString("service"));
    h.call("attachReceiver");
    h.net().deliver(frame(70, 0xee), 1_000n);
    h.call("stepWait");
    const { readFileSync } = await import("node:fs");
    const { readPcap, ROOT } = await import("../harness/index.ts");
    const file = `${ROOT}/build/pcap/loop-net_device_each_test_s_traffic_is_written_to_build_pcap.service.pcap`;
    const records = readPcap(new Uint8Array(readFileSync(file)));
    expect(records.map((r) => r.frame)).toEqual([frame(70, 0xee), frame(70, 0xee)]);
    expect(records[0].timeUs).toBe(1_704_067_200_000_001n);
  });
});
