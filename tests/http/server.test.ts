// The HTTP server over the harnessed TCP, the test playing the client
// segment by segment with a fake clock: requests in pieces, pipelining,
// bodies (Content-Length, chunked, Expect: 100-continue), the limits and
// timeouts that close a connection, and backpressure when the client
// stops reading.
import { describe, expect, test } from "vitest";
import { MS, SECOND } from "../tcp/helpers.ts";
import { httpClient, statuses, text } from "./client.ts";


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
