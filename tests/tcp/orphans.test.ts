// Orphans: connections the application has closed, that nobody will read
// or write again. They are bounded in time and retries as Linux bounds
// them (tcp_orphan_retries): zero-window probes give up after
// orphanRetries whether the peer answers or not, retransmissions after
// orphanRetries instead of maxRetries; and when the table is full the
// oldest orphan, then a connection a listener can spare, makes room for a
// new SYN.
import { describe, expect, test } from "vitest";
import { App, MS, SECOND, Segment, TcpTest, seqAdd } from "./helpers.ts";

async function open(config = {}, srcPort = 40000) {
  const t = await TcpTest.boot({ config });
  t.listen(80, App.Sink);
  const { our, peer } = t.handshake(80, { mss: 1460 }, 1000, srcPort);
  t.events();
  return { t, our, peer };
}

/** Whether a connection timed out. */
function timedOut(t: TcpTest): boolean {
  return t.counters().closedTimeout > 0n;
}

/** A second of fake time, the peer's ARP entry kept fresh (it would
 * expire in the minutes these tests wait, and hold our segments back). */
function tick(t: TcpTest): Segment[] {
  t.peerArp();
  return t.advance(SECOND);
}

/** Advance in 1 s steps for at most `limit` seconds, answering every
 * segment with a zero-window ACK from `srcPort` (when `answer`), until
 * the connection times out; the probes seen and the seconds it took. */
function probeUntilReset(t: TcpTest, peer: number, our: number, answer: boolean, limit = 400, srcPort = 40000) {
  let probes = 0;
  for (let s = 1; s <= limit; s++) {
    const out = tick(t);
    if (timedOut(t)) return { probes, seconds: s };
    for (const o of out) {
      if (o.seq === seqAdd(our, -1) && o.data.length === 0) probes++;
      if (answer) t.send(t.seg({ seq: peer, ack: our, win: 0, srcPort }));
    }
  }
  return { probes, seconds: Infinity };
}

describe("zero-window probes", () => {
  test("an orphan in FIN-WAIT-1 behind a window kept shut is dropped after orphanRetries probes, answered or not", async () => {
    const { t, our, peer } = await open();
    t.send(t.seg({ seq: peer, ack: our, win: 0 }));
    expect(t.write(0, "a response the client never reads")).toBe(33);
    t.call("close", 0);
    t.step();
    expect(t.info(0).state).toBe("FIN-WAIT-1");
    const { probes, seconds } = probeUntilReset(t, peer, our, true);
    expect(probes).toBe(8);
    // 200 ms backing off to 51.2 s: ~102 s, not forever.
    expect(seconds).toBeGreaterThan(90);
    expect(seconds).toBeLessThan(130);
    expect(t.events()).toEqual(["0 closed timeout"]);
    expect(t.counters()).toMatchObject({ orphanProbeTimeouts: 1n, windowProbes: 8n });
    expect(t.layer()).toMatchObject({ active: 0, rcvPoolInUse: 0, sndPoolInUse: 0 });
  });

  test("an orphan in LAST-ACK behind a shut window is dropped the same way", async () => {
    const { t, our, peer } = await open();
    t.send(t.seg({ flags: "F", seq: peer, ack: our, win: 0 }));
    expect(t.write(0, "late answer")).toBe(11);
    t.call("close", 0);
    t.step();
    expect(t.info(0).state).toBe("LAST-ACK");
    const { probes } = probeUntilReset(t, peer + 1, our, true);
    expect(probes).toBe(8);
    expect(t.events()).toEqual(["0 peerClosed", "0 closed timeout"]);
    expect(t.counters().orphanProbeTimeouts).toBe(1n);
  });

  test("a connection the application still holds keeps probing while the peer answers, and gives up after maxRetries unanswered probes", async () => {
    const { t, our, peer } = await open({ maxRetries: 5, maxPersist: 2n * SECOND });
    t.send(t.seg({ seq: peer, ack: our, win: 0 }));
    t.write(0, "x");
    t.step();
    // Answered: 30 probes and still there.
    let answered = 0;
    for (let i = 0; i < 60; i++) {
      for (const o of tick(t)) {
        expect(o.flags).not.toContain("R");
        answered++;
        t.send(t.seg({ seq: peer, ack: our, win: 0 }));
      }
    }
    expect(answered).toBeGreaterThanOrEqual(28);
    expect(t.info(0).state).toBe("ESTABLISHED");
    // Unanswered: the 5th without an answer is the last.
    const { probes } = probeUntilReset(t, peer, our, false, 60);
    expect(probes).toBe(5);
    expect(t.events()).toEqual(["0 closed timeout"]);
    expect(t.counters().probeTimeouts).toBe(1n);
  });
});

