// Side by side with nginx (issue 12): the byte-exact requests of
// conformance-requests.ts, each on a connection of its own, to website.hvt
// and to Debian's nginx-light serving the same folder (apps/website/site),
// configured as the website behaves where nginx has a setting for it
// (index.html, error_page 404, etag, relative redirects, If-Modified-Since
// "before", charset utf-8). Both answers to every request are written to
// build/conformance/nginx.txt; every difference (http-compare.ts) must be
// one of DELIBERATE below, each explained in libos/http/README.md
// ("Deliberate differences from nginx"), and every one listed must still
// happen, so the list stays true both ways.
//
//   client namespace [tap0 10.0.0.1] -- tender -- website.hvt 10.0.0.2
//                    [c0 10.0.1.1] ==veth== server namespace [nginx 10.0.1.2]
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { root } from "../../toolchain/root.ts";
import { appImage } from "../support/images.ts";
import { createNetns, hasNetns, warnNoNetns, type Netns } from "../support/netns.ts";
import { hvtTenders, skipReason } from "../support/tender.ts";
import { linuxPeer, SERVER_ADDR } from "../bench/linux-peer.ts";
import { REQUESTS } from "./conformance-requests.ts";
import { aspectOf, dateForms, differences, readAnswers, type Exchange } from "./http-compare.ts";
import { Unikernel } from "./unikernel.ts";

const SUITE = "nginx conformance";
const SITE = path.join(root, "apps", "website", "site");
const NGINX = "/usr/sbin/nginx";
const OURS = "10.0.0.2";
const CLIENT = path.join(root, "tests", "website", "raw-http.py");
const RECORD = path.join(root, "build", "conformance", "nginx.txt");

/**
 * The differences kept on purpose, by request name: the aspects that
 * differ (http-compare.ts, "status", "allow", "open", …) and why, in
 * short; libos/http/README.md says it in full.
 */
const DELIBERATE: Record<string, { aspects: string[]; why: string }> = {
  "GET /docs/ (directory without index.html)": { aspects: ["status"], why: "no listings: a directory without index.html is 404, not nginx's 403" },
  "GET /nope.html (404)": { aspects: ["etag"], why: "no ETag on a 404: it names no representation of the target" },
  "HEAD /nope.html (404)": { aspects: ["etag"], why: "no ETag on a 404" },
  "pipelined GET, HEAD, GET": { aspects: ["etag #3"], why: "no ETag on a 404 (the third request)" },
  "GET gzip accepted": { aspects: ["content-length", "body"], why: "the build makes NAME.gz; nginx has no .gz files to serve" },
  "GET /../hello.txt": { aspects: ["status", "open"], why: "RFC 3986 §5.2.4: a '..' at the root is removed (200); nginx refuses it (400)" },
  "GET /%2e%2e/hello.txt": { aspects: ["status", "open"], why: "as /../hello.txt: decoded, then dot segments removed" },
  "GET /%c0%ae%c0%ae/hello.txt (overlong UTF-8)": { aspects: ["status", "open"], why: "invalid UTF-8 in a path is 400 (issue 12 item 10); nginx looks the bytes up (404)" },
  "If-Match: another": { aspects: ["open"], why: "a 412 is a complete answer: the connection stays open; nginx closes" },
  "If-Unmodified-Since: 1994": { aspects: ["open"], why: "a 412 keeps the connection open" },
  "Range: bytes=10-5 (invalid)": { aspects: ["status"], why: "RFC 9110 §14.1.1: the range is invalid, and a server may ignore Range (§14.2): 200; nginx answers 416" },
  "Range: two ranges": { aspects: ["status"], why: "no multipart/byteranges: several ranges get the whole file (RFC 9110 §14.2 allows ignoring Range)" },
  "HEAD with Range": { aspects: ["status"], why: "RFC 9110 §14.2: range handling is defined for GET only; nginx answers HEAD with 206" },
  "Expect: 100-continue, no body": { aspects: ["answers", "status"], why: "RFC 9110 §10.1.1: no 100 (Continue) when the framing says there is no content" },
  "Expect: something else": { aspects: ["status", "open"], why: "RFC 9110 §10.1.1: an expectation we do not know is 417 (and closes); nginx ignores Expect" },
  "POST": { aspects: ["allow"], why: "RFC 9110 §15.5.6: a 405 must send Allow; nginx does not" },
  "PUT": { aspects: ["allow"], why: "405 with Allow" },
  "DELETE": { aspects: ["allow"], why: "405 with Allow" },
  "OPTIONS": { aspects: ["allow"], why: "405 with Allow" },
  "TRACE": { aspects: ["allow", "open", "connection-close"], why: "405 with Allow, the connection kept; nginx closes after TRACE" },
  "chunked, a size with leading zeros": { aspects: ["allow"], why: "405 with Allow (the body read whole, as nginx does)" },
  "two spaces after the method": { aspects: ["status", "open"], why: "RFC 9112 §3: one SP between the parts; a lenient reading is what lets two parsers disagree (400)" },
  "a lower-case method": { aspects: ["status", "open"], why: "RFC 9110 §9.1: methods are case-sensitive, so \"get\" is an unknown method (501, kept open); nginx says 400" },
  "a header section of 20000 bytes": { aspects: ["status"], why: "RFC 6585 §5: 431 for header fields too large; nginx says 400" },
  "an unknown method": { aspects: ["status"], why: "RFC 9110 §15.6.2: 501 for a method we do not recognise; nginx says 405" },
};

