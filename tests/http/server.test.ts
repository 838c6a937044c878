// The HTTP server over the harnessed TCP, the test playing the client
// segment by segment with a fake clock: requests in pieces, pipelining,
// bodies (Content-Length, chunked, Expect: 100-continue), the limits and
// timeouts that close a connection, and backpressure when the client
// stops reading.
import { describe, expect, test } from "vitest";
import { MS, SECOND, TcpTest, type Segment } from "../tcp/helpers.ts";
import { ENTRY, httpClient, statuses, text } from "./client.ts";

/** The HTTP server's counters (TcpTest.counters reads TCP's). */
const httpCounters = (t: TcpTest): Record<string, bigint> => {
  const line = (t.h.string(t.call("counters")) as string).split("\n").find((l) => l.startsWith("http "))!;
  return Object.fromEntries(line.split(" ").slice(1).map((i) => i.split("=")).map(([k, v]) => [k, BigInt(v)]));
};

const client = (config: Record<string, number | bigint> = {}, kind = 1, assets?: { name: string; bytes: Uint8Array }[]) =>
  httpClient({ config, kind, assets });

describe("requests", () => {
  test("a request in pieces is answered once it is whole", async () => {
    const c = await client();
    expect(c.send("GET /a HT")).toEqual([]);
    expect(c.send("TP/1.1\r\nHo")).toEqual([]);
    const out = text(c.send("st: x\r\n\r\n"));
    expect(out).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
    expect(out).toContain("\r\n\r\nGET /a v1.1 body=0\nHost=x\n");
  });

  test("pipelined requests are answered in order, together", async () => {
    const c = await client();
    const out = c.send("GET /1 HTTP/1.1\r\nHost: x\r\n\r\nGET /2 HTTP/1.1\r\nHost: x\r\n\r\nGET /3 HTTP/1.1\r\nHost: x\r\n\r\n");
    const all = text(out);
    expect(statuses(all)).toEqual(["200", "200", "200"]);
    expect([...all.matchAll(/GET (\/\d)/g)].map((m) => m[1])).toEqual(["/1", "/2", "/3"]);
    expect(out).toHaveLength(1); // one segment carries all three
  });

  test("a Content-Length body may come in pieces", async () => {
    const c = await client();
    expect(c.send("POST /f HTTP/1.1\r\nHost: x\r\nContent-Length: 11\r\n\r\nhello")).toEqual([]);
    expect(text(c.send(" world"))).toContain("POST /f v1.1 body=11 [hello world]");
  });

  test("a chunked body is decoded, and the next request found after it", async () => {
    const c = await client();
    const out = text(c.send("POST /c HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6;x=y\r\n world\r\n0\r\n\r\n" +
      "GET /next HTTP/1.1\r\nHost: x\r\n\r\n"));
    expect(out).toContain("POST /c v1.1 body=11 [hello world]");
    expect(out).toContain("GET /next v1.1");
  });

  test("Expect: 100-continue is answered before the body is sent", async () => {
    const c = await client();
    const interim = text(c.send("PUT /u HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nExpect: 100-continue\r\n\r\n"));
    expect(interim).toBe("HTTP/1.1 100 Continue\r\n\r\n");
    expect(text(c.send("abc"))).toContain("PUT /u v1.1 body=3 [abc]");
  });

  test("HTTP/1.0 with keep-alive is answered with keep-alive; without it, closed", async () => {
    const c = await client();
    const kept = c.send("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
    expect(text(kept)).toContain("Connection: keep-alive\r\n");
    expect(kept.some((s) => s.flags.includes("F"))).toBe(false);
    const closed = c.send("GET / HTTP/1.0\r\n\r\n");
    expect(text(closed)).toContain("Connection: close\r\n");
    expect(closed.at(-1)!.flags).toContain("F");
  });
});

describe("limits and timeouts", () => {
  test("a body over maxBody is 413 and the connection closes", async () => {
    const c = await client({ maxBody: 10 });
    const out = c.send("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 11\r\n\r\n");
    expect(statuses(text(out))).toEqual(["413"]);
    expect(out.at(-1)!.flags).toContain("F");
  });

  test("a request not complete within requestTimeout is 408 and closed", async () => {
    const c = await client({ requestTimeout: 2n * SECOND });
    expect(c.send("GET / HTTP/1.1\r\n")).toEqual([]);
    expect(text(c.t.advance(SECOND))).toBe(""); // a delayed ACK, no answer
    // The timer's answer goes out on the loop's next turn.
    const out = c.t.advance(SECOND).concat(c.t.step());
    expect(statuses(text(out))).toEqual(["408"]);
    expect(out.at(-1)!.flags).toContain("F");
  });

  test("an idle persistent connection is closed after idleTimeout", async () => {
    const c = await client({ idleTimeout: 5n * SECOND });
    c.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
    c.ack();
    expect(c.t.advance(4n * SECOND)).toEqual([]);
    const fin = c.t.one(c.t.advance(SECOND).concat(c.t.step()));
    expect(fin.flags).toBe("FA");
  });

  test("after maxRequests the last answer says Connection: close", async () => {
    const c = await client({ maxRequests: 2 });
    expect(text(c.send("GET /1 HTTP/1.1\r\nHost: x\r\n\r\n"))).not.toContain("Connection: close");
    const out = c.send("GET /2 HTTP/1.1\r\nHost: x\r\n\r\n");
    expect(text(out)).toContain("Connection: close\r\n");
    expect(out.at(-1)!.flags).toContain("F");
  });
});

describe("what cannot be a request", () => {
  test("a TLS ClientHello on the HTTP port is refused with 400 at once, not at the request timeout", async () => {
    const c = await client();
    // The first bytes of a ClientHello: a record header (22, 3.1) and the
    // start of the handshake; no line end anywhere.
    const hello = Buffer.from("16030100f4010000f00303" + "ab".repeat(40), "hex").toString("latin1");
    const out = c.send(hello);
    expect(statuses(text(out))).toEqual(["400"]);
    expect(out.some((s) => s.flags.includes("F"))).toBe(true);
  });

  test("a 400 the handler answers closes the connection as the server's own do", async () => {
    const c = await client({}, 0); // the website: a path that cannot be decoded is its 400
    const out = c.send("GET /%zz HTTP/1.1\r\nHost: x\r\n\r\nGET / HTTP/1.1\r\nHost: x\r\n\r\n");
    const all = text(out);
    expect(statuses(all)).toEqual(["400"]);
    expect(all).toContain("Connection: close");
    expect(out.some((s) => s.flags.includes("F"))).toBe(true);
  });
});

describe("backpressure", () => {
  const big = Uint8Array.from({ length: 300_000 }, (_, i) => i & 0xff);

  test("a large response waits in a bounded send buffer while the client does not read, then is given up", async () => {
    const c = await client({ sndBuf: 16384, sendTimeout: 10n * SECOND }, 0, [{ name: "big.bin", bytes: big }]);
    // The client reads nothing: its window stays at 2000 bytes.
    const out = c.send("GET /big.bin HTTP/1.1\r\nHost: x\r\n\r\n", 2000);
    const sent = out.reduce((n, s) => n + s.data.length, 0);
    expect(sent).toBeLessThanOrEqual(2000);
    // The server holds no more than its send buffer, however big the file.
    const info = c.t.layer();
    expect(info.sndPoolInUse).toBe(1);
    // Nothing acknowledged, the window shut: zero-window probes, then the
    // response is abandoned after sendTimeout (the connection reset).
    c.t.send(c.t.seg({ seq: c.seq(), ack: c.our(), win: 0 }));
    let reset = false;
    for (let i = 0; i < 15 && !reset; i++) reset = c.t.advance(SECOND).some((s) => s.flags.includes("R"));
    expect(reset).toBe(true);
    expect(c.t.layer()).toMatchObject({ active: 0, sndPoolInUse: 0, open: 0 });
  });

  test("a client that reads gets every byte", async () => {
    const c = await client({ sndBuf: 16384 }, 0, [{ name: "big.bin", bytes: big }]);
    let got = Buffer.alloc(0);
    let out = c.send("GET /big.bin HTTP/1.1\r\nHost: x\r\n\r\n");
    let body = Buffer.alloc(0);
    for (let i = 0; i < 2000; i++) {
      got = Buffer.concat([got, ...out.map((s) => Buffer.from(s.data))]);
      const headEnd = got.indexOf("\r\n\r\n");
      body = headEnd < 0 ? body : got.subarray(headEnd + 4);
      if (body.length >= big.length) break;
      out = c.ack();
      if (out.length === 0) out = c.track(c.t.advance(10n * MS));
    }
    expect(body.length).toBe(big.length);
    expect(Buffer.compare(body, Buffer.from(big))).toBe(0);
  });
});

describe("the send timeout measures bytes acknowledged, nothing else", () => {
  const big = Uint8Array.from({ length: 1 << 20 }, (_, i) => (i * 7) & 0xff);
  /** Seconds until a RST, stepping 1 s, sending `drip` (if any) every 5 s
   * from `seq` with a shut window; at most `limit`. */
  function untilReset(c: Awaited<ReturnType<typeof client>>, drip: string, limit = 60) {
    const t = c.t;
    const ack = c.our();
    let seq = c.seq();
    for (let s = 1; s <= limit; s++) {
      if (drip && s % 5 === 1) {
        t.send(t.seg({ seq, ack, win: 0, data: drip }));
        seq += drip.length;
      }
      if (t.advance(SECOND).some((o) => o.flags.includes("R"))) return s;
    }
    return Infinity;
  }

  test("a client that stops reading a 1 MiB response but drips 2 bytes every 5 s is cut off after sendTimeout", async () => {
    const c = await client({ sndBuf: 16384, sendTimeout: 10n * SECOND }, 0, [{ name: "big.bin", bytes: big }]);
    const out = c.send("GET /big.bin HTTP/1.1\r\nHost: x\r\n\r\n", 2000);
    expect(statuses(text(out))).toEqual(["200"]);
    // The first drip acknowledges what was sent (progress); none after.
    const s = untilReset(c, "ab");
    expect(s).toBeGreaterThanOrEqual(10);
    expect(s).toBeLessThanOrEqual(12);
    expect(httpCounters(c.t).sendTimeouts).toBe(1n);
    expect(c.t.layer()).toMatchObject({ active: 0, sndPoolInUse: 0, open: 0 });
  });

  test("pipelined requests blocked on send space keep the send timeout running, and are not closed as idle", async () => {
    const c = await client({ sndBuf: 16384, sendTimeout: 10n * SECOND, idleTimeout: 3n * SECOND });
    // 200 requests whose answers fill the send buffer; the client reads none.
    for (let i = 0; i < 4; i++) {
      const out = c.send("GET /p HTTP/1.1\r\nHost: x\r\n\r\n".repeat(50), 0);
      expect(out.filter((o) => o.data.length > 0)).toEqual([]);
    }
    expect(httpCounters(c.t).requests).toBeLessThan(200n); // the rest wait for send space
    const s = untilReset(c, "");
    expect(s).toBeGreaterThanOrEqual(10);
    expect(s).toBeLessThanOrEqual(12);
    expect(httpCounters(c.t)).toMatchObject({ sendTimeouts: 1n, idleTimeouts: 0n });
    expect(c.t.layer()).toMatchObject({ active: 0, open: 0 });
  });

  test("a response to Connection: close runs the send timeout until its last byte is acknowledged", async () => {
    const c = await client({ sendTimeout: 10n * SECOND });
    // The window is shut before the answer: it waits, the server has closed.
    expect(c.send("GET /c HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", 0).filter((o) => o.data.length > 0)).toEqual([]);
    const s = untilReset(c, "");
    expect(s).toBeGreaterThanOrEqual(10);
    expect(s).toBeLessThanOrEqual(12);
    expect(httpCounters(c.t).sendTimeouts).toBe(1n);
    expect(c.t.counters().orphanProbeTimeouts).toBe(0n);
    expect(c.t.layer()).toMatchObject({ active: 0, open: 0 });
  });
});

describe("room under pressure", () => {
  test("a full table takes a new client in place of the connection idle the longest", async () => {
    const t = await TcpTest.boot({ entry: ENTRY, bootArg: 1, config: { maxConnections: 3 } });
    const SYN = (port: number) => t.seg({ flags: "S", seq: 5000, srcPort: port, opts: { mss: 1460 } });
    const a = t.handshake(80, { mss: 1460 }, 1000, 2001);
    t.advance(SECOND);
    t.handshake(80, { mss: 1460 }, 1000, 2002); // idle since now
    t.advance(SECOND);
    // a asks something: idle again since now, after b.
    const req = "GET / HTTP/1.1\r\nHost: x\r\n\r\n";
    const answer = t.send(t.seg({ seq: a.peer, ack: a.our, srcPort: 2001, data: req }));
    expect(statuses(text(answer))).toEqual(["200"]);
    const end = answer.at(-1)!;
    t.send(t.seg({ seq: a.peer + req.length, ack: end.seq + end.data.length, srcPort: 2001 }));
    t.advance(SECOND);
    const c = t.handshake(80, { mss: 1460 }, 1000, 2003);
    t.send(t.seg({ seq: c.peer, ack: c.our, srcPort: 2003, data: "GET / HT" })); // mid-request: not idle
    t.advance(SECOND);
    const flagsTo = (out: Segment[]) => out.map((s) => `${s.flags}>${s.dstPort}`);
    expect(flagsTo(t.send(SYN(3001)))).toEqual(["R>2002", "SA>3001"]);
    t.advance(SECOND);
    expect(flagsTo(t.send(SYN(3002)))).toEqual(["R>2001", "SA>3002"]);
    // Left: c mid-request and two half-open: nothing to spare.
    expect(t.send(SYN(3003))).toEqual([]);
    expect(t.counters()).toMatchObject({ idleReclaimed: 2n, dropNoRoom: 1n });
    expect(httpCounters(t).idleReclaimed).toBe(2n);
  });
});
