// Asynchronous answers and the Flow seam: the same HttpServer over TCP
// (the harnessed stack, the test playing the client segment by segment)
// and over an in-memory pipe (libos/flow/pipe.ts), with a fake clock.
// The Async handler (tests/http/as/http.ts) answers "/later/N" N ms after
// the request, "/never" never, anything else at once.
import { describe, expect, test } from "vitest";
import { Harness } from "../harness/index.ts";
import { MS, PEER, SECOND, US } from "../tcp/helpers.ts";
import { ENTRY, httpClient, statuses, text } from "./client.ts";

const ASYNC = 2;
const DESCRIBE = 1;
const bodies = (t: string) => [...t.matchAll(/answered (\S+)/g)].map((m) => m[1]);

const tcpClient = (config: Record<string, number | bigint> = {}, cmdline?: string) => httpClient({ config, kind: ASYNC, cmdline });

const GET = (path: string) => `GET ${path} HTTP/1.1\r\nHost: x\r\n\r\n`;

describe("asynchronous answers over TCP", () => {
  test("an answer from a timer 50 ms later, with a pipelined request behind it answered in order", async () => {
    const c = await tcpClient();
    // Both requests in one segment: the first waits for its timer, so the
    // second must not be answered before it.
    const first = text(c.send(GET("/later/50") + GET("/now")));
    expect(statuses(first)).toEqual([]);
    expect(text(c.advance(40n * MS))).not.toContain("HTTP/1.1");
    const out = text(c.advance(10n * MS).concat(c.t.step()));
    expect(statuses(out)).toEqual(["200", "200"]);
    expect(bodies(out)).toEqual(["/later/50", "/now"]);
    const counters = c.t.h.string(c.t.call("counters"))!;
    expect(counters).toMatch(/ deferred=1 /);
  });

  test("a handler that never answers gets the request timeout: 503, and the connection closes", async () => {
    const c = await tcpClient({ requestTimeout: 2n * SECOND });
    expect(text(c.send(GET("/never")))).toBe("");
    expect(text(c.advance(SECOND))).not.toContain("HTTP/1.1");
    const out = c.advance(SECOND).concat(c.t.step());
    const all = text(out);
    expect(statuses(all)).toEqual(["503"]);
    expect(all).toContain("Connection: close");
    expect(out.some((s) => s.flags.includes("F"))).toBe(true);
    expect(c.t.h.string(c.t.call("counters"))!).toMatch(/ handlerTimeouts=1 /);
  });
});

describe("the access log", () => {
  test("--log=info given: a line per request with the client, request line, status and length; not by default", async () => {
    const c = await tcpClient({}, `--ipv4=${US}/24 --log=info`);
    c.send(GET("/now"));
    c.advance(20n * MS);
    expect(c.t.h.console).toMatch(new RegExp(`INFO  \\[http\\] ${PEER.replaceAll(".", "\\.")}:40000 "GET /now HTTP/1\\.1" 200 \\d+`));
    const quiet = await tcpClient();
    quiet.send(GET("/now"));
    expect(quiet.t.h.console).not.toContain("[http]");
  });
});

/** The pipe: the HttpServer serves one end, the test holds the other. */
async function pipe(kind: number, capacity = 16384) {
  const h = await Harness.start(ENTRY, { devices: [], cmdline: "" });
  h.call("bootPipe", kind, capacity);
  const write = (s: string) => {
    h.input(Buffer.from(s, "latin1"));
    return h.call("pipeWrite") as number;
  };
  /** Turns of the event loop until nothing is left to do now. */
  const turn = () => {
    for (let i = 0; i < 50; i++) h.call("stepNow");
  };
  const take = () => h.string(h.call("pipeTake"))!;
  return { h, write, turn, take };
}

describe("the same server over an in-memory pipe (a second Flow)", () => {
  test("requests, pipelining and a chunked body are served as over TCP", async () => {
    const p = await pipe(DESCRIBE);
    p.write(GET("/a") + "POST /c HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n" + GET("/b"));
    p.turn();
    const out = p.take();
    expect(statuses(out)).toEqual(["200", "200", "200"]);
    expect([...out.matchAll(/^(GET|POST) (\/\w)/gm)].map((m) => m[2])).toEqual(["/a", "/c", "/b"]);
    expect(out).toContain("POST /c v1.1 body=5 [hello]");
  });

  test("asynchronous answers keep their order over the pipe too", async () => {
    const p = await pipe(ASYNC);
    p.write(GET("/later/30") + GET("/later/10") + GET("/now"));
    p.turn();
    expect(p.take()).toBe("");
    p.h.advance(30n * MS);
    p.turn();
    p.h.advance(10n * MS);
    p.turn();
    const out = p.take();
    expect(bodies(out)).toEqual(["/later/30", "/later/10", "/now"]);
  });

  test("more answers than the pipe holds: they wait for room and all arrive, in order", async () => {
    const p = await pipe(DESCRIBE, 8192);
    // 40 answers of ~100 bytes each do not fit 8 KiB with the server's
    // head room: the server waits for `writable` (backpressure) rather
    // than dropping answers or buffering without bound.
    let sent = 0;
    const reqs = Array.from({ length: 40 }, (_, i) => GET(`/r${i}`)).join("");
    while (sent < reqs.length) {
      sent += p.write(reqs.slice(sent));
      p.turn();
    }
    let all = "";
    for (let i = 0; i < 200 && statuses(all).length < 40; i++) {
      p.turn();
      all += p.take();
    }
    expect(statuses(all)).toHaveLength(40);
    expect([...all.matchAll(/^GET (\/r\d+)/gm)].map((m) => m[1])).toEqual(Array.from({ length: 40 }, (_, i) => `/r${i}`));
  });
});
