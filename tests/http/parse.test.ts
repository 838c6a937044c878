// The request parser and framing rules (RFC 9112 §2–§7, RFC 9110 §8.6),
// one request at a time through the harness: what is accepted, what each
// malformed or oversized request is answered with, how bodies are framed,
// and the chunked decoder fed a byte at a time.
import { beforeAll, describe, expect, test } from "vitest";
import { Harness } from "../harness/index.ts";

let h: Harness;
const CONFIG: Record<string, number> = { maxRequestLine: 64, maxHeaderBytes: 256, maxHeaders: 8, maxBody: 100 };

beforeAll(async () => {
  h = await Harness.start("tests/http/as/http.ts");
  for (const [k, v] of Object.entries(CONFIG)) expect(h.call("setConfig", h.newString(k), BigInt(v))).toBe(1);
});

function parse(text: string): string {
  h.input(Buffer.from(text, "latin1"));
  return h.string(h.call("parse"))!;
}

const first = (text: string) => parse(text).split("\n")[0];

describe("accepted", () => {
  test("a plain GET, its fields trimmed, in order", () => {
    expect(parse("GET /a?b=c HTTP/1.1\r\nHost: x\r\nAccept:  */* \r\nX-Empty:\r\n\r\n")).toBe(
      "ok GET /a?b=c 1.1 head=57 fields=3 length=0 chunked=0 keepalive=1\nHost=x\nAccept=*/*\nX-Empty=");
  });

  test("empty lines before the request line are skipped; bare LF ends lines (RFC 9112 §2.2)", () => {
    expect(first("\r\n\r\nGET / HTTP/1.1\r\nHost: x\r\n\r\n")).toMatch(/^ok GET \/ 1\.1/);
    expect(first("GET / HTTP/1.1\nHost: x\n\n")).toMatch(/^ok GET \/ 1\.1 head=24 /);
  });

  test("persistence: 1.1 unless close; 1.0 only with keep-alive (RFC 9112 §9.3)", () => {
    expect(first("GET / HTTP/1.1\r\nHost: x\r\nConnection: Keep-Alive, CLOSE\r\n\r\n")).toContain("keepalive=0");
    expect(first("GET / HTTP/1.0\r\n\r\n")).toContain("keepalive=0");
    expect(first("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")).toContain("keepalive=1");
  });

  test("framing: Content-Length, repeated equal values, chunked", () => {
    expect(first("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 42\r\n\r\n")).toContain("length=42 chunked=0");
    expect(first("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 7, 7\r\nContent-Length: 7\r\n\r\n")).toContain("length=7");
    expect(first("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: Chunked\r\n\r\n")).toContain("chunked=1");
  });

  test("an unfinished request is incomplete, not an error", () => {
    expect(parse("GET / HTTP/1.1\r\nHost: x\r\n")).toBe("incomplete");
    expect(parse("GET / HTTP/1.1\r")).toBe("incomplete");
    for (let n = 1; n <= 15; n++) expect(parse("GET /a HTTP/1.1\r".slice(0, n)), String(n)).toBe("incomplete");
  });

  test("an unfinished request line that can no longer be valid is 400 at once (a TLS ClientHello, garbage)", () => {
    const clientHello = "\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03";
    for (const text of [clientHello, "\x00\x01", "GET\t/", "GET  ", "GET /\x01", "GET / HTTP/1.1x", "GET / FTP", "GET / HTTP/x",
      "SSH-2.0-OpenSSH_9.2p1 Debian-2 x"]) {
      expect(parse(text), JSON.stringify(text)).toBe("400");
    }
  });
});

