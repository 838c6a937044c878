// The Authority over zones written here, compiled by the real zone
// compiler and loaded by the real loader under the harness: each answer is
// read back with the strict reader of message.ts (a bad compression
// pointer fails it). Compression across answers in one buffer, CNAMEs into
// delegations and loops, DS from the parent side, wildcards (RFC 4592),
// the DO bit, classes and opcodes, and corrupted zone tables.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { Harness } from "../harness/index.ts";
import { compileZones } from "../../toolchain/assets/dns-zones.ts";
import { readAssetFolder } from "../../toolchain/assets/index.ts";
import { ROOT } from "../harness/index.ts";
import { buildQuery, describe as lines, parseMessage, type Message } from "./message.ts";

const dirs: string[] = [];
afterAll(() => { for (const d of dirs) rmSync(d, { recursive: true, force: true }); });

/** The zones.bin of `files` (name -> master file text). */
export function compileTable(files: Record<string, string>): Uint8Array {
  const dir = mkdtempSync(path.join(tmpdir(), "zones-"));
  dirs.push(dir);
  for (const [name, text] of Object.entries(files)) writeFileSync(path.join(dir, name), text, "latin1");
  return compileZones(readAssetFolder(dir), dir)[0].bytes;
}

let h: Harness;
beforeAll(async () => { h = await Harness.start("tests/dns/as/authority.ts"); });

function load(table: Uint8Array, maxUdp = 1232): string {
  h.input(table);
  return h.string(h.call("load", maxUdp)) ?? "";
}

/** The raw answer to `q` (empty when none is sent). */
function raw(q: Uint8Array, tcp = false): Uint8Array {
  h.input(q);
  const n = h.call("answer", tcp) as number;
  expect(h.exitStatus, h.console).toBe(null);
  return n === 0 ? new Uint8Array(0) : Uint8Array.from(h.output());
}

function ask(name: string, type: number, opts: Parameters<typeof buildQuery>[2] = {}): Message {
  return parseMessage(raw(buildQuery(name, type, opts)));
}

const A = 1, NS = 2, SOA = 6, MX = 15, TXT = 16, DS = 43;
const rr = (m: Message, s: "answer" | "authority" | "additional") => m[s].map((r) => `${r.name} ${r.type}`);

const PARENT = `$ORIGIN p.test.
$TTL 60
@ SOA ns h 1 2 3 4 5
@ NS ns
ns A 10.0.0.1
sub NS ns.sub
ns.sub A 10.0.0.9
child NS ns.child
child TYPE43 \\# 5 3039080201
into CNAME host.sub
to-child CNAME www.child
loop1 CNAME loop2
loop2 CNAME loop3
loop3 CNAME loop1
self CNAME self
*.w A 10.1.1.1
*.w MX 10 mx.p.test.
mx A 10.0.0.25
x.y.w A 10.2.2.2
*.c CNAME target
target A 10.3.3.3
*.gone CNAME nowhere
moved DNAME child
far DNAME very-long-label-to-make-the-synthesised-name-too-long.0123456789012345678901234567890123456789.0123456789012345678901234567890123456789012345678901234567890.example.
`;
const CHILD = `$ORIGIN child.p.test.
$TTL 60
@ SOA ns h 1 2 3 4 5
@ NS ns
ns A 10.0.0.2
www A 10.0.0.80
`;

