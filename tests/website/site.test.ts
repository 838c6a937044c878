// website.hvt end to end, against curl and raw requests over a tap in a
// namespace: every file of apps/website/site byte for byte with its media
// type, index.html and the directory redirect, 404, gzip variants, 304 on
// ETag and date, ranges, HEAD, paths that try to climb out, keep-alive,
// pipelining, and the requests HTTP/1.1 tells us to refuse.
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { gunzipSync } from "node:zlib";
import { root } from "../../toolchain/root.ts";
import { appImage } from "../support/images.ts";
import { createNetns, hasNetns, warnNoNetns, type Netns } from "../support/netns.ts";
import { skipReason, tenders } from "../support/tender.ts";
import { Unikernel } from "./unikernel.ts";

const SITE = path.join(root, "apps", "website", "site");
const URL = "http://10.0.0.2";
if (!hasNetns) warnNoNetns("website end to end");

function siteFiles(dir = SITE, rel = ""): string[] {
  return readdirSync(path.join(dir, rel)).sort().flatMap((n) => {
    const r = rel ? `${rel}/${n}` : n;
    return statSync(path.join(dir, r)).isDirectory() ? siteFiles(dir, r) : [r];
  });
}
const sha = (b: Uint8Array) => createHash("sha256").update(b).digest("hex");

