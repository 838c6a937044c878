// What every HTTP app needs besides the server (libos/http/query.ts,
// router.ts, json.ts): query strings checked against a reference decoder
// written here from the WHATWG form rules, on real queries and on
// thousands of random ones; the router's dispatch, 404/405/400 and HEAD,
// directly and behind a real HttpServer over the harnessed TCP; JSON text
// compared byte for byte with JSON.stringify and read back with JSON.parse.
import { beforeAll, describe, expect, test } from "vitest";
import { Harness } from "../harness/index.ts";
import { TcpTest, type Segment } from "../tcp/helpers.ts";

const ENTRY = "tests/http/as/kit.ts";
let h: Harness;

beforeAll(async () => {
  h = await Harness.start(ENTRY);
});

/** Call an export; string arguments are made in the guest and pinned
 * until the call returns (making the next one may collect garbage). */
const call = (fn: string, ...args: unknown[]): string => {
  const pinned: number[] = [];
  const actual = args.map((a) => {
    if (typeof a !== "string") return a;
    const p = h.exports.__pin(h.newString(a)) as number;
    pinned.push(p);
    return p;
  });
  const r = h.call(fn, ...actual);
  if (h.exitStatus !== null) throw new Error(`${fn} stopped the image:\n${h.console}`);
  const out = h.string(r)!;
  for (const p of pinned) h.exports.__unpin(p);
  return out;
};

// ---- the reference: application/x-www-form-urlencoded with strict errors

const BAD_ESCAPE = 1;
const BAD_UTF8 = 2;
const TOO_MANY = 3;
const MAX_PARAMS = 8; // what kit.ts gives its QueryParams

/** A string's code units as WTF-8, as AssemblyScript encodes them (a lone
 * surrogate as its three-byte form, which no UTF-8 decoder accepts). */
function wtf8(s: string): number[] {
  const out: number[] = [];
  for (let i = 0; i < s.length; i++) {
    let c = s.charCodeAt(i);
    const d = s.charCodeAt(i + 1);
    if (c >= 0xd800 && c < 0xdc00 && d >= 0xdc00 && d < 0xe000) {
      c = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
      i++;
    }
    if (c < 0x80) out.push(c);
    else if (c < 0x800) out.push(0xc0 | (c >> 6), 0x80 | (c & 63));
    else if (c < 0x10000) out.push(0xe0 | (c >> 12), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
    else out.push(0xf0 | (c >> 18), 0x80 | ((c >> 12) & 63), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
  }
  return out;
}

const utf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

function decodeRef(bytes: number[]): string | number {
  const out: number[] = [];
  for (let i = 0; i < bytes.length; i++) {
    const c = bytes[i];
    if (c === 0x25) {
      const hex = String.fromCharCode(bytes[i + 1] ?? 0, bytes[i + 2] ?? 0);
      if (!/^[0-9a-fA-F]{2}$/.test(hex)) return BAD_ESCAPE;
      out.push(parseInt(hex, 16));
      i += 2;
    } else out.push(c === 0x2b ? 0x20 : c);
  }
  try {
    return utf8.decode(new Uint8Array(out));
  } catch {
    return BAD_UTF8;
  }
}

const framed = (s: string) => `${s.length}:${s}`;

/** What kit.ts's describe() answers for these form bytes. */
function formRef(bytes: number[]): string {
  const pairs: string[] = [];
  let piece: number[] = [];
  const pieces: number[][] = [];
  for (const b of [...bytes, 0x26]) {
    if (b === 0x26) {
      if (piece.length > 0) pieces.push(piece);
      piece = [];
    } else piece.push(b);
  }
  for (const p of pieces) {
    if (pairs.length / 2 >= MAX_PARAMS) return `E${TOO_MANY}`;
    const eq = p.indexOf(0x3d);
    const name = decodeRef(eq < 0 ? p : p.slice(0, eq));
    if (typeof name === "number") return `E${name}`;
    const value = decodeRef(eq < 0 ? [] : p.slice(eq + 1));
    if (typeof value === "number") return `E${value}`;
    pairs.push(name, value);
  }
  return `N${pairs.length / 2}` + pairs.map(framed).join("");
}

function targetRef(target: string): string {
  const q = target.indexOf("?");
  if (q < 0) return "N0";
  let end = target.indexOf("#", q + 1);
  if (end < 0) end = target.length;
  return formRef(wtf8(target.slice(q + 1, end)));
}

/** Reads back a run of framed strings. */
function unframe(s: string): string[] {
  const out: string[] = [];
  for (let at = 0; at < s.length;) {
    const colon = s.indexOf(":", at);
    const n = Number(s.slice(at, colon));
    out.push(s.slice(colon + 1, colon + 1 + n));
    at = colon + 1 + n;
  }
  return out;
}

/** A small seeded generator (xorshift32): failures reproduce. */
function rng(seed: number) {
  let x = seed >>> 0 || 1;
  return (n: number) => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) % n;
  };
}