if (!hasNetns) warnNoNetns(SUITE);
const nginxMissing = existsSync(NGINX) ? "" : `${NGINX} is not installed (apt-get install nginx-light)`;
if (nginxMissing) console.warn(`${SUITE}: skipped: ${nginxMissing}`);
const tender = hvtTenders()[0];

describe.skipIf(!hasNetns || !!nginxMissing || !!skipReason(SUITE, tender))(`website.hvt beside nginx on ${tender.name}`, () => {
  let client: Netns;
  let server: Netns | null = null;
  let web: Unikernel;
  let nginx: ChildProcess | null = null;
  let work: string;

  beforeAll(async () => {
    work = mkdtempSync(path.join(tmpdir(), "nginx-conformance-"));
    client = await createNetns();
    web = await Unikernel.start(client, tender, appImage("website", tender.target), { args: [`--ipv4=${OURS}/24`] });
    server = (await linuxPeer(client)).server;
    writeFileSync(path.join(work, "nginx.conf"), nginxConf(work));
    nginx = server.spawn([NGINX, "-c", path.join(work, "nginx.conf")]);
    for (let i = 0; ; i++) {
      const r = await client.exec(["curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "-m", "1", `http://${SERVER_ADDR}/`]);
      if (r.stdout === "200") break;
      if (i === 50) throw new Error(`nginx does not answer: ${readFileSync(path.join(work, "error.log"), "utf8")}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  });
  afterAll(async () => {
    if (nginx?.pid !== undefined && nginx.exitCode === null) process.kill(nginx.pid, "SIGTERM");
    await web?.stop();
    await server?.destroy();
    await client?.destroy();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  /** Each request to `host`, all at once (raw-http.py): the answers by name. */
  async function ask(host: string, requests: { name: string; bytes: Buffer }[]): Promise<Map<string, { bytes: Buffer; closed: boolean }>> {
    const file = path.join(work, `requests-${host}.json`);
    writeFileSync(file, JSON.stringify(requests.map((r) => ({ name: r.name, bytes: r.bytes.toString("base64") }))));
    const r = await client.exec(["python3", CLIENT, host, "80", file], { timeoutMs: 30_000 });
    if (r.status !== 0) throw new Error(`raw-http.py ${host}: ${r.stderr}`);
    const got = JSON.parse(r.stdout) as Record<string, { bytes?: string; closed?: boolean }>;
    return new Map(Object.entries(got).map(([k, v]) => {
      if (v.bytes === undefined) throw new Error(`raw-http.py could not send "${k}" to ${host}`);
      return [k, { bytes: Buffer.from(v.bytes, "base64"), closed: v.closed === true }];
    }));
  }

  /** The requests with this server's validators of /index.html filled in. */
  async function requestsFor(host: string) {
    const probe = (await ask(host, [{ name: "probe", bytes: Buffer.from("GET /index.html HTTP/1.1\r\nHost: t\r\n\r\n") }])).get("probe")!;
    const h = readAnswers(probe.bytes)[0].headers;
    const fill: Record<string, string> = { etag: h.etag, date: h["last-modified"], ...dateForms(h["last-modified"]) };
    return REQUESTS.map((r) => ({ name: r.name, bytes: Buffer.from(r.text.replace(/\{(\w+)\}/g, (_, k: string) => fill[k]), "latin1") }));
  }

  test("every difference from nginx is a deliberate one", async () => {
    const [oursReq, theirsReq] = await Promise.all([requestsFor(OURS), requestsFor(SERVER_ADDR)]);
    const [ours, theirs] = await Promise.all([ask(OURS, oursReq), ask(SERVER_ADDR, theirsReq)]);
    const record: string[] = [];
    const unexplained: string[] = [];
    const stale: string[] = [];
    for (const [i, r] of REQUESTS.entries()) {
      const o = ours.get(r.name)!;
      const t = theirs.get(r.name)!;
      const sent = (x: { bytes: Buffer }) => x.bytes.toString("latin1");
      const toNginx = sent(theirsReq[i]) === sent(oursReq[i]) ? "" : `>>> nginx got\n${sent(theirsReq[i])}\n`;
      record.push(`### ${r.name}\n>>> website.hvt got\n${sent(oursReq[i])}\n${toNginx}` +
        `<<< website.hvt (${o.closed ? "closed" : "left open"})\n${o.bytes.toString("latin1")}\n` +
        `<<< nginx (${t.closed ? "closed" : "left open"})\n${t.bytes.toString("latin1")}\n`);
      const exchange = (x: { bytes: Buffer; closed: boolean }): Exchange => ({ answers: readAnswers(x.bytes, r.head), closed: x.closed });
      const diff = differences(exchange(o), exchange(t));
      const allowed = DELIBERATE[r.name]?.aspects ?? [];
      unexplained.push(...diff.filter((l) => !allowed.includes(aspectOf(l))).map((l) => `${r.name}: ${l}`));
      stale.push(...allowed.filter((a) => !diff.some((l) => aspectOf(l) === a)).map((a) => `${r.name}: ${a}`));
    }
    mkdirSync(path.dirname(RECORD), { recursive: true });
    writeFileSync(RECORD, record.join("\n"));
    expect(Object.keys(DELIBERATE).filter((k) => !REQUESTS.some((r) => r.name === k)), "listed requests that are not sent").toEqual([]);
    expect(unexplained, `differences from nginx not in DELIBERATE (answers in ${RECORD})`).toEqual([]);
    expect(stale, `deliberate differences that no longer happen: remove them here and in libos/http/README.md`).toEqual([]);
    expect(web.running).toBe(true);
  }, 60_000);
});

/** nginx as the website behaves, where nginx has a setting for it. */
function nginxConf(work: string): string {
  return [
    "user root;", "worker_processes 1;", "daemon off;", "master_process off;", `pid ${work}/nginx.pid;`,
    `error_log ${work}/error.log;`, "events { worker_connections 256; }",
    "http {", "  access_log off;", "  include /etc/nginx/mime.types;", "  default_type application/octet-stream;",
    // The website says charset=utf-8 on every text type (apps/website/mime.ts).
    "  charset utf-8;", "  charset_types text/html text/css text/plain application/javascript;",
    "  server_tokens off;", "  etag on;",
    // Directory redirects to a path, not to http://HOST/… (the website never names a host).
    "  absolute_redirect off;",
    // 304 when the file is no newer than the date (RFC 9110 §13.1.3); nginx's default is an exact match.
    "  if_modified_since before;",
    `  client_body_temp_path ${work}/body;`,
    "  server {", `    listen ${SERVER_ADDR}:80;`, `    root ${SITE};`, "    index index.html;", "    error_page 404 /404.html;", "  }",
    "}", "",
  ].join("\n");
}
