// TCP over a device with segmentation offload (the harness cuts each
// super-segment as Linux does, toolchain/testing/devices.ts segmentTso): new
// data leaves in super-segments of whole segments, within the windows,
// with the sequence numbers consecutive segments would have had; a
// segment carries the MSS less the options (RFC 9293 §3.7.1), so none
// exceeds the MTU; what is sent again stays one segment.
import { describe, expect, test } from "vitest";
import { App, SECOND, TcpTest, patternBytes, seqAdd, type Segment } from "./helpers.ts";
import { US_MAC } from "../net/helpers.ts";

const tsoDevice = { devices: [{ name: "service", type: "net" as const, mac: US_MAC, mtu: 1500, tso: true }] };

describe("TCP with segmentation offload", () => {
  test("the first flight is one super-segment of 10 MSS, cut into the segments it would have sent", async () => {
    const t = await TcpTest.boot(tsoDevice);
    t.setSourceBytes(20000);
    t.listen(80, App.Source);
    const { our, out } = t.handshake(80, { mss: 1000 });
    expect(out.map((s) => s.data.length)).toEqual(Array(10).fill(1000));
    expect(out.map((s) => s.seq)).toEqual(Array.from({ length: 10 }, (_, i) => our + 1000 * i));
    expect(out.every((s) => s.flags === "A")).toBe(true);
    expect(t.h.net().tsoFrames).toBe(1);
    expect(t.counters().superSegmentsOut).toBe(1n);
  });

  test("the Source pattern arrives whole and in order, in super-segments, to the FIN", async () => {
    const t = await TcpTest.boot(tsoDevice);
    t.setSourceBytes(300000);
    t.listen(80, App.Source);
    const hs = t.handshake(80, { mss: 1460, ws: 7 });
    const { our, peer } = hs;
    let got = new Uint8Array(0);
    let out = hs.out;
    let fin = -1;
    for (let round = 0; round < 40 && fin < 0; round++) {
      for (const s of out) {
        expect(s.seq).toBe(seqAdd(our, got.length));
        expect(s.data.length).toBeLessThanOrEqual(1460);
        got = Uint8Array.from([...got, ...s.data]);
        if (s.flags.includes("F")) fin = seqAdd(s.seq, s.data.length);
      }
      out = t.send(t.seg({ seq: peer, ack: seqAdd(our, got.length), win: 65535 }));
    }
    expect(got).toEqual(patternBytes(0, 300000));
    expect(fin).toBe(seqAdd(our, 300000));
    expect(t.h.net().tsoFrames).toBeGreaterThan(5);
  });

  test("with timestamps, segments carry the MSS less the 12 option bytes, as without the offload", async () => {
    const t = await TcpTest.boot(tsoDevice);
    t.setSourceBytes(20000);
    t.listen(80, App.Source);
    const { our, out } = t.handshake(80, { mss: 1460, ts: [100, 0] });
    // cwnd 10 × 1448: ten segments in one super-segment.
    expect(out.map((s) => s.data.length)).toEqual(Array(10).fill(1448));
    expect(out.map((s) => s.seq)).toEqual(Array.from({ length: 10 }, (_, i) => seqAdd(our, 1448 * i)));
    for (const s of out) expect(s.ts).toBeDefined();
    expect(t.h.net().tsoFrames).toBe(1);
  });

  test("after a timeout the first segment goes again alone, MSS-sized", async () => {
    const t = await TcpTest.boot(tsoDevice);
    t.setSourceBytes(20000);
    t.listen(80, App.Source);
    const { our, out } = t.handshake(80, { mss: 1000 });
    expect(out).toHaveLength(10);
    const frames = t.h.net().tsoFrames;
    // The tail loss probe sends the last segment again, then the timeout
    // the first one: each alone, MSS-sized, not offloaded.
    const again: Segment[] = [];
    for (let i = 0; i < 40 && !again.some((s) => s.seq === our); i++) again.push(...t.advance(SECOND / 10n));
    expect(again.map((s) => [(s.seq - our) >>> 0, s.data.length])).toEqual([[9000, 1000], [0, 1000]]);
    expect(t.h.net().tsoFrames).toBe(frames);
  });

  test("without the offload nothing changes: ten segments, ten frames", async () => {
    const t = await TcpTest.boot();
    t.setSourceBytes(20000);
    t.listen(80, App.Source);
    const { out } = t.handshake(80, { mss: 1000 });
    expect(out.map((s) => s.data.length)).toEqual(Array(10).fill(1000));
    expect(t.h.net().tsoFrames).toBe(0);
    expect(t.counters().superSegmentsOut).toBe(0n);
  });
});