describe("retransmissions", () => {
  test("an orphan whose data and FIN go unacknowledged is dropped after orphanRetries, in ~100 s", async () => {
    const { t, our, peer } = await open();
    t.write(0, "never acknowledged");
    t.call("close", 0);
    const first = t.step();
    expect(first.map((s) => s.flags).join()).toContain("F");
    let retransmits = 0;
    let seconds = 0;
    for (; seconds < 600; seconds++) {
      const out = tick(t);
      if (timedOut(t)) break;
      retransmits += out.filter((o) => o.data.length > 0 || o.flags.includes("F")).length;
    }
    // 200 ms backing off 8 times: ~102 s.
    expect(seconds).toBeGreaterThan(90);
    expect(seconds).toBeLessThan(130);
    expect(t.events()).toEqual(["0 closed timeout"]);
    expect(t.counters().orphanTimeouts).toBe(1n);
    expect(t.layer().active).toBe(0);
    void peer;
    expect(retransmits).toBeGreaterThanOrEqual(8);
  });

  test("a connection the application holds still gets maxRetries", async () => {
    const { t } = await open();
    t.write(0, "never acknowledged");
    t.step();
    let seconds = 0;
    for (; seconds < 1200; seconds++) if ((tick(t), timedOut(t))) break;
    // 12 doublings capped at 60 s.
    expect(seconds).toBeGreaterThan(300);
    expect(t.counters().orphanTimeouts).toBe(0n);
  });
});

describe("room under pressure", () => {
  const SYN = (t: TcpTest, port: number) => t.seg({ flags: "S", seq: 5000, srcPort: port, opts: { mss: 1460 } });

  test("a full table resets its oldest orphan to take a new SYN", async () => {
    const t = await TcpTest.boot({ config: { maxConnections: 3 } });
    t.listen(80, App.Sink);
    const a = t.handshake(80, { mss: 1460 }, 1000, 2001);
    const b = t.handshake(80, { mss: 1460 }, 1000, 2002);
    t.handshake(80, { mss: 1460 }, 1000, 2003);
    // Both orphans behind a shut window: b closed first, then a.
    t.send(t.seg({ seq: b.peer, ack: b.our, win: 0, srcPort: 2002 }), t.seg({ seq: a.peer, ack: a.our, win: 0, srcPort: 2001 }));
    t.write(1, "b");
    t.write(0, "a");
    t.call("close", 1);
    t.call("close", 0);
    t.step();
    t.events();
    const out = t.send(SYN(t, 3000));
    expect(out.map((s) => `${s.flags}>${s.dstPort}`)).toEqual(["R>2002", "SA>3000"]);
    expect(t.events()).toEqual(["1 closed aborted"]);
    expect(t.counters()).toMatchObject({ orphansReclaimed: 1n, dropNoRoom: 0n });
    // The next takes the other orphan; then no orphan is left: dropped.
    expect(t.send(SYN(t, 3001)).map((s) => `${s.flags}>${s.dstPort}`)).toEqual(["R>2001", "SA>3001"]);
    expect(t.send(SYN(t, 3002))).toEqual([]);
    expect(t.counters()).toMatchObject({ orphansReclaimed: 2n, dropNoRoom: 1n });
  });

  test("with no orphan, a connection the listener can spare makes room", async () => {
    const t = await TcpTest.boot({ config: { maxConnections: 2 } });
    t.listen(80, App.Sink);
    t.handshake(80, { mss: 1460 }, 1000, 2001);
    t.handshake(80, { mss: 1460 }, 1000, 2002);
    t.events();
    expect(t.send(SYN(t, 3000))).toEqual([]);
    t.call("setSpare", 1);
    expect(t.send(SYN(t, 3001)).map((s) => `${s.flags}>${s.dstPort}`)).toEqual(["R>2002", "SA>3001"]);
    expect(t.events()).toEqual(["1 closed aborted"]);
    expect(t.counters()).toMatchObject({ idleReclaimed: 1n, dropNoRoom: 1n });
    void MS;
  });
});