describe("query strings", () => {
  const q = (target: string) => call("query", target);

  test("real queries: pairs in order, '+' and %XX decoded, UTF-8 read", () => {
    expect(q("/search?q=hello+world&lang=en")).toBe("N2" + ["q", "hello world", "lang", "en"].map(framed).join(""));
    expect(q("/s?q=caf%C3%A9%20au%2Blait")).toBe("N1" + ["q", "café au+lait"].map(framed).join(""));
    expect(q("/s?emoji=%F0%9F%98%80")).toBe("N1" + framed("emoji") + framed("😀"));
    // A bare name, an empty value, '=' inside a value, empty pieces skipped.
    expect(q("/x?flag&empty=&eq=a=b&&")).toBe("N3" + ["flag", "", "empty", "", "eq", "a=b"].map(framed).join(""));
  });

  test("no '?': no pairs; the fragment is not part of the query", () => {
    expect(q("/plain")).toBe("N0");
    expect(q("/x?")).toBe("N0");
    expect(q("/x?a=1#b=2")).toBe("N1" + framed("a") + framed("1"));
  });

  test("refused whole: a bad escape, bytes that are not UTF-8, too many pairs", () => {
    expect(q("/x?a=%")).toBe(`E${BAD_ESCAPE}`);
    expect(q("/x?a=%4")).toBe(`E${BAD_ESCAPE}`);
    expect(q("/x?a=%zz")).toBe(`E${BAD_ESCAPE}`);
    expect(q("/x?%C3=1")).toBe(`E${BAD_UTF8}`); // truncated sequence
    expect(q("/x?a=%C0%AF")).toBe(`E${BAD_UTF8}`); // overlong '/'
    expect(q("/x?a=%ED%A0%80")).toBe(`E${BAD_UTF8}`); // a surrogate
    expect(q("/x?a=%F4%90%80%80")).toBe(`E${BAD_UTF8}`); // above U+10FFFF
    expect(q("/x?a=\ud800")).toBe(`E${BAD_UTF8}`); // a lone surrogate in the string itself
    expect(q("/x?" + "a=1&".repeat(MAX_PARAMS))).toMatch(/^N8/);
    expect(q("/x?" + "a=1&".repeat(MAX_PARAMS + 1))).toBe(`E${TOO_MANY}`);
  });

  test("get, getAll, has, names", () => {
    const look = (t: string, name: string) => call("queryLookups", t, name).split("\n");
    expect(look("/x?tag=a&n=1&tag=b&tag", "tag")).toEqual(["=a", "a,b,", "has", "tag,n"]);
    expect(look("/x?tag=a", "Tag")).toEqual(["null", "", "not", "tag"]); // names are case-sensitive
    expect(look("/x?e", "e")).toEqual(["=", "", "has", "e"]);
  });

  test("form bodies: thousands of random byte strings agree with the reference and never trap", () => {
    const next = rng(7);
    const alphabet = [..."ab=&+%2Fzé"].map((c) => c.charCodeAt(0) & 0xff).concat([0x25, 0x25, 0x43, 0x33, 0x80, 0xbf, 0xed, 0xf0, 0xff, 0x00]);
    const records: number[][] = [];
    for (let i = 0; i < 4000; i++) {
      const len = next(24);
      const r: number[] = [];
      for (let k = 0; k < len; k++) r.push(next(4) === 0 ? next(256) : alphabet[next(alphabet.length)]);
      records.push(r);
    }
    records.push([..."a&".repeat(MAX_PARAMS + 1)].map((c) => c.charCodeAt(0)));
    // Real escapes of real text too, which must decode.
    for (const text of ["naïve café", "a b&c=d", "日本語", "😀 +"]) {
      records.push([...Buffer.from(`k=${encodeURIComponent(text).replace(/%20/g, "+")}`)]);
    }
    h.input(new Uint8Array(records.flatMap((r) => [r.length & 0xff, r.length >> 8, ...r])));
    const got = unframe(call("queryForms"));
    expect(got).toHaveLength(records.length);
    const want = records.map(formRef);
    for (let i = 0; i < records.length; i++) expect(got[i], `record ${JSON.stringify(records[i])}`).toBe(want[i]);
    const kinds = new Set(want.map((w) => w[0] + (w[0] === "E" ? w[1] : "")));
    expect([...kinds].sort()).toEqual(["E1", "E2", "E3", "N"]); // every outcome was exercised
    expect(got.slice(-4).map((g) => unframe(g.slice(2))[1])).toEqual(["naïve café", "a b&c=d", "日本語", "😀 +"]);
  });

  test("targets: thousands of random strings, lone surrogates included, agree with the reference", () => {
    const next = rng(11);
    const pool = ["/", "?", "#", "&", "=", "+", "%", "%2", "%41", "%C3%A9", "%E2%82", "a", "é", "\ud83d", "\ude00", "😀", "\u0000", " "];
    const targets: string[] = [];
    for (let i = 0; i < 3000; i++) {
      let t = "";
      for (let k = next(16); k > 0; k--) t += pool[next(pool.length)];
      targets.push(t);
    }
    const got = unframe(call("queryTargets", targets.join("\uffff")));
    expect(got).toHaveLength(targets.length);
    for (let i = 0; i < targets.length; i++) expect(got[i], `target ${JSON.stringify(targets[i])}`).toBe(targetRef(targets[i]));
  });

  test("pathOf: origin, absolute and asterisk forms (RFC 9112 §3.2)", () => {
    const cases: [string, string][] = [
      ["/a/b?x=1", "/a/b"],
      ["/a/b#frag", "/a/b"],
      ["/", "/"],
      ["/?x", "/"],
      ["http://example.com/a/b?x", "/a/b"],
      ["HTTPS://example.com:8443/p", "/p"],
      ["http://example.com", "/"],
      ["http://example.com?x=1", "/"],
      ["*", "*"],
      ["example.com:443", "example.com:443"],
      ["", ""],
    ];
    for (const [target, path] of cases) expect(call("path", target), target).toBe(path);
  });
});

