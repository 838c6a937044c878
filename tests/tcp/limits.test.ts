// Bounded resources: connection and backlog limits, SYN cookies (RFC 4987
// §3.6) when a backlog is full, a SYN flood that leaves established
// connections working, buffer pools that never grow past their limit.
import { describe, expect, test } from "vitest";
import { App, TcpTest, seqAdd } from "./helpers.ts";

const SYN = (t: TcpTest, srcPort: number, opts: object = { mss: 1460 }) => t.seg({ flags: "S", seq: 5000, srcPort, opts });

describe("limits", () => {
  test("SYNs beyond maxConnections are dropped", async () => {
    const t = await TcpTest.boot({ config: { maxConnections: 2 } });
    t.listen(80, App.Sink);
    expect(t.send(SYN(t, 1001))).toHaveLength(1);
    expect(t.send(SYN(t, 1002))).toHaveLength(1);
    expect(t.send(SYN(t, 1003))).toEqual([]);
    expect(t.counters().dropNoRoom).toBe(1n);
    expect(t.layer().active).toBe(2);
  });

  test("a full backlog without cookies drops SYNs", async () => {
    const t = await TcpTest.boot({ config: { synCookies: false } });
    t.listen(80, App.Sink, { backlog: 1 });
    expect(t.send(SYN(t, 1001))).toHaveLength(1);
    expect(t.send(SYN(t, 1002))).toEqual([]);
    expect(t.counters().dropBacklog).toBe(1n);
  });

  test("connections beyond the buffer pools are refused, the pools never grow past their limit", async () => {
    const t = await TcpTest.boot({ config: { maxConnections: 3 } });
    t.listen(80, App.Sink);
    for (let p = 0; p < 3; p++) t.handshake(80, { mss: 1460 }, 1000, 2000 + p);
    expect(t.layer()).toMatchObject({ active: 3, rcvPoolInUse: 3, rcvPoolAllocated: 3 });
    expect(t.send(SYN(t, 3000))).toEqual([]);
  });
});

describe("SYN cookies", () => {
  test("with the backlog full, a cookie SYN-ACK; its ACK makes the connection", async () => {
    const t = await TcpTest.boot();
    t.listen(80, App.Sink, { backlog: 1 });
    t.one(t.send(SYN(t, 1001)));
    const cookie = t.one(t.send(SYN(t, 1002)));
    expect(cookie).toMatchObject({ flags: "SA", ack: 5001, mss: 1460 });
    expect(t.counters().cookiesSent).toBe(1n);
    expect(t.layer().active).toBe(1); // nothing kept for the cookie
    const out = t.send(t.seg({ seq: 5001, ack: seqAdd(cookie.seq, 1), srcPort: 1002, data: "via cookie" }));
    expect(t.events()).toEqual(["0 accept 1002", "0 connected", "0 readable 10"]);
    expect(t.takeRead(0)).toBe("via cookie");
    expect(out).toEqual([]); // delayed ACK
    expect(t.info(0)).toMatchObject({ state: "ESTABLISHED", mss: "1460" });
    expect(t.counters().cookiesAccepted).toBe(1n);
  });

  test("an ACK with a wrong cookie gets a RST", async () => {
    const t = await TcpTest.boot();
    t.listen(80, App.Sink, { backlog: 1 });
    t.send(SYN(t, 1001));
    const cookie = t.one(t.send(SYN(t, 1002)));
    const rst = t.one(t.send(t.seg({ seq: 5001, ack: seqAdd(cookie.seq, 1000), srcPort: 1002 })));
    expect(rst).toMatchObject({ flags: "R", seq: seqAdd(cookie.seq, 1000) });
    expect(t.counters().cookiesRefused).toBe(1n);
  });

  test("with timestamps, the cookie keeps window scale and SACK", async () => {
    const t = await TcpTest.boot({ config: { rcvBuf: 65536 } });
    t.listen(80, App.Sink, { backlog: 1 });
    t.send(SYN(t, 1001));
    const cookie = t.one(t.send(SYN(t, 1002, { mss: 1460, ws: 9, sackOk: true, ts: [77, 0] })));
    expect(cookie).toMatchObject({ ws: 1, sackOk: true });
    t.send(t.seg({ seq: 5001, ack: seqAdd(cookie.seq, 1), srcPort: 1002, opts: { ts: [78, cookie.ts![0]] } }));
    expect(t.info(0)).toMatchObject({ state: "ESTABLISHED", sndWscale: "9", rcvWscale: "1", sackOk: "1", tsOk: "1" });
  });

  test("under a SYN flood an established connection keeps working", async () => {
    const t = await TcpTest.boot();
    t.listen(80, App.Echo, { backlog: 4 });
    const { our, peer } = t.handshake(80, { mss: 1460 }, 1000, 999);
    const flood = Array.from({ length: 500 }, (_, i) => SYN(t, 10000 + i));
    const answers = t.send(...flood);
    expect(answers).toHaveLength(500); // 4 kept, the rest cookies
    expect(t.counters().cookiesSent).toBe(496n);
    const echo = t.one(t.send(t.seg({ seq: peer, ack: our, srcPort: 999, data: "still alive" })));
    expect(echo.text).toBe("still alive");
    expect(t.layer()).toMatchObject({ active: 5, rcvPoolInUse: 1 });
  });
});