describe("Authority: answers from zones of the test's own", () => {
  beforeAll(() => {
    expect(load(compileTable({ "p.test.zone": PARENT, "child.p.test.zone": CHILD }))).toBe("");
  });

  test("a CNAME into a delegation gives the CNAME and the referral, authoritative (as NSD)", () => {
    const m = ask("into.p.test", A);
    expect(m.rcode).toBe(0);
    expect(m.flags & 0x0400).toBe(0x0400);
    expect(rr(m, "answer")).toEqual(["into.p.test. 5"]);
    expect(rr(m, "authority")).toEqual(["sub.p.test. 2"]);
    expect(rr(m, "additional")).toEqual(["ns.sub.p.test. 1"]);
  });

  test("a CNAME into a child zone we serve is followed there", () => {
    const m = ask("to-child.p.test", A);
    expect(rr(m, "answer")).toEqual(["to-child.p.test. 5", "www.child.p.test. 1"]);
  });

  test("a CNAME loop stops at the first repeated name", () => {
    const m = ask("loop1.p.test", A);
    expect(m.rcode).toBe(0);
    expect(rr(m, "answer")).toEqual(["loop1.p.test. 5", "loop2.p.test. 5", "loop3.p.test. 5"]);
    expect(rr(ask("self.p.test", A), "answer")).toEqual(["self.p.test. 5"]);
  });

  test("DS at a cut comes from the parent even though the child is served (RFC 4035 §3.1.4.1)", () => {
    const m = ask("child.p.test", DS);
    expect(m.flags & 0x0400).toBe(0x0400);
    expect(m.answer.map((r) => `${r.name} ${r.type} ${r.rdata}`)).toEqual(["child.p.test. 43 3039080201"]);
    // Other types at the child's apex come from the child.
    expect(rr(ask("child.p.test", SOA), "answer")).toEqual(["child.p.test. 6"]);
    // DS at the apex of a zone whose parent we do not serve: the zone itself, NODATA.
    const nodata = ask("p.test", DS);
    expect(nodata.answer).toEqual([]);
    expect(rr(nodata, "authority")).toEqual(["p.test. 6"]);
  });

  test("wildcards: synthesised with the name asked, NODATA from one, and ENTs and existing names block them (RFC 4592)", () => {
    const m = ask("Any.W.p.test", A);
    expect(m.rcode).toBe(0);
    expect(m.answer.map((r) => `${r.name} ${r.type} ${r.rdata}`)).toEqual(["Any.W.p.test. 1 0a010101"]);
    // Several labels below the closest encloser.
    expect(rr(ask("a.b.w.p.test", A), "answer")).toEqual(["a.b.w.p.test. 1"]);
    // An MX from a wildcard still gets its exchange's address.
    expect(rr(ask("m.w.p.test", MX), "additional")).toEqual(["mx.p.test. 1"]);
    // NODATA: the wildcard has no TXT.
    const nodata = ask("any.w.p.test", TXT);
    expect([nodata.rcode, nodata.answer.length, rr(nodata, "authority")]).toEqual([0, 0, ["p.test. 6"]]);
    // y.w exists as an empty non-terminal: below it, no wildcard applies.
    expect(ask("z.y.w.p.test", A).rcode).toBe(3);
    expect(ask("y.w.p.test", A).rcode).toBe(0);
    expect(ask("y.w.p.test", A).answer).toEqual([]);
    // The wildcard itself answers as itself.
    expect(rr(ask("*.w.p.test", A), "answer")).toEqual(["*.w.p.test. 1"]);
  });

  test("a wildcard CNAME is followed from the synthesised name; one to nowhere ends in NXDOMAIN (RFC 6604)", () => {
    const m = ask("q.c.p.test", A);
    expect(m.answer.map((r) => `${r.name} ${r.type}`)).toEqual(["q.c.p.test. 5", "target.p.test. 1"]);
    const gone = ask("q.gone.p.test", A);
    expect(gone.rcode).toBe(3);
    expect(rr(gone, "answer")).toEqual(["q.gone.p.test. 5"]);
  });

  test("DNAME: the DNAME, the CNAME it synthesises with its TTL, and the answer at the new name (RFC 6672 §3.2)", () => {
    const m = ask("www.moved.p.test", A);
    expect(m.rcode).toBe(0);
    expect(m.answer.map((r) => `${r.name} ${r.type} ${r.ttl}`)).toEqual([
      "moved.p.test. 39 60", "www.moved.p.test. 5 60", "www.child.p.test. 1 60"]);
    expect(m.answer[1].rdata).toBe(Buffer.from("\x03www\x05child\x01p\x04test\x00", "latin1").toString("hex"));
    // Below the new name nothing: NXDOMAIN from the child zone.
    const nx = ask("no.moved.p.test", A);
    expect([nx.rcode, rr(nx, "authority")]).toEqual([3, ["child.p.test. 6"]]);
    // A question for CNAME is answered by the synthesised one alone.
    expect(rr(ask("www.moved.p.test", 5), "answer")).toEqual(["moved.p.test. 39", "www.moved.p.test. 5"]);
    // The DNAME's owner itself is plain data.
    expect(rr(ask("moved.p.test", 39), "answer")).toEqual(["moved.p.test. 39"]);
    // A synthesised name over 255 bytes: YXDOMAIN (RFC 6672 §2.2).
    const long = ask("a".repeat(60) + "." + "b".repeat(60) + ".far.p.test", A);
    expect([long.rcode, rr(long, "answer")]).toEqual([6, ["far.p.test. 39"]]);
  });

  test("ANY at a zone's apex is its SOA, elsewhere one RRset (RFC 8482 §4.2)", () => {
    expect(rr(ask("p.test", 255), "answer")).toEqual(["p.test. 6"]);
    expect(rr(ask("ns.p.test", 255), "answer")).toEqual(["ns.p.test. 1"]);
  });

  test("the DO bit comes back in our OPT record (RFC 3225 §3), and not when it was not asked", () => {
    expect(ask("ns.p.test", A, { edns: { do: true } }).edns?.do).toBe(true);
    expect(ask("ns.p.test", A, { edns: {} }).edns?.do).toBe(false);
    expect(ask("nothing.p.test", A, { edns: { do: true } }).edns?.do).toBe(true);
  });

  test("a name outside our zones: REFUSED, with Extended DNS Error 20 when the query has EDNS (RFC 8914 §4.21)", () => {
    const m = ask("example.org", A, { edns: {} });
    expect([m.rcode, m.edns?.options]).toEqual([5, "000f00020014"]);
    expect(ask("example.org", A).edns).toBe(null);
    // Only for names not ours: an NXDOMAIN carries no option.
    expect(ask("nothing.p.test", A, { edns: {} }).edns?.options).toBe("");
  });

  test("class ANY is answered from IN, without AA; CH and NOTIFY are REFUSED; other opcodes NOTIMP", () => {
    const any = ask("ns.p.test", A, { klass: 255 });
    expect([any.rcode, any.flags & 0x0400, rr(any, "answer")]).toEqual([0, 0, ["ns.p.test. 1"]]);
    expect(ask("version.bind", TXT, { klass: 3 }).rcode).toBe(5);
    expect(ask("p.test", SOA, { flags: 4 << 11 }).rcode).toBe(5);
    expect(ask("p.test", SOA, { flags: 5 << 11 }).rcode).toBe(4);
  });
});

