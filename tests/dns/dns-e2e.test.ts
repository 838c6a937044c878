/**
 * apps/dns end to end: dist/dns.hvt (serving apps/dns/zones/morgana.test.zone)
 * booted once under each tender of the smoke set (tests/support/tender.ts)
 * on a tap in a namespace this file creates
 * and removes (Linux side 10.0.0.1, the image 10.0.0.2), asked by dig for
 * every record type, negative answers, a delegation, truncation, refused
 * names, and by a Node UDP probe for malformed messages; the image must
 * keep answering through all of it. Every tool run is bounded in time.
 */
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { hasNetns, warnNoNetns, createNetns, type Netns } from "../support/netns.ts";
import { appImage } from "../support/images.ts";
import { skipReason, tenders } from "../support/tender.ts";
import { bootImage, query, udpProbe, type Running } from "./boot.ts";

warnNoNetns("dns end-to-end");

const SERVER = "10.0.0.2";
let ns: Netns;
let dns: Running;

async function dig(...args: string[]): Promise<string> {
  const r = await ns.exec(["dig", `@${SERVER}`, "+tries=1", "+time=2", "+norec", ...args], { timeoutMs: 15_000 });
  return r.stdout;
}
const short = async (...args: string[]) => (await dig("+short", ...args)).trim().split("\n").filter((l) => l).sort();
const header = (out: string) => /;; flags: ([a-z ]*);/.exec(out)?.[1].trim().split(" ") ?? [];
const status = (out: string) => /status: ([A-Z]+)/.exec(out)?.[1];
const section = (out: string, name: string) => {
  const m = new RegExp(`;; ${name} SECTION:\\n([\\s\\S]*?)(\\n\\n|$)`).exec(out);
  return m ? m[1].split("\n").map((l) => l.replace(/\s+/g, " ").trim()) : [];
};