for (const tender of tenders("smoke")) describe.skipIf(!hasNetns || !!skipReason("website end to end", tender))(`website on ${tender.name}`, () => {
  let ns: Netns;
  let web: Unikernel;
  let tmp: string;

  beforeAll(async () => {
    ns = await createNetns();
    web = await Unikernel.start(ns, tender, appImage("website", tender.target));
    tmp = mkdtempSync(path.join(tmpdir(), "website-"));
  });
  afterAll(async () => {
    await web?.stop();
    await ns?.destroy();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  /** curl in the namespace: status, headers (lower-case names), body bytes. */
  async function get(urlPath: string, extra: string[] = []) {
    const body = path.join(tmp, "body");
    const head = path.join(tmp, "head");
    rmSync(body, { force: true });
    const r = await ns.exec(["curl", "-s", "-m", "10", "--path-as-is", "-D", head, "-o", body, ...extra, `${URL}${urlPath}`]);
    expect(r.status, `curl ${urlPath}: ${r.stderr}`).toBe(0);
    const lines = readFileSync(head, "latin1").split("\r\n").filter((l) => l.length > 0);
    const status = Number(lines[0].split(" ")[1]);
    const headers: Record<string, string> = {};
    for (const l of lines.slice(1)) {
      const i = l.indexOf(":");
      headers[l.slice(0, i).toLowerCase()] = l.slice(i + 1).trim();
    }
    let bytes: Uint8Array = new Uint8Array(0);
    try { bytes = new Uint8Array(readFileSync(body)); } catch { /* no body */ }
    return { status, headers, bytes, text: Buffer.from(bytes).toString("latin1") };
  }

  /** Raw bytes to port 80 (nc, write side shut at the end); the answer. */
  async function raw(request: string): Promise<string> {
    const file = path.join(tmp, "request");
    writeFileSync(file, request, "latin1");
    const r = await ns.exec(["bash", "-c", `nc -N -w 5 10.0.0.2 80 < ${file}`]);
    return r.stdout;
  }

  test("every file of the site arrives byte for byte, with its media type", async () => {
    const types: Record<string, string> = {
      html: "text/html; charset=utf-8", css: "text/css; charset=utf-8", txt: "text/plain; charset=utf-8",
      json: "application/json", svg: "image/svg+xml", png: "image/png",
    };
    const files = siteFiles();
    expect(files.length).toBeGreaterThanOrEqual(8);
    for (const f of files) {
      const r = await get(`/${f}`);
      // 404.html asked for by its own name is an ordinary file: 200.
      expect(r.status, f).toBe(200);
      expect(sha(r.bytes), f).toBe(sha(readFileSync(path.join(SITE, f))));
      expect(r.headers["content-type"], f).toBe(types[path.extname(f).slice(1)]);
      expect(Number(r.headers["content-length"])).toBe(r.bytes.length);
      expect(r.headers.etag).toMatch(/^"[0-9a-f]{16}"$/);
    }
  });

  test("a directory serves its index.html; without its '/' it is redirected", async () => {
    expect(sha((await get("/")).bytes)).toBe(sha(readFileSync(path.join(SITE, "index.html"))));
    const about = await get("/about/");
    expect(sha(about.bytes)).toBe(sha(readFileSync(path.join(SITE, "about/index.html"))));
    const redirect = await get("/about?x=1");
    expect(redirect.status).toBe(301);
    expect(redirect.headers.location).toBe("/about/?x=1");
  });

  test("a redirect's Location is built from the normalised path: never another host, never too long (issue 12 items 9, 11)", async () => {
    const evil = await get("//evil.example/..%2fabout");
    expect([evil.status, evil.headers.location]).toEqual([301, "/about/"]);
    // A 3.6 KB spelling of /about answered 500 when its raw path was echoed.
    const long = await get("/" + "./".repeat(1800) + "about");
    expect([long.status, long.headers.location]).toEqual([301, "/about/"]);
  });

  test("invalid UTF-8 in a path is 400, never an alias of another path (issue 12 item 10)", async () => {
    for (const p of ["/%c0%ae%c0%ae/hello.txt", "/about%c0%afindex.html", "/hello.txt%80", "/a%ed%a0%80"]) {
      expect((await get(p)).status, p).toBe(400);
    }
  });

  test("an unknown path is 404 with the site's 404 page", async () => {
    const r = await get("/no/such/page.html");
    expect(r.status).toBe(404);
    expect(r.text).toBe(readFileSync(path.join(SITE, "404.html"), "latin1"));
  });

  test("a client that accepts gzip gets the gzip variant, with Vary", async () => {
    const plain = await get("/docs/tcp.html");
    expect(plain.headers["content-encoding"]).toBeUndefined();
    expect(plain.headers.vary).toBe("Accept-Encoding");
    const gz = await get("/docs/tcp.html", ["-H", "Accept-Encoding: br, gzip;q=0.8"]);
    expect(gz.headers["content-encoding"]).toBe("gzip");
    expect(gz.bytes.length).toBeLessThan(plain.bytes.length);
    expect(sha(gunzipSync(gz.bytes))).toBe(sha(plain.bytes));
    expect(gz.headers.etag).not.toBe(plain.headers.etag); // another representation (RFC 9110 §8.8.3)
    const refused = await get("/docs/tcp.html", ["-H", "Accept-Encoding: gzip;q=0, *"]);
    expect(refused.headers["content-encoding"]).toBeUndefined();
  });

  test("If-None-Match and If-Modified-Since give 304 without a body", async () => {
    const first = await get("/style.css");
    expect(first.headers["last-modified"]).toMatch(/^\w{3}, \d\d \w{3} \d{4} \d\d:\d\d:\d\d GMT$/);
    const inm = await get("/style.css", ["-H", `If-None-Match: "nope", ${first.headers.etag}`]);
    expect(inm.status).toBe(304);
    expect(inm.bytes.length).toBe(0);
    expect(inm.headers.etag).toBe(first.headers.etag);
    const other = await get("/style.css", ["-H", `If-None-Match: "0000000000000000"`]);
    expect(other.status).toBe(200);
    const ims = await get("/style.css", ["-H", `If-Modified-Since: ${first.headers["last-modified"]}`]);
    expect(ims.status).toBe(304);
    const old = await get("/style.css", ["-H", "If-Modified-Since: Thu, 01 Jan 1970 00:00:00 GMT"]);
    expect(old.status).toBe(200);
  });

  test("If-Modified-Since in RFC 850 and asctime form, and If-Unmodified-Since (RFC 9110 §5.6.7, §13.1.4)", async () => {
    const lm = new Date((await get("/style.css")).headers["last-modified"]);
    const day = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"][lm.getUTCDay()];
    const [, dd, mon, yyyy, time] = lm.toUTCString().split(" ");
    const rfc850 = `${day}, ${dd}-${mon}-${yyyy.slice(2)} ${time} GMT`;
    const asctime = `${day.slice(0, 3)} ${mon} ${String(lm.getUTCDate()).padStart(2, " ")} ${time} ${yyyy}`;
    for (const d of [rfc850, asctime]) expect((await get("/style.css", ["-H", `If-Modified-Since: ${d}`])).status, d).toBe(304);
    expect((await get("/style.css", ["-H", `If-Unmodified-Since: ${lm.toUTCString()}`])).status).toBe(200);
    const before = await get("/style.css", ["-H", "If-Unmodified-Since: Thu, 01 Jan 1970 00:00:00 GMT"]);
    expect([before.status, before.bytes.length]).toEqual([412, 0]);
    expect((await get("/style.css", ["-H", "If-Unmodified-Since: not a date"])).status).toBe(200);
  });

  test("an invalid Host is 400, an unknown expectation 417 (issue 12 item 11)", async () => {
    expect(await raw("GET / HTTP/1.1\r\nHost: a b\r\n\r\n")).toMatch(/^HTTP\/1\.1 400 /);
    expect(await raw("GET / HTTP/1.1\r\nHost: a/b\r\n\r\n")).toMatch(/^HTTP\/1\.1 400 /);
    expect(await raw("GET / HTTP/1.1\r\nHost: a\r\nExpect: 200-ok\r\n\r\n")).toMatch(/^HTTP\/1\.1 417 /);
  });

  test("byte ranges: 206 with Content-Range, suffixes, 416 past the end, If-Range", async () => {
    const whole = readFileSync(path.join(SITE, "index.html"));
    const r = await get("/index.html", ["-r", "10-19"]);
    expect(r.status).toBe(206);
    expect(r.headers["content-range"]).toBe(`bytes 10-19/${whole.length}`);
    expect(Buffer.from(r.bytes)).toEqual(whole.subarray(10, 20));
    const suffix = await get("/index.html", ["-r", "-7"]);
    expect(Buffer.from(suffix.bytes)).toEqual(whole.subarray(whole.length - 7));
    const past = await get("/index.html", ["-r", `${whole.length}-`]);
    expect(past.status).toBe(416);
    expect(past.headers["content-range"]).toBe(`bytes */${whole.length}`);
    const stale = await get("/index.html", ["-r", "0-3", "-H", 'If-Range: "0000000000000000"']);
    expect(stale.status).toBe(200);
    expect(stale.bytes.length).toBe(whole.length);
  });

  test("HEAD gives the fields of GET and no body", async () => {
    const r = await ns.exec(["curl", "-s", "-I", `${URL}/hello.txt`]);
    expect(r.stdout).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
    expect(r.stdout).toContain(`Content-Length: ${statSync(path.join(SITE, "hello.txt")).size}\r\n`);
    expect(r.stdout.endsWith("\r\n\r\n")).toBe(true);
  });

  test("no path climbs out of the site", async () => {
    for (const p of ["/../../etc/passwd", "/%2e%2e/%2e%2e/etc/passwd", "/..%2f..%2fetc%2fpasswd", "/about/../../../../etc/passwd",
      "/.%2e/hello.txt/../../site-index", "//site-index", "/%2fsite-index"]) {
      const r = await get(p);
      expect(r.status, p).toBe(404);
    }
    // Dot segments inside the site resolve as RFC 3986 says.
    expect((await get("/about/../hello.txt")).text).toBe(readFileSync(path.join(SITE, "hello.txt"), "latin1"));
    expect((await get("/a%00b")).status).toBe(400);
  });

  test("keep-alive: several requests share one connection", async () => {
    const r = await ns.exec(["curl", "-s", "-o", "/dev/null", "-o", "/dev/null", "-o", "/dev/null", "-o", "/dev/null",
      "-w", "%{num_connects} %{http_code}\\n",
      `${URL}/`, `${URL}/style.css`, `${URL}/hello.txt`, `${URL}/missing`]);
    expect(r.stdout.trim().split("\n")).toEqual(["1 200", "0 200", "0 200", "0 404"]);
  });

  test("pipelining: requests sent together are answered in order", async () => {
    const hello = readFileSync(path.join(SITE, "hello.txt"), "latin1");
    const out = await raw(
      "GET /hello.txt HTTP/1.1\r\nHost: a\r\n\r\n" +
      "HEAD /style.css HTTP/1.1\r\nHost: a\r\n\r\n" +
      "GET /missing HTTP/1.1\r\nHost: a\r\n\r\n" +
      "GET /hello.txt HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n" +
      "GET /never-answered HTTP/1.1\r\nHost: a\r\n\r\n");
    const statuses = [...out.matchAll(/^HTTP\/1\.1 (\d+)/gm)].map((m) => m[1]);
    expect(statuses).toEqual(["200", "200", "404", "200"]);
    expect(out.split(hello).length - 1).toBe(2);
    expect(out).toContain("Connection: close\r\n");
  });

  test("malformed and smuggling-shaped requests are refused and the connection closed", async () => {
    // [request, the statuses answered]: an error closes the connection, so
    // the request after it is never answered; 405 and 501 for a method
    // are ordinary answers.
    const cases: [string, string[]][] = [
      ["POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", ["400"]],
      ["GET / HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab", ["400"]],
      ["GET / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip, chunked\r\n\r\n", ["501"]],
      ["GET / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked, gzip\r\n\r\n", ["400"]],
      ["GET / HTTP/1.1\r\n\r\n", ["400"]],
      ["GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", ["400"]],
      ["GET / HTTP/2.0\r\nHost: a\r\n\r\n", ["505"]],
      ["GET /" + "a".repeat(9000) + " HTTP/1.1\r\nHost: a\r\n\r\n", ["414"]],
      ["GET / HTTP/1.1\r\nHost: a\r\n" + "X-A: b\r\n".repeat(70) + "\r\n", ["431"]],
      ["GET / HTTP/1.1\r\nHost: a\r\nBad Name: x\r\n\r\n", ["400"]],
      ["GET / HTTP/1.1\r\nHost: a\r\nX: a\r\n folded\r\n\r\n", ["400"]],
      ["GET  / HTTP/1.1\r\nHost: a\r\n\r\n", ["400"]],
      ["GET / HTTP/1.1\r\nHost: a\rX: y\r\n\r\n", ["400"]],
      ["PUT /x HTTP/1.1\r\nHost: a\r\nContent-Length: 0\r\n\r\n", ["405", "200"]],
      ["BREW /pot HTTP/1.1\r\nHost: a\r\n\r\n", ["501", "200"]],
      // Bodies are read past, so the next request is found.
      ["POST /form HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nx=1&y", ["405", "200"]],
      ["POST /form HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n3;ext=1\r\nabc\r\n0\r\nT: v\r\n\r\n", ["405", "200"]],
    ];
    for (const [req, statuses] of cases) {
      const out = await raw(req + "GET /hello.txt HTTP/1.1\r\nHost: a\r\n\r\n");
      const got = [...out.matchAll(/^HTTP\/1\.1 (\d+)/gm)].map((m) => m[1]);
      expect(got, JSON.stringify(req.slice(0, 60))).toEqual(statuses);
    }
  });

  test("Date is the wall clock in IMF-fixdate", async () => {
    const r = await get("/hello.txt");
    const t = Date.parse(r.headers.date);
    expect(r.headers.date).toMatch(/^\w{3}, \d\d \w{3} \d{4} \d\d:\d\d:\d\d GMT$/);
    expect(Math.abs(t - Date.now())).toBeLessThan(120_000);
  });

  test("the connection table is empty once the clients are gone", async () => {
    // The last connections close as their clients' FINs arrive; on a loaded
    // machine that may take a stats period or two, so the test waits for
    // the table to empty (at most 15 s) instead of a fixed time.
    const end = Date.now() + 15_000;
    let t = await web.nextStats();
    while ((t["tcpload.active"] !== 0 || t["http.open"] !== 0) && Date.now() < end) t = await web.nextStats();
    expect(t["tcpload.active"], web.lastStatsLine()).toBe(0);
    expect(t["http.open"]).toBe(0);
    // Every file was asked for once by the first test alone.
    expect(t["http.requests"]).toBeGreaterThanOrEqual(siteFiles().length);
  });
});
