// The peer's zero window and our probes (RFC 9293 §3.8.6.1), keepalive
// (RFC 1122 §4.2.3.6).
import { describe, expect, test } from "vitest";
import { App, MS, SECOND, TcpTest } from "./helpers.ts";

describe("zero window", () => {
  test("data waits behind a zero window; probes back off; a window update lets it go", async () => {
    const t = await TcpTest.boot();
    t.listen(80, App.Sink);
    const hs = t.handshake(80, { mss: 1460 });
    const { our, peer } = hs;
    t.send(t.seg({ seq: peer, ack: our, win: 0 }));
    expect(t.write(0, "waiting")).toBe(7);
    expect(t.step()).toEqual([]);
    // Probes: SND.UNA - 1, no data, at RTO, 2 RTO, 4 RTO…
    let wait = 200n;
    for (let i = 0; i < 3; i++) {
      expect(t.advance(wait * MS - MS)).toEqual([]);
      expect(t.one(t.advance(MS))).toMatchObject({ seq: our - 1, data: new Uint8Array(0) });
      t.send(t.seg({ seq: peer, ack: our, win: 0 }));
      wait *= 2n;
    }
    expect(t.counters().windowProbes).toBe(3n);
    const data = t.one(t.send(t.seg({ seq: peer, ack: our, win: 1000 })));
    expect(data).toMatchObject({ seq: our, text: "waiting" });
    expect(t.info(0).state).toBe("ESTABLISHED");
  });

  test("probes never give up on their own", async () => {
    const t = await TcpTest.boot({ config: { maxRetries: 2, maxPersist: 2n * SECOND } });
    t.listen(80, App.Sink);
    const { our, peer } = t.handshake(80, { mss: 1460 });
    t.send(t.seg({ seq: peer, ack: our, win: 0 }));
    t.write(0, "x");
    t.step();
    let probes = 0;
    for (let i = 0; i < 20; i++) {
      probes += t.advance(2n * SECOND).length;
      t.send(t.seg({ seq: peer, ack: our, win: 0 }));
    }
    expect(probes).toBeGreaterThanOrEqual(18);
    expect(t.info(0).state).toBe("ESTABLISHED");
  });
});

describe("keepalive", () => {
  test("an idle connection is probed, and dropped when probes go unanswered", async () => {
    const t = await TcpTest.boot({ config: { keepIdle: 10n * SECOND, keepInterval: SECOND, keepCount: 2 } });
    t.listen(80, App.Sink);
    const { our, peer } = t.handshake(80, { mss: 1460 });
    t.events();
    t.call("keepAlive", 0, true);
    expect(t.advance(10n * SECOND - MS)).toEqual([]);
    expect(t.one(t.advance(MS))).toMatchObject({ seq: our - 1, data: new Uint8Array(0) });
    // An answer: idle again from now.
    t.send(t.seg({ seq: peer, ack: our }));
    expect(t.advance(5n * SECOND)).toEqual([]);
    expect(t.one(t.advance(5n * SECOND))).toMatchObject({ seq: our - 1 });
    expect(t.one(t.advance(SECOND))).toMatchObject({ seq: our - 1 });
    expect(t.one(t.advance(SECOND))).toMatchObject({ flags: "R" });
    expect(t.events()).toEqual(["0 closed timeout"]);
    expect(t.counters().keepaliveProbes).toBe(3n);
  });

  test("off by default: a connection idle for hours is left alone", async () => {
    const t = await TcpTest.boot();
    t.listen(80, App.Sink);
    t.handshake(80, { mss: 1460 });
    expect(t.advance(10n * 3600n * SECOND)).toEqual([]);
    expect(t.info(0).state).toBe("ESTABLISHED");
  });
});

describe("batching", () => {
  test("a flush that runs out of its send budget holds no other timer back", async () => {
    const t = await TcpTest.boot();
    t.setSourceBytes(20000);
    t.listen(80, App.Sink);
    t.listen(81, App.Source);
    const b = t.handshake(80, { mss: 1460 }, 1000, 1000);
    // B's data: its delayed ACK is due at 40 ms.
    expect(t.send(t.seg({ srcPort: 1000, seq: b.peer, ack: b.our, data: "x" }))).toEqual([]);
    t.advance(39n * MS);
    // Seven connections to the Source, their handshakes completed in one
    // turn at 40 ms: 70 segments to send, more than one turn's budget.
    const synAcks = Array.from({ length: 7 }, (_, i) => t.one(t.send(t.seg({ flags: "S", seq: 5000, dstPort: 81, srcPort: 2000 + i, opts: { mss: 1460 } }))));
    t.h.advance(MS);
    const out = t.send(...synAcks.map((s, i) => t.seg({ seq: 5001, ack: s.seq + 1, dstPort: 81, srcPort: 2000 + i })));
    // The budget went to the Sources, and B's ACK went out in the same turn.
    expect(out.filter((s) => s.data.length > 0).length).toBe(64);
    expect(out.some((s) => s.dstPort === 1000 && s.ack === b.peer + 1)).toBe(true);
    // The rest follow in the next turn.
    expect(t.step().filter((s) => s.data.length > 0).length).toBe(6);
  });
});
