// Data both ways: delivery in order, the acknowledgement policy (RFC 1122
// §4.2.3.2, RFC 5681 §4.2), out-of-order data kept and SACKed (RFC 2018),
// the receive window (RFC 9293 §3.8.6.2.2) and write backpressure.
import { describe, expect, test } from "vitest";
import { App, MS, TcpTest, patternBytes, seqAdd } from "./helpers.ts";

const bytes = (n: number, seed = 0) => Uint8Array.from({ length: n }, (_, i) => 65 + ((i + seed) % 26));
const text = (b: Uint8Array) => Buffer.from(b).toString("latin1");

async function connected(app: App, config = {}, opts = { mss: 1460 }) {
  const t = await TcpTest.boot({ config });
  t.listen(80, app);
  const { our, peer } = t.handshake(80, opts);
  t.events();
  return { t, our, peer };
}

describe("receiving", () => {
  test("one small segment is delivered and acknowledged after the delayed-ACK timeout", async () => {
    const { t, our, peer } = await connected(App.Sink);
    expect(t.send(t.seg({ seq: peer, ack: our, flags: "P", data: "hello" }))).toEqual([]);
    expect(t.events()).toEqual(["0 readable 5"]);
    expect(t.takeRead(0)).toBe("hello");
    expect(t.advance(39n * MS)).toEqual([]);
    expect(t.one(t.advance(MS))).toMatchObject({ flags: "A", seq: our, ack: peer + 5, data: new Uint8Array(0) });
  });

  test("every second full-sized segment is acknowledged at once (RFC 5681 §4.2)", async () => {
    const { t, our, peer } = await connected(App.Sink);
    expect(t.send(t.seg({ seq: peer, ack: our, data: bytes(1460) }))).toEqual([]);
    const ack = t.one(t.send(t.seg({ seq: peer + 1460, ack: our, data: bytes(1460, 1) })));
    expect(ack.ack).toBe(peer + 2920);
    expect(t.takeRead(0)).toBe(text(bytes(1460)) + text(bytes(1460, 1)));
  });

  test("an answer carries the acknowledgement (no separate ACK)", async () => {
    const { t, our, peer } = await connected(App.Echo);
    const out = t.one(t.send(t.seg({ seq: peer, ack: our, flags: "P", data: "ping" })));
    expect(out).toMatchObject({ flags: "PA", seq: our, ack: peer + 4, text: "ping" });
    expect(t.advance(100n * MS)).toEqual([]);
  });

  test("out-of-order data is kept and SACKed at once; the hole filled, all is acknowledged", async () => {
    const { t, our, peer } = await connected(App.Sink, {}, { mss: 1460, sackOk: true } as never);
    const dup = t.one(t.send(t.seg({ seq: peer + 100, ack: our, data: bytes(100, 100) })));
    expect(dup).toMatchObject({ ack: peer, sack: [[peer + 100, peer + 200]] });
    expect(t.events()).toEqual([]);
    const dup2 = t.one(t.send(t.seg({ seq: peer + 300, ack: our, data: bytes(50, 300) })));
    // RFC 2018 §4: the block of the latest segment first.
    expect(dup2.sack).toEqual([[peer + 300, peer + 350], [peer + 100, peer + 200]]);
    const ack = t.one(t.send(t.seg({ seq: peer, ack: our, data: bytes(100) })));
    expect(ack).toMatchObject({ ack: peer + 200, sack: [[peer + 300, peer + 350]] });
    expect(t.takeRead(0)).toBe(text(bytes(100)) + text(bytes(100, 100)));
    const last = t.one(t.send(t.seg({ seq: peer + 200, ack: our, data: bytes(100, 200) })));
    expect(last).toMatchObject({ ack: peer + 350, sack: [] });
    expect(t.takeRead(0)).toBe(text(bytes(100, 200)) + text(bytes(50, 300)));
    expect(t.counters().outOfOrder).toBe(2n);
  });

  test("a segment partly before RCV.NXT gives only its new bytes", async () => {
    const { t, our, peer } = await connected(App.Sink);
    t.send(t.seg({ seq: peer, ack: our, data: "abcdef" }));
    t.send(t.seg({ seq: peer + 3, ack: our, data: "defghi" }));
    expect(t.takeRead(0)).toBe("abcdefghi");
  });

  test("unread bytes close the window; reading reopens it with a window update", async () => {
    const { t, our, peer } = await connected(App.Hold, { rcvBuf: 4096 });
    t.send(t.seg({ seq: peer, ack: our, data: bytes(1460) }));
    const a = t.one(t.send(t.seg({ seq: peer + 1460, ack: our, data: bytes(1460) })));
    expect(a.win).toBe(4096 - 2920);
    expect(t.send(t.seg({ seq: peer + 2920, ack: our, data: bytes(1176) }))).toEqual([]);
    const b = t.one(t.advance(40n * MS));
    expect(b).toMatchObject({ ack: peer + 4096, win: 0 });
    // Into a zero window: dropped, answered with the same ACK.
    const z = t.one(t.send(t.seg({ seq: peer + 4096, ack: our, data: "x" })));
    expect(z).toMatchObject({ ack: peer + 4096, win: 0 });
    expect(t.counters().dropZeroWindow).toBe(1n);
    // A little read: not worth announcing (receiver SWS avoidance).
    t.call("consume", 0, 100);
    expect(t.step()).toEqual([]);
    t.call("consume", 0, 4000);
    expect(t.one(t.step())).toMatchObject({ flags: "A", ack: peer + 4096, win: 4096 });
  });

  test("bytes beyond the window are cut off", async () => {
    const { t, our, peer } = await connected(App.Hold, { rcvBuf: 4096 });
    t.send(t.seg({ seq: peer, ack: our, data: bytes(1460) }), t.seg({ seq: peer + 1460, ack: our, data: bytes(1460) }),
      t.seg({ seq: peer + 2920, ack: our, data: bytes(1460) }));
    expect(Number(t.info(0).unread)).toBe(4096);
    expect(t.info(0).rcvNxt).toBe(String(peer + 4096));
  });
});

