// Closing (RFC 9293 §3.6): passive and active close, simultaneous close,
// half-close, TIME-WAIT (2 MSL, repeated FINs, its bound), FIN-WAIT-2's
// limit, resets in both directions, a FIN ahead of missing data.
import { describe, expect, test } from "vitest";
import { App, MS, SECOND, TcpTest } from "./helpers.ts";

async function open(app: App, config = {}) {
  const t = await TcpTest.boot({ config });
  t.listen(80, app);
  const { our, peer } = t.handshake(80, { mss: 1460 });
  t.events();
  return { t, our, peer };
}

describe("passive close", () => {
  test("the peer's FIN: ACKed, the application closes, our FIN, its ACK: gone", async () => {
    const { t, our, peer } = await open(App.Echo);
    const fin = t.one(t.send(t.seg({ flags: "F", seq: peer, ack: our })));
    // The echo application closes on peerClosed: one segment ACKs their
    // FIN and carries ours.
    expect(fin).toMatchObject({ flags: "FA", seq: our, ack: peer + 1 });
    expect(t.events()).toEqual(["0 peerClosed"]);
    expect(t.info(0).state).toBe("LAST-ACK");
    expect(t.send(t.seg({ seq: peer + 1, ack: our + 1 }))).toEqual([]);
    expect(t.events()).toEqual(["0 closed normal"]);
    expect(t.layer()).toMatchObject({ active: 0, timeWait: 0, rcvPoolInUse: 0, sndPoolInUse: 0 });
  });

  test("half-close: after the peer's FIN we may still send", async () => {
    const { t, our, peer } = await open(App.Sink);
    t.send(t.seg({ flags: "F", seq: peer, ack: our }));
    expect(t.info(0).state).toBe("CLOSE-WAIT");
    expect(t.write(0, "late words")).toBe(10);
    expect(t.one(t.step())).toMatchObject({ text: "late words", ack: peer + 1 });
  });
});