describe("Authority: compression", () => {
  test("www.morgana.test then www.www.morgana.test in the same buffer: both well formed", () => {
    const dir = path.join(ROOT, "apps", "dns", "zones");
    expect(load(compileZones(readAssetFolder(dir), dir)[0].bytes)).toBe("");
    const first = ask("www.morgana.test", A);
    expect(first.answer.length).toBe(3);
    // The stale bytes of the first answer lie where the second name goes.
    const second = ask("www.www.morgana.test", A);
    expect(second.rcode).toBe(3);
    expect(second.question[0].name).toBe("www.www.morgana.test.");
    expect(lines(ask("www.morgana.test", A))).toEqual(lines(first));
  });
});

describe("Authority: zone tables that do not hold together", () => {
  test("5,000 corrupted tables: each is refused or serves without a trap, every answer well formed; then the canary answers", () => {
    const good = compileTable({ "p.test.zone": PARENT, "child.p.test.zone": CHILD });
    const queries = [["ns.p.test", A], ["into.p.test", A], ["loop1.p.test", A], ["child.p.test", DS], ["any.w.p.test", MX],
      ["q.c.p.test", A], ["nothing.p.test", A], ["host.sub.p.test", A], ["www.child.p.test", A], ["p.test", NS], ["p.test", 255]]
      .map(([n, t]) => buildQuery(n as string, t as number, { edns: { udp: 4096 } }));
    let seed = 7;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) >>> 0) >>> 8);
    let loaded = 0;
    for (let i = 0; i < 5000; i++) {
      const t = Uint8Array.from(good);
      // Mostly the tables' own fields and the names and RDATA they point at.
      for (let k = 0; k <= rnd() % 3; k++) t[rnd() % t.length] = rnd() & 0xff;
      if (load(t) !== "") continue;
      loaded++;
      for (const q of queries) {
        const a = raw(q, (i & 1) === 1);
        if (a.length) parseMessage(a);
      }
    }
    expect(loaded).toBeGreaterThan(100);
    expect(load(good)).toBe("");
    expect(rr(ask("ns.p.test", A), "answer")).toEqual(["ns.p.test. 1"]);
  });

  test("the loader names what is wrong", () => {
    const good = compileTable({ "p.test.zone": PARENT });
    expect(load(good.subarray(0, 20))).toMatch(/magic/);
    const bad = Uint8Array.from(good);
    bad[4] = 0xff; // zones
    expect(load(bad)).toMatch(/offsets|size/);
  });
});