describe("refused", () => {
  const cases: [string, string, string][] = [
    ["space before the colon (RFC 9112 §5.1)", "GET / HTTP/1.1\r\nHost : x\r\n\r\n", "400"],
    ["obsolete line folding (§5.2)", "GET / HTTP/1.1\r\nHost: x\r\nA: b\r\n c\r\n\r\n", "400"],
    ["a bare CR (§2.2)", "GET / HTTP/1.1\r\nHost: x\rY\r\n\r\n", "400"],
    ["a control character in a value", "GET / HTTP/1.1\r\nHost: x\x01\r\n\r\n", "400"],
    ["two spaces in the request line", "GET  / HTTP/1.1\r\nHost: x\r\n\r\n", "400"],
    ["no target", "GET HTTP/1.1\r\n\r\n", "400"],
    ["a lower-case version", "GET / http/1.1\r\nHost: x\r\n\r\n", "400"],
    ["a non-token method", "G(T / HTTP/1.1\r\nHost: x\r\n\r\n", "400"],
    ["a target with a space", "GET /a b HTTP/1.1\r\nHost: x\r\n\r\n", "400"],
    ["HTTP/2.0 (RFC 9110 §15.6.6)", "GET / HTTP/2.0\r\nHost: x\r\n\r\n", "505"],
    ["a request line over the limit (RFC 9112 §3)", `GET /${"a".repeat(70)} HTTP/1.1\r\nHost: x\r\n\r\n`, "414"],
    ["a request line over the limit, unfinished", `GET /${"a".repeat(70)}`, "414"],
    ["a header section over the limit (RFC 6585 §5)", `GET / HTTP/1.1\r\nHost: x\r\nA: ${"b".repeat(300)}\r\n\r\n`, "431"],
    ["too many fields", "GET / HTTP/1.1\r\n" + "A: b\r\n".repeat(9) + "\r\n", "431"],
    ["no Host in 1.1 (RFC 9112 §3.2)", "GET / HTTP/1.1\r\n\r\n", "400"],
    ["two Hosts", "GET / HTTP/1.1\r\nHost: a\r\nHost: a\r\n\r\n", "400"],
    ["Transfer-Encoding with Content-Length (RFC 9112 §6.1)", "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n", "400"],
    ["Content-Length values that differ (RFC 9110 §8.6)", "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\n", "400"],
    ["a list of differing lengths", "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5, 6\r\n\r\n", "400"],
    ["a signed length", "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: +5\r\n\r\n", "400"],
    ["an unknown transfer coding (RFC 9112 §6.1)", "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n\r\n", "501"],
    ["chunked not last", "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked, gzip\r\n\r\n", "400"],
    ["chunked twice", "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n", "400"],
    ["Transfer-Encoding in HTTP/1.0", "POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n", "400"],
  ];
  for (const [what, text, status] of cases) test(`${what}: ${status}`, () => expect(first(text)).toBe(status));

  test.each(["a b", "a/b", "x, y", "a@b", "[::1", "[::1]x", "a:8o", "a%2", "\u00e9"])("a Host of %j: 400 (RFC 9112 §3.2)", (host) => {
    expect(first(`GET / HTTP/1.1\r\nHost: ${host}\r\n\r\n`)).toBe("400");
  });

  test("Hosts that are uri-host [\":\" port]: accepted", () => {
    for (const host of ["", "example.org", "example.org:8080", "10.0.0.2:80", "[::1]:80", "[2001:db8::1]", "a%41b", "a-b_c~d!$&'()*+,;=", "x:"]) {
      expect(first(`GET / HTTP/1.1\r\nHost: ${host}\r\n\r\n`), host).toMatch(/^ok /);
    }
  });

  test("an expectation other than 100-continue: 417 (RFC 9110 §10.1.1); in HTTP/1.0 it is ignored", () => {
    expect(first("POST / HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 1\r\n\r\n")).toMatch(/^ok /);
    expect(first("POST / HTTP/1.1\r\nHost: x\r\nExpect: 100-Continue\r\nContent-Length: 1\r\n\r\n")).toMatch(/^ok /);
    expect(first("POST / HTTP/1.1\r\nHost: x\r\nExpect: 200-ok\r\nContent-Length: 1\r\n\r\n")).toBe("417");
    expect(first("GET / HTTP/1.1\r\nHost: x\r\nExpect: 100-continue, x\r\n\r\n")).toBe("417");
    expect(first("GET / HTTP/1.0\r\nExpect: 200-ok\r\n\r\n")).toMatch(/^ok /);
  });
});

describe("chunked bodies (RFC 9112 §7.1)", () => {
  const dechunk = (text: string, piece = 1 << 20) => {
    h.input(Buffer.from(text, "latin1"));
    return h.string(h.call("dechunk", piece))!;
  };
  const body = "4\r\nWiki\r\n6;name=value\r\npedia \r\nE\r\nin \r\n\r\nchunks.\r\n0\r\nTrailer: x\r\n\r\nNEXT";

  test("decoded whole, extensions and trailers skipped, stopping at the body's end", () => {
    expect(dechunk(body)).toBe(`done 24 used=${body.length - 4} Wikipedia in \r\n\r\nchunks.`);
  });

  test("the same fed one byte at a time", () => {
    expect(dechunk(body, 1)).toBe(`done 24 used=${body.length - 4} Wikipedia in \r\n\r\nchunks.`);
  });

  test("errors: a bad size, a missing CRLF after data, a body over the limit", () => {
    expect(dechunk("x\r\n")).toBe("400");
    expect(dechunk("3\r\nabcX\r\n")).toBe("400");
    expect(dechunk("65\r\n" + "a".repeat(101) + "\r\n0\r\n\r\n")).toBe("413");
    expect(dechunk("fffffffffffffffff\r\n")).toBe("413");
    expect(dechunk("1000000000000000\r\n")).toBe("413");
    expect(dechunk("3\r\nabc\r\n")).toBe("more");
  });

  test("leading zeros in a chunk size are any number of them (RFC 9112 §7.1), not a size over the limit", () => {
    const a = "0".repeat(40) + "3\r\nabc\r\n" + "0".repeat(40) + "\r\n\r\n";
    expect(dechunk(a)).toBe(`done 3 used=${a.length} abc`);
    const b = "0".repeat(40) + "3\r\nabc\r\n0\r\n\r\n";
    expect(dechunk(b, 1)).toBe(`done 3 used=${b.length} abc`);
  });
});