// ---- the router

/** status, fields, body of the response the router gives. */
function routeVia(which: number, request: string): { status: number; fields: string; body: string } {
  h.input(Buffer.from(request, "latin1"));
  const out = call("route", which);
  const [status, ...rest] = out.split("\n");
  const all = rest.join("\n");
  const end = all.indexOf("\r\n\n");
  return { status: Number(status), fields: end < 0 ? all : all.slice(0, end + 2), body: end < 0 ? "" : all.slice(end + 3) };
}

const get = (target: string, method = "GET", which = 0) => routeVia(which, `${method} ${target} HTTP/1.1\r\nHost: x\r\n\r\n`);

describe("router", () => {
  test("literal segments, parameters, decoded values, the query ignored", () => {
    expect(get("/").body).toBe("root\n");
    expect(get("/users").body).toBe("list\n");
    expect(get("/users/42").body).toBe("show id=42\n");
    expect(get("/users/42/posts/7?sort=new").body).toBe("post id=42 post=7\n");
    expect(get("/users/J%C3%BCrgen%2Fx").body).toBe("show id=Jürgen/x\n"); // %2F stays in its segment
    expect(get("/a+b").body).toBe("plus\n"); // '+' is a plus in a path
    expect(get("http://example.com/users/5").body).toBe("show id=5\n");
  });

  test("the first route added wins: /users/me before /users/:id", () => {
    expect(get("/users/me").body).toBe("me\n");
  });

  test("methods: POST, PUT, DELETE, a custom method", () => {
    const post = get("/users", "POST");
    expect(post.status).toBe(201);
    expect(post.body).toBe("add\n");
    expect(get("/users/9", "PUT").body).toBe("replace id=9\n");
    expect(get("/users/9", "DELETE").body).toBe("remove id=9\n");
    expect(get("/users/9", "PATCH").body).toBe("patch id=9\n");
  });

  test("the wildcard takes the rest, not the bare prefix", () => {
    expect(get("/files/a/b%20c/d.txt").body).toBe("files *=a/b c/d.txt\n");
    expect(get("/files/").body).toBe("files *=\n");
    expect(get("/files").status).toBe(404);
  });

  test("405 with Allow listing the methods that would work (RFC 9110 §15.5.6)", () => {
    const r = get("/users/9", "POST");
    expect(r.status).toBe(405);
    expect(r.fields).toContain("Allow: GET, HEAD, PUT, DELETE, PATCH\r\n");
    const r2 = get("/users", "DELETE");
    expect(r2.status).toBe(405);
    expect(r2.fields).toContain("Allow: GET, HEAD, POST\r\n");
  });

  test("HEAD is served by the GET route unless a HEAD route matches (RFC 9110 §9.3.2)", () => {
    const r = get("/users/3", "HEAD");
    expect(r.status).toBe(200);
    expect(r.fields).toContain("X-Route: show\r\n");
    expect(get("/probe", "HEAD").fields).toContain("X-Route: probe-head\r\n");
    expect(get("/probe").fields).toContain("X-Route: probe-get\r\n");
  });

  test("404 without a fallback; the fallback when set; 400 for a path that does not decode", () => {
    expect(get("/nothing/here").status).toBe(404);
    expect(get("/users/1/2").status).toBe(404);
    expect(get("/users/").status).toBe(404); // ':id' needs a non-empty segment
    expect(get("*", "OPTIONS").status).toBe(404);
    const f = get("/nothing/here?x=1", "GET", 1);
    expect([f.status, f.body]).toEqual([200, "fallback /nothing/here?x=1\n"]);
    expect(get("/users/%E2%82", "GET", 1).status).toBe(400);
    expect(get("/users/%G0").status).toBe(400);
  });

  test("a bad pattern stops the image at start with a message saying what to write", async () => {
    const cases: [string, string, RegExp][] = [
      ["GET", "users", /pattern 'users' must start with '\/'/],
      ["GET", "/files/*/x", /in '\/files\/\*\/x', '\*' may only be the last segment/],
      ["GET", "/users/:", /a ':' needs a name, e\.g\. ':id'/],
      ["GET", "/a/:id/b/:id", /':id' appears twice/],
      ["", "/", /a route needs a method/],
    ];
    for (const [method, pattern, message] of cases) {
      const g = await Harness.start(ENTRY);
      g.call("addRoute", g.exports.__pin(g.newString(method)), g.newString(pattern));
      expect(g.exitStatus, pattern).toBe(255);
      expect(g.console, pattern).toMatch(new RegExp("abort: Router: .*" + message.source));
    }
    const ok = await Harness.start(ENTRY);
    ok.call("addRoute", ok.exports.__pin(ok.newString("GET")), ok.newString("/a/:id/*"));
    expect(ok.exitStatus).toBe(null);
  });

  test("thousands of random targets never trap and get one of the router's answers", () => {
    const next = rng(3);
    const pool = ["/", "users", "files", "me", "%", "%2F", "%C3", "%A9", "%ZZ", "?", "#", ":id", "*", "..", "+", "a", "42"];
    const seen = new Set<number>();
    for (let i = 0; i < 2000; i++) {
      let t = "/";
      for (let k = next(10); k > 0; k--) t += pool[next(pool.length)];
      const method = ["GET", "HEAD", "POST", "PUT", "DELETE", "BREW"][next(6)];
      const r = get(t, method);
      expect([200, 201, 400, 404, 405], `${method} ${t}`).toContain(r.status);
      if (r.status === 405) expect(r.fields, `${method} ${t}`).toMatch(/^Allow: [A-Z, ]+\r\n/m);
      seen.add(r.status);
    }
    for (const status of [200, 400, 404, 405]) expect(seen).toContain(status);
  });

  describe("behind a real HttpServer, over the harnessed TCP", () => {
    const text = (out: Segment[]) => out.map((s) => s.text).join("");

    async function client(withFallback: number) {
      const t = await TcpTest.boot({ entry: ENTRY, bootArg: withFallback });
      const { our, peer } = t.handshake(80, { mss: 1460 });
      let seq = peer;
      const send = (data: string) => {
        const out = t.send(t.seg({ seq, ack: our, data, win: 65535 }));
        seq += Buffer.byteLength(data, "latin1");
        return text(out);
      };
      return send;
    }

    test("pipelined requests routed in order: a parameter, HEAD without body, 405 with Allow, 404", async () => {
      const send = await client(0);
      const out = send("GET /users/7 HTTP/1.1\r\nHost: x\r\n\r\n" +
        "HEAD /users/7 HTTP/1.1\r\nHost: x\r\n\r\n" +
        "POST /users/7 HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n" +
        "GET /nope HTTP/1.1\r\nHost: x\r\n\r\n");
      const responses = out.split(/(?=HTTP\/1\.1 )/);
      expect(responses.map((r) => r.slice(9, 12))).toEqual(["200", "200", "405", "404"]);
      expect(responses[0]).toMatch(/Content-Length: 10\r\n[\s\S]*\r\n\r\nshow id=7\n$/);
      // HEAD: the GET route's fields, its length, and no body.
      expect(responses[1]).toMatch(/Content-Length: 10\r\n[\s\S]*X-Route: show\r\n[\s\S]*\r\n\r\n$/);
      expect(responses[2]).toContain("\r\nAllow: GET, HEAD, PUT, DELETE, PATCH\r\n");
      expect(responses[3]).toMatch(/\r\n\r\nNot Found\n$/);
    });

    test("a form body parsed by a route; a malformed one refused with the reason", async () => {
      const send = await client(0);
      const form = (body: string) => send(`POST /form HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\n` +
        `Content-Length: ${Buffer.byteLength(body, "latin1")}\r\n\r\n${body}`);
      const utf8Text = (latin1: string) => Buffer.from(latin1, "latin1").toString("utf8");
      expect(utf8Text(form("name=Zo%C3%AB+K&tag=a&tag=b"))).toMatch(/^HTTP\/1\.1 200 OK\r\n[\s\S]*\r\n\r\nform name=Zoë K tag=a tag=b\n$/);
      expect(form("name=%E9t%E9")).toMatch(/^HTTP\/1\.1 400 [\s\S]*\r\n\r\n.*not UTF-8\n$/); // Latin-1, not UTF-8
    });

    test("the fallback answers what no route matches", async () => {
      const send = await client(1);
      expect(send("GET /elsewhere HTTP/1.1\r\nHost: x\r\n\r\n")).toMatch(/^HTTP\/1\.1 200 OK\r\n[\s\S]*\r\n\r\nfallback \/elsewhere\n$/);
    });
  });
});