for (const tender of tenders("smoke")) describe.skipIf(!hasNetns || !!skipReason("dns end-to-end", tender))(`dns on ${tender.name}`, () => {
  beforeAll(async () => {
    ns = await createNetns();
    dns = await bootImage(tender, ns, appImage("dns", tender.target), [`--ipv4=${SERVER}/24`], /\[dns\] serving/);
  });
  afterAll(async () => {
    await ns?.destroy();
  });

  test("every record type of the test zone, as the zone file says", async () => {
    expect(await short("morgana.test", "A")).toEqual(["10.0.0.2"]);
    expect(await short("morgana.test", "AAAA")).toEqual(["2001:db8::2"]);
    expect(await short("morgana.test", "NS")).toEqual(["ns1.morgana.test.", "ns2.morgana.test."]);
    expect(await short("morgana.test", "MX")).toEqual(["10 mail.morgana.test.", "20 mail.backup.example."]);
    expect(await short("morgana.test", "SOA")).toEqual(["ns1.morgana.test. hostmaster.morgana.test. 2026112201 7200 900 1209600 300"]);
    expect(await short("morgana.test", "TXT")).toEqual(['"v=spf1 mx -all"']);
    expect(await short("morgana.test", "CAA")).toEqual(['0 issue "letsencrypt.org"']);
    expect(await short("_http._tcp.morgana.test", "SRV")).toEqual(["10 60 80 web.morgana.test."]);
    expect(await short("2.morgana.test", "PTR")).toEqual(["ns1.morgana.test."]);
    expect(await short("web.morgana.test", "CNAME")).toEqual([]);
    expect(await short("www.morgana.test", "CNAME")).toEqual(["web.morgana.test."]);
    expect(await short("opaque.morgana.test", "TYPE65280")).toEqual(["\\# 4 0A000001"]);
    expect(await short("txt.morgana.test", "TXT")).toEqual([
      '"hello, morgana" "second string" "semi;colon" "quote\\"inside" "ABC"', '"one string" "two strings"']);
    expect(await short("deep.a.b.c.morgana.test", "A")).toEqual(["10.0.0.99"]);
  });

  test("answers are authoritative, without recursion, with the minimum of sections", async () => {
    const out = await dig("www.morgana.test", "A");
    expect(status(out)).toBe("NOERROR");
    expect(header(out)).toEqual(["qr", "aa"]); // RA clear, RD not asked
    expect(section(out, "ANSWER")).toEqual([
      "www.morgana.test. 3600 IN CNAME web.morgana.test.",
      "web.morgana.test. 3600 IN A 10.0.0.80",
      "web.morgana.test. 3600 IN A 10.0.0.81"]);
    expect(section(out, "AUTHORITY")).toEqual([]);
    expect(header(await dig("+rec", "web.morgana.test"))).toEqual(["qr", "aa", "rd"]);
  });

  test("a CNAME chain is followed inside the zone, and stops where it leaves", async () => {
    expect(section(await dig("alias.morgana.test", "A"), "ANSWER")).toEqual([
      "alias.morgana.test. 3600 IN CNAME www.morgana.test.",
      "www.morgana.test. 3600 IN CNAME web.morgana.test.",
      "web.morgana.test. 3600 IN A 10.0.0.80",
      "web.morgana.test. 3600 IN A 10.0.0.81"]);
    const out = await dig("outside.morgana.test", "A");
    expect(status(out)).toBe("NOERROR");
    expect(section(out, "ANSWER")).toEqual(["outside.morgana.test. 3600 IN CNAME www.example."]);
  });

  test("ANY gets one RRset (RFC 8482); zone transfers are refused over TCP too", async () => {
    const any = await dig("morgana.test", "ANY");
    const types = new Set(section(any, "ANSWER").map((l) => l.split(" ")[3]));
    expect(types.size).toBe(1);
    const axfr = await dig("morgana.test", "AXFR");
    expect(axfr).toMatch(/Transfer failed/);
  });

  test("MX answers carry the in-zone exchange's address", async () => {
    expect(section(await dig("morgana.test", "MX"), "ADDITIONAL")).toContain("mail.morgana.test. 3600 IN A 10.0.0.25");
  });

  test("NXDOMAIN and NODATA carry the SOA, TTL capped by its minimum (RFC 2308)", async () => {
    const soa = "morgana.test. 300 IN SOA ns1.morgana.test. hostmaster.morgana.test. 2026112201 7200 900 1209600 300";
    const nx = await dig("nothing.morgana.test", "A");
    expect(status(nx)).toBe("NXDOMAIN");
    expect(header(nx)).toEqual(["qr", "aa"]);
    expect(section(nx, "AUTHORITY")).toEqual([soa]);
    const nodata = await dig("mail.morgana.test", "AAAA");
    expect(status(nodata)).toBe("NOERROR");
    expect(section(nodata, "ANSWER")).toEqual([]);
    expect(section(nodata, "AUTHORITY")).toEqual([soa]);
    // An empty non-terminal exists: NODATA, not NXDOMAIN (RFC 8020).
    const ent = await dig("b.c.morgana.test", "A");
    expect(status(ent)).toBe("NOERROR");
    expect(section(ent, "AUTHORITY")).toEqual([soa]);
  });

  test("below the delegation: a referral with NS and glue, not authoritative", async () => {
    const out = await dig("host.sub.morgana.test", "A");
    expect(status(out)).toBe("NOERROR");
    expect(header(out)).toEqual(["qr"]);
    expect(section(out, "ANSWER")).toEqual([]);
    expect(section(out, "AUTHORITY").sort()).toEqual([
      "sub.morgana.test. 3600 IN NS ns.elsewhere.example.", "sub.morgana.test. 3600 IN NS ns.sub.morgana.test."]);
    expect(section(out, "ADDITIONAL")).toEqual(expect.arrayContaining([
      "ns.sub.morgana.test. 3600 IN A 10.0.0.53", "ns.sub.morgana.test. 3600 IN AAAA 2001:db8::53"]));
    // The glue itself is not ours to answer for either.
    expect(header(await dig("ns.sub.morgana.test", "A"))).toEqual(["qr"]);
  });

  test("names outside the zones are REFUSED", async () => {
    for (const name of ["example.org", "test", "."]) {
      const out = await dig(name, "A");
      expect(status(out), name).toBe("REFUSED");
      expect(section(out, "ANSWER")).toEqual([]);
    }
    expect(status(await dig("-c", "CH", "version.bind", "TXT"))).toBe("REFUSED");
  });

  test("an answer over the UDP limit is truncated with TC set, whole RRsets left out", async () => {
    const out = await dig("+ignore", "+bufsize=1232", "big.morgana.test", "TXT");
    expect(header(out)).toContain("tc");
    expect(section(out, "ANSWER")).toEqual([]);
    const small = await dig("+ignore", "+noedns", "txt.morgana.test", "TXT");
    expect(header(small)).not.toContain("tc");
    // A client offering more than our 1232 bytes still gets at most 1232: header, question, OPT.
    expect(/MSG SIZE\s+rcvd: (\d+)/.exec(await dig("+ignore", "+bufsize=4096", "big.morgana.test", "TXT"))![1]).toBe("45");
  });

  test("a truncated answer is asked again over TCP by dig, and comes whole (RFC 7766)", async () => {
    const out = await dig("+bufsize=1232", "big.morgana.test", "TXT");
    expect(out).toMatch(/;; Truncated, retrying in TCP mode\./);
    expect(status(out)).toBe("NOERROR");
    expect(header(out)).not.toContain("tc");
    expect(section(out, "ANSWER").length).toBe(7);
    expect(/MSG SIZE\s+rcvd: (\d+)/.exec(out)![1]).toBe("1676");
  });

  test("several queries over one TCP connection", async () => {
    const out = await dig("+tcp", "+keepopen", "web.morgana.test", "A", "nothing.morgana.test", "A", "morgana.test", "NS");
    expect([...out.matchAll(/status: ([A-Z]+)/g)].map((m) => m[1])).toEqual(["NOERROR", "NXDOMAIN", "NOERROR"]);
  });

  test("EDNS: our 1232-byte size, BADVERS for version 1", async () => {
    expect(await dig("morgana.test", "SOA")).toMatch(/; EDNS: version: 0, flags:; udp: 1232/);
    const bad = await dig("+edns=1", "+noednsnegotiation", "morgana.test", "SOA");
    expect(status(bad)).toBe("BADVERS");
  });

  test("malformed queries get FORMERR or nothing, other opcodes NOTIMP, answers are never answered", async () => {
    const q = query("www.morgana.test", 1);
    const answers = await udpProbe(ns, SERVER, 53, [
      q.slice(0, 20), // shorter than a header: nothing
      q.slice(0, 30), // question cut: FORMERR
      "1234000000020000000000000377777700000100010377777700000100 01".replace(/ /g, ""), // two questions
      "123400000001000000000000c00c00010001", // a pointer loop in the question
      query("www.morgana.test", 1, { flags: 0x8000 }), // a response
      query("www.morgana.test", 1, { flags: 0x1000 }), // opcode 2 (status)
      query("www.morgana.test", 1, { edns: { udpSize: 100 } }), // tiny EDNS size: 512 used
      q + "00", // trailing garbage is ignored
      query("morgana.test", 252), // AXFR: no zone transfers
    ]);
    const rcode = (hex: string) => (hex ? parseInt(hex.slice(6, 8), 16) & 0xf : -1);
    expect(answers[0]).toBe("");
    expect(rcode(answers[1])).toBe(1);
    expect(rcode(answers[2])).toBe(1);
    expect(rcode(answers[3])).toBe(1);
    expect(answers[4]).toBe("");
    expect(rcode(answers[5])).toBe(4);
    expect(rcode(answers[6])).toBe(0);
    expect(rcode(answers[7])).toBe(0);
    expect(rcode(answers[8])).toBe(5);
    // Every answer repeats the query's id.
    for (const a of answers.filter((a) => a)) expect(a.slice(0, 4)).toBe("1234");
  });

  test("random garbage never stops the server", async () => {
    let seed = 5;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) >>> 0) >>> 8);
    const base = Buffer.from(query("www.morgana.test", 1, { edns: {} }), "hex");
    const payloads: string[] = [];
    for (let i = 0; i < 150; i++) {
      const m = Buffer.from(base);
      for (let k = 0; k <= rnd() % 5; k++) m[rnd() % m.length] = rnd() & 0xff;
      payloads.push(m.subarray(0, 12 + (rnd() % (m.length - 11))).toString("hex"));
    }
    await udpProbe(ns, SERVER, 53, payloads, 30);
    expect(await short("web.morgana.test", "A")).toEqual(["10.0.0.80", "10.0.0.81"]);
    expect(dns.output()).not.toMatch(/trap|abort|exception/);
  });
});