describe("active close", () => {
  test("FIN-WAIT-1, FIN-WAIT-2, TIME-WAIT for 2 MSL, then gone", async () => {
    const { t, our, peer } = await open(App.Sink);
    t.call("shutdown", 0);
    expect(t.one(t.step())).toMatchObject({ flags: "FA", seq: our });
    expect(t.info(0).state).toBe("FIN-WAIT-1");
    t.send(t.seg({ seq: peer, ack: our + 1 }));
    expect(t.info(0).state).toBe("FIN-WAIT-2");
    // Half-closed: the peer's data still arrives, then its FIN.
    t.send(t.seg({ seq: peer, ack: our + 1, data: "still here" }));
    expect(t.takeRead(0)).toBe("still here");
    const ack = t.one(t.send(t.seg({ flags: "F", seq: peer + 10, ack: our + 1 })));
    expect(ack).toMatchObject({ flags: "A", ack: peer + 11 });
    expect(t.events()).toEqual(["0 readable 10", "0 peerClosed", "0 closed normal"]);
    expect(t.layer()).toMatchObject({ active: 0, timeWait: 1, rcvPoolInUse: 0 });
    // A repeated FIN (our ACK lost) is ACKed again.
    expect(t.one(t.advance(30n * SECOND).concat(t.send(t.seg({ flags: "F", seq: peer + 10, ack: our + 1 }))))).toMatchObject({ ack: peer + 11 });
    expect(t.advance(59n * SECOND)).toEqual([]);
    expect(t.layer().timeWait).toBe(1); // the repeated FIN restarted 2 MSL
    t.advance(SECOND);
    expect(t.layer().timeWait).toBe(0);
  });

  test("a newer SYN takes over a connection in TIME-WAIT (RFC 6191); an old one gets a challenge ACK", async () => {
    const { t, our, peer } = await open(App.Sink);
    t.call("shutdown", 0);
    t.step();
    t.send(t.seg({ seq: peer, ack: our + 1 }));
    t.send(t.seg({ flags: "F", seq: peer, ack: our + 1 }));
    expect(t.layer().timeWait).toBe(1);
    const old = t.one(t.send(t.seg({ flags: "S", seq: peer - 10, opts: { mss: 1460 } })));
    expect(old).toMatchObject({ flags: "A", ack: peer + 1 });
    const synAck = t.one(t.send(t.seg({ flags: "S", seq: peer + 100000, opts: { mss: 1460 } })));
    expect(synAck).toMatchObject({ flags: "SA", ack: peer + 100001 });
    expect(t.layer()).toMatchObject({ timeWait: 0, active: 1 });
    expect(t.counters().timeWaitReused).toBe(1n);
  });

  test("a RST in SYN-RECEIVED drops the half-open connection quietly", async () => {
    const t = await TcpTest.boot();
    t.listen(80, App.Sink);
    t.send(t.seg({ flags: "S", seq: 1000, opts: { mss: 1460 } }));
    expect(t.layer().active).toBe(1);
    expect(t.send(t.seg({ flags: "R", seq: 1001 }))).toEqual([]);
    expect(t.layer().active).toBe(0);
    expect(t.events()).toEqual([]);
  });

  test("simultaneous close goes through CLOSING", async () => {
    const { t, our, peer } = await open(App.Sink);
    t.call("shutdown", 0);
    t.step();
    const ack = t.one(t.send(t.seg({ flags: "F", seq: peer, ack: our })));
    expect(ack).toMatchObject({ ack: peer + 1 });
    expect(t.info(0).state).toBe("CLOSING");
    t.send(t.seg({ seq: peer + 1, ack: our + 1 }));
    expect(t.info(0).state).toBe("TIME-WAIT");
  });

  test("TIME-WAIT is skipped when its bound is reached; the last ACK still goes", async () => {
    const { t, our, peer } = await open(App.Sink, { maxTimeWait: 0 });
    t.call("shutdown", 0);
    t.step();
    t.send(t.seg({ seq: peer, ack: our + 1 }));
    expect(t.one(t.send(t.seg({ flags: "F", seq: peer, ack: our + 1 })))).toMatchObject({ flags: "A", ack: peer + 1 });
    expect(t.layer()).toMatchObject({ active: 0, timeWait: 0 });
    expect(t.counters().timeWaitSkipped).toBe(1n);
  });

  test("a closed connection whose peer never sends its FIN leaves FIN-WAIT-2 after the limit", async () => {
    const { t, our, peer } = await open(App.Sink, { finWait2Timeout: 10n * SECOND });
    t.call("close", 0);
    t.step();
    t.send(t.seg({ seq: peer, ack: our + 1 }));
    expect(t.info(0).state).toBe("FIN-WAIT-2");
    t.advance(10n * SECOND);
    expect(t.events()).toEqual(["0 closed timeout"]);
    expect(t.layer().active).toBe(0);
  });

  test("after close(), arriving data is acknowledged and dropped, never delivered", async () => {
    const { t, our, peer } = await open(App.Sink);
    t.call("close", 0);
    t.step();
    t.send(t.seg({ seq: peer, ack: our + 1, data: "ignored" }));
    expect(t.events()).toEqual([]);
    expect(t.info(0).rcvNxt).toBe(String(peer + 7));
  });

  test("a FIN ahead of missing data waits for it", async () => {
    const { t, our, peer } = await open(App.Sink);
    t.send(t.seg({ flags: "F", seq: peer + 5, ack: our, data: "world" }));
    expect(t.info(0).state).toBe("ESTABLISHED");
    const ack = t.one(t.send(t.seg({ seq: peer, ack: our, data: "hello" })));
    expect(ack.ack).toBe(peer + 11);
    expect(t.info(0).state).toBe("CLOSE-WAIT");
    expect(t.takeRead(0)).toBe("helloworld");
  });
});

describe("resets", () => {
  test("abort() sends a RST and ends the connection at once", async () => {
    const { t, our } = await open(App.Sink);
    t.call("abort", 0);
    expect(t.one(t.step().concat(t.sent()))).toMatchObject({ flags: "R", seq: our });
    expect(t.events()).toEqual(["0 closed aborted"]);
    expect(t.layer()).toMatchObject({ active: 0, rcvPoolInUse: 0 });
  });

  test("the peer's RST ends the connection", async () => {
    const { t, peer } = await open(App.Sink);
    expect(t.send(t.seg({ flags: "R", seq: peer }))).toEqual([]);
    expect(t.events()).toEqual(["0 closed reset"]);
    expect(t.advance(MS)).toEqual([]);
  });
});