describe("sending", () => {
  test("write takes what fits, says so, and `writable` comes when ACKs free space", async () => {
    const { t, our, peer } = await connected(App.Sink, { sndBuf: 4096 });
    expect(t.write(0, bytes(10000))).toBe(4096);
    const out = t.step();
    expect(out.map((s) => s.data.length)).toEqual([1460, 1460, 1176]);
    expect(out.map((s) => s.seq)).toEqual([our, our + 1460, our + 2920]);
    expect(t.write(0, "more")).toBe(0);
    t.send(t.seg({ seq: peer, ack: our + 2920 }));
    expect(t.events()).toEqual(["0 writable"]);
    expect(t.write(0, bytes(5000))).toBe(2920);
  });

  test("a large write goes out as full segments within the initial window (RFC 6928)", async () => {
    const t = await TcpTest.boot();
    t.setSourceBytes(20000);
    t.listen(80, App.Source);
    const { our, out } = t.handshake(80, { mss: 1000 });
    // min(10 × MSS, max(2 × MSS, 14600)) = 10 segments of 1000 bytes.
    expect(out.map((s) => s.data.length)).toEqual(Array(10).fill(1000));
    expect(out.map((s) => s.seq)).toEqual(Array.from({ length: 10 }, (_, i) => our + 1000 * i));
    expect(out.every((s) => s.flags === "A" || s.flags === "PA")).toBe(true);
  });

  test("the Source pattern arrives in order across acknowledgements", async () => {
    const t = await TcpTest.boot();
    t.setSourceBytes(30000);
    t.listen(80, App.Source);
    const hs = t.handshake(80, { mss: 1460 });
    const { our, peer } = hs;
    let got = new Uint8Array(0);
    let out = hs.out;
    let fin = -1;
    for (let round = 0; round < 10 && fin < 0; round++) {
      for (const s of out) {
        expect(s.seq).toBe(our + got.length);
        got = Uint8Array.from([...got, ...s.data]);
        if (s.flags.includes("F")) fin = seqAdd(s.seq, s.data.length);
      }
      out = t.send(t.seg({ seq: peer, ack: our + got.length, win: 65535 }));
    }
    expect(got).toEqual(patternBytes(0, 30000));
    // The source shuts down once all is written: the FIN follows the last byte.
    expect(fin).toBe(seqAdd(our, 30000));
  });
});
