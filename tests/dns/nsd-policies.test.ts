// The deliberate differences from NSD are recognised exactly: each policy
// explains its own kind of difference and nothing more, so a fault in the
// same answer still fails the differential test.
import { describe, expect, test } from "vitest";
import { compareAnswers } from "./nsd-diff.ts";
import { explain } from "./nsd-policies.ts";
import type { Query } from "./corpus.ts";

/** A response (id 0, QR AA) for `q` with the given records, as hex. */
function response(q: Query, sections: { an?: string[]; ns?: string[]; ar?: string[] }, flags = 0x8400): string {
  const name = (n: string) => Buffer.concat([...n.split(".").filter((l) => l).map((l) => Buffer.concat([Buffer.of(l.length), Buffer.from(l)])), Buffer.of(0)]);
  /** "owner ttl type hexrdata" */
  const rr = (s: string) => {
    const [owner, ttl, type, rdata] = s.split(" ");
    const fixed = Buffer.alloc(10);
    fixed.writeUInt16BE(Number(type), 0);
    fixed.writeUInt16BE(1, 2);
    fixed.writeUInt32BE(Number(ttl), 4);
    const rd = Buffer.from(rdata, "hex");
    fixed.writeUInt16BE(rd.length, 8);
    return Buffer.concat([name(owner), fixed, rd]);
  };
  const h = Buffer.alloc(12);
  h.writeUInt16BE(flags, 2);
  h.writeUInt16BE(1, 4);
  h.writeUInt16BE(sections.an?.length ?? 0, 6);
  h.writeUInt16BE(sections.ns?.length ?? 0, 8);
  h.writeUInt16BE(sections.ar?.length ?? 0, 10);
  const question = Buffer.concat([name(q.name), Buffer.of(q.type >> 8, q.type & 0xff, 0, 1)]);
  return Buffer.concat([h, question, ...[...(sections.an ?? []), ...(sections.ns ?? []), ...(sections.ar ?? [])].map(rr)]).toString("hex");
}

const MX = "000a" + "046d61696c017a0474657374" + "00"; // 10 mail.z.test.
const explainAll = (q: Query, ours: string, nsd: string) => compareAnswers(q, ours, nsd).map((d) => explain(d));

describe("differences from NSD: each policy exactly", () => {
  const q: Query = { name: "z.test.", type: 15, tcp: false };

  test("the MX target's addresses in our additional section: deliberate; any other extra record: not", () => {
    const nsd = response(q, { an: [`z.test. 60 15 ${MX}`] });
    expect(explainAll(q, response(q, { an: [`z.test. 60 15 ${MX}`], ar: ["mail.z.test. 60 1 0a000001"] }), nsd))
      .toEqual(["addresses of NS/MX/SRV targets in additional"]);
    expect(explainAll(q, response(q, { an: [`z.test. 60 15 ${MX}`], ar: ["other.z.test. 60 1 0a000001"] }), nsd)).toEqual([null]);
    expect(explainAll(q, response(q, { an: [`z.test. 60 15 ${MX}`], ar: ["mail.z.test. 60 16 0161"] }), nsd)).toEqual([null]);
  });

  test("one TTL per RRset: only when it is the lowest of NSD's and the records are the same", () => {
    const a: Query = { name: "w.z.test.", type: 1, tcp: false };
    const nsd = response(a, { an: ["w.z.test. 300 1 0a000001", "w.z.test. 3600 1 0a000002"] });
    expect(explainAll(a, response(a, { an: ["w.z.test. 300 1 0a000001", "w.z.test. 300 1 0a000002"] }), nsd))
      .toEqual(["one TTL per RRset, the lowest (RFC 2181 §5.2)"]);
    expect(explainAll(a, response(a, { an: ["w.z.test. 3600 1 0a000001", "w.z.test. 3600 1 0a000002"] }), nsd)).toEqual([null]);
    expect(explainAll(a, response(a, { an: ["w.z.test. 300 1 0a000001", "w.z.test. 300 1 0a000003"] }), nsd)).toEqual([null]);
  });

  test("ANY: one RRset each, of the name asked; two RRsets of ours are not", () => {
    const any: Query = { name: "w.z.test.", type: 255, tcp: false };
    const nsd = response(any, { an: ["w.z.test. 60 16 0161"] });
    expect(explainAll(any, response(any, { an: ["w.z.test. 60 1 0a000001"] }), nsd)).toEqual(["ANY: one RRset (RFC 8482)"]);
    expect(explainAll(any, response(any, { an: ["w.z.test. 60 1 0a000001", "w.z.test. 60 28 " + "00".repeat(16)] }), nsd)).toEqual([null]);
  });

  test("referral glue: TC from us only when we left glue out that NSD gave", () => {
    const a: Query = { name: "x.sub.z.test.", type: 1, tcp: false };
    // sub.z.test. NS n0.sub.z.test. and n1.sub.z.test.
    const authority = ["sub.z.test. 60 2 026e3003737562017a047465737400", "sub.z.test. 60 2 026e3103737562017a047465737400"];
    const nsd = response(a, { ns: authority, ar: ["n0.sub.z.test. 60 1 0a000001", "n1.sub.z.test. 60 1 0a000002"] }, 0x8000);
    const partial = response(a, { ns: authority, ar: ["n0.sub.z.test. 60 1 0a000001", "n0.sub.z.test. 60 28 " + "00".repeat(16)] }, 0x8200);
    expect(explainAll(a, partial, nsd)).toEqual(["referral glue that does not fit: TC (RFC 9471)", "referral glue that does not fit: TC (RFC 9471)"]);
    // TC with all of NSD's glue there: a fault.
    const all = response(a, { ns: authority, ar: ["n0.sub.z.test. 60 1 0a000001", "n1.sub.z.test. 60 1 0a000002"] }, 0x8200);
    expect(explainAll(a, all, nsd)).toEqual([null]);
  });

  test("a different RCODE or a missing answer is never explained", () => {
    const a: Query = { name: "w.z.test.", type: 1, tcp: false };
    expect(explainAll(a, response(a, {}, 0x8403), response(a, {}, 0x8400))).toEqual([null]);
    expect(explainAll(a, "", response(a, {}))).toEqual([null]);
  });
});