// ---- the JSON writer

describe("JSON writer", () => {
  test("strings escaped byte for byte as JSON.stringify does (RFC 8259 §7)", () => {
    const cases = ["", "plain", 'say "hi"', "back\\slash", "\b\f\n\r\t", "\u0000\u0001\u001f\u007f", "/ é 日本 😀",
      "lone \ud800 high", "lone \udfff low", "\udc00\ud800 reversed", "end \ud83d", "\u2028\u2029"];
    for (const s of cases) expect(call("jsonString", s), JSON.stringify(s)).toBe(JSON.stringify(s));
    expect(call("jsonString", "\u0001")).toBe('"\\u0001"');
    expect(call("jsonString", "\ud800")).toBe('"\\ud800"');
  });

  test("random strings of every kind of code unit match JSON.stringify", () => {
    const next = rng(5);
    const units = [0, 9, 10, 31, 32, 34, 47, 92, 127, 128, 0x7ff, 0x800, 0xd7ff, 0xd800, 0xdbff, 0xdc00, 0xdfff, 0xe000, 0xfffe, 0xffff];
    for (let i = 0; i < 1000; i++) {
      let s = "";
      for (let k = next(12); k > 0; k--) s += String.fromCharCode(next(3) === 0 ? next(0x10000) : units[next(units.length)]);
      const got = call("jsonString", s);
      expect(got, JSON.stringify(s)).toBe(JSON.stringify(s));
      expect(JSON.parse(got)).toBe(s);
    }
  });

  test("numbers: integers exactly, floats read back the same, NaN and Infinity as null", () => {
    expect(call("jsonInt", -9223372036854775808n)).toBe("-9223372036854775808");
    expect(call("jsonInt", 0n)).toBe("0");
    expect(call("jsonU64", 18446744073709551615n)).toBe("18446744073709551615");
    for (const v of [NaN, Infinity, -Infinity]) expect(call("jsonFloat", v)).toBe("null");
    for (const v of [0, -0, 3, -12, 0.1, 1.5e-7, 1e21, -2.5e300, 5e-324, Number.MAX_VALUE, 2 ** 53 + 2, 123456789.125]) {
      const got = call("jsonFloat", v);
      expect(got, String(v)).toMatch(/^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?$/); // RFC 8259 §6
      expect(JSON.parse(got), got).toBe(v === 0 ? 0 : v);
    }
    // Written as JavaScript writes them, integral ones without ".0".
    for (const v of [3, -0, 0.1, 1.5e-7, 1e21, 1e20, 2 ** 60, 5e-324, -2.5e300, 0.000001]) expect(call("jsonFloat", v)).toBe(JSON.stringify(v));
    const next = rng(9);
    const view = new DataView(new ArrayBuffer(8));
    for (let i = 0; i < 2000; i++) {
      view.setUint32(0, next(0x7fe00000) | (next(2) << 31));
      view.setUint32(4, next(0x100000000));
      const v = view.getFloat64(0);
      expect(JSON.parse(call("jsonFloat", v)), String(v)).toBe(v);
    }
  });

  const script = (lines: string[], maxBytes = 1 << 20) => call("jsonScript", lines.join("\n"), maxBytes);

  test("a document with commas placed, the same as JSON.stringify, toBytes() its UTF-8", () => {
    const out = script(["{", "k id", "i 7", "k name", "s Zoë \"Z\"", "k tags", "[", "s a", "[", "]", "{", "}", "n", "t", "F", "]",
      "k ratio", "f 0.25", "k nested", "{", "k deep", "[", "i -1", "]", "}", "}"]);
    const value = { id: 7, name: 'Zoë "Z"', tags: ["a", [], {}, null, true, false], ratio: 0.25, nested: { deep: [-1] } };
    expect(out).toBe("ok " + JSON.stringify(value));
    expect(Buffer.from(h.output()).toString("utf8")).toBe(JSON.stringify(value));
    expect(script(["s top"])).toBe('ok "top"');
    expect(script(["[", "]"])).toBe("ok []");
  });

  test("random documents match JSON.stringify", () => {
    const next = rng(13);
    const gen = (depth: number): unknown => {
      const k = next(depth > 3 ? 4 : 6);
      if (k === 0) return next(1000) - 500;
      if (k === 1) return ["x", "", "é \\", '"'][next(4)];
      if (k === 2) return [true, false, null][next(3)];
      if (k === 3) return next(100) / 8;
      if (k === 4) return Array.from({ length: next(4) }, () => gen(depth + 1));
      return Object.fromEntries(Array.from({ length: next(4) }, (_, i) => [`k${i}`, gen(depth + 1)]));
    };
    const toScript = (v: unknown): string[] => {
      if (v === null) return ["n"];
      if (v === true) return ["t"];
      if (v === false) return ["F"];
      if (typeof v === "number") return [Number.isInteger(v) ? `i ${v}` : `f ${v}`];
      if (typeof v === "string") return [`s ${v}`];
      if (Array.isArray(v)) return ["[", ...v.flatMap(toScript), "]"];
      return ["{", ...Object.entries(v as object).flatMap(([k, x]) => [`k ${k}`, ...toScript(x)]), "}"];
    };
    for (let i = 0; i < 300; i++) {
      const v = gen(0);
      expect(script(toScript(v)), JSON.stringify(v)).toBe("ok " + JSON.stringify(v));
    }
  });

  test("misuse is an error state, never a trap or invalid JSON", () => {
    const cases: [string[], number][] = [
      [["{", "s v", "}"], 1], // a value without its key
      [["[", "k a", "i 1", "]"], 2], // a key in an array
      [["k a"], 2], // a key at the top
      [["{", "k a", "k b", "i 1", "}"], 2], // two keys in a row
      [["[", "}"], 3], // the other kind of end
      [["]"], 3], // nothing open
      [["[", "]", "]"], 3],
      [["i 1", "i 2"], 4], // a second top-level value
      [["{", "}", "[", "]"], 4],
      [["{", "k a"], 5], // unfinished
      [["{", "k a", "}"], 5], // a key without its value
      [["[", "[", "]"], 5],
      [[], 5], // nothing at all
    ];
    for (const [lines, code] of cases) {
      const out = script(lines);
      expect(out, lines.join(" ")).toMatch(new RegExp(`^error ${code} JsonWriter: `));
      expect(out, "toString() gives nothing on error").not.toContain("TEXT");
      expect(h.output(), "toBytes() gives nothing on error").toHaveLength(0);
    }
  });

  test("a text longer than maxBytes stops with TooLarge; one that fits is whole", () => {
    const lines = ["[", ...Array.from({ length: 100 }, () => "s 0123456789"), "]"];
    expect(script(lines, 100)).toMatch(/^error 6 /);
    expect(h.output()).toHaveLength(0);
    const fits = script(lines, 1301);
    expect(fits).toBe("ok " + JSON.stringify(Array(100).fill("0123456789")));
    expect(script(lines, 1300)).toMatch(/^error 6 /);
  });
});
