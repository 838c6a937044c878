/**
 * The deliberate differences from NSD, each one a policy written down in
 * apps/dns/README.md ("Differences from NSD"): `explain` names the policy
 * that accounts for a difference, or returns null for one that none does.
 * Each policy checks the difference is exactly of its kind (the same
 * records but for what the policy changes), so a real fault in the same
 * answer is never hidden behind it.
 */
import type { Difference } from "./nsd-diff.ts";
import type { Message, Rr } from "./message.ts";

const A = 1, NS = 2, MX = 15, AAAA = 28, SRV = 33, ANY = 255;

type Section = "answer" | "authority" | "additional";
const key = (r: Rr, ttl = true) => `${r.name.toLowerCase()} ${ttl ? r.ttl : ""} ${r.type} ${r.rdata}`;
const set = (rs: Rr[], ttl = true) => new Set(rs.map((r) => key(r, ttl)));
const same = (a: Set<string>, b: Set<string>) => a.size === b.size && [...a].every((x) => b.has(x));

/** RFC 2181 §5.2: our RRsets carry one TTL, the lowest of their records;
 * NSD serves each record's own. Same records but for TTLs, and ours
 * uniform per RRset at the lowest of NSD's. */
function oneTtlPerRrset(ours: Rr[], nsd: Rr[]): boolean {
  if (!same(set(ours, false), set(nsd, false))) return false;
  const lowest = new Map<string, number>();
  const rrset = (r: Rr) => `${r.name.toLowerCase()} ${r.type}`;
  for (const r of nsd) lowest.set(rrset(r), Math.min(lowest.get(rrset(r)) ?? Infinity, r.ttl));
  return ours.every((r) => r.ttl === lowest.get(rrset(r)));
}

/** The targets of NS, MX and SRV records in `rs`, lower-cased. */
function targets(rs: Rr[]): Set<string> {
  const out = new Set<string>();
  for (const r of rs) {
    const skip = r.type === NS ? 0 : r.type === MX ? 2 : r.type === SRV ? 6 : -1;
    if (skip < 0) continue;
    const b = Buffer.from(r.rdata, "hex");
    const labels: string[] = [];
    for (let i = skip; b[i] !== 0 && i < b.length; i += b[i] + 1) labels.push(b.subarray(i + 1, i + 1 + b[i]).toString("latin1").toLowerCase());
    out.add(labels.join(".") + ".");
  }
  return out;
}

/** We give the addresses of the in-zone NS, MX and SRV targets of a
 * positive answer in additional; NSD with minimal-responses leaves them
 * out. Ours = NSD's plus only such addresses. */
function targetAddresses(m: { ours: Message; nsd: Message }): boolean {
  const theirs = set(m.nsd.additional);
  if (![...theirs].every((x) => set(m.ours.additional).has(x))) return false;
  const wanted = targets(m.ours.answer);
  return m.ours.additional.every((r) => theirs.has(key(r)) || ((r.type === A || r.type === AAAA) && wanted.has(r.name.toLowerCase())));
}

/** RFC 8482 §4.2: ANY gets one RRset of the name, chosen by the server:
 * both give one whole RRset, at the SOA at an apex, but not always the
 * same one elsewhere. Both answers: one RRset each, of the same name. */
function anyOneRrset(q: Difference["query"], m: { ours: Message; nsd: Message }, field: string): boolean {
  if (q.type !== ANY) return false;
  if (field === "additional") return true; // follows from which RRset was chosen
  if (field !== "answer") return false;
  const one = (rs: Rr[]) => new Set(rs.map((r) => `${r.name.toLowerCase()} ${r.type}`));
  const a = one(m.ours.answer), b = one(m.nsd.answer);
  return a.size === 1 && b.size === 1 && m.ours.answer[0].name.toLowerCase() === m.nsd.answer[0].name.toLowerCase();
}

/** NOTIFY (REFUSED) and UPDATE (NOTIMP) get the same RCODE from both;
 * NSD leaves the question out, we echo it (as RFC 1996 §3.8 and RFC 2136
 * §3.8 answers carry their sections). Only the question count differs. */
function opcodeQuestion(d: Difference): boolean {
  if ((d.query.opcode !== 4 && d.query.opcode !== 5) || d.field !== "header" || !d.messages) return false;
  const { ours, nsd } = d.messages;
  return ours.rcode === nsd.rcode && ours.flags === nsd.flags && ours.question.length === 1 && nsd.question.length === 0;
}

/** A question for type NSEC3: NSD answers NODATA (the SOA alone) at every
 * name, its NSEC3 records living in a hashed name space of their own; we
 * serve NSEC3 as any other type, as data (no DNSSEC processing here). */
function nsec3Question(d: Difference): boolean {
  if (d.query.type !== 50 || !d.messages) return false;
  const { nsd } = d.messages;
  return nsd.rcode === 0 && nsd.answer.length === 0 && nsd.additional.length === 0 &&
    nsd.authority.length === 1 && nsd.authority[0].type === 6;
}

/** A referral whose glue does not all fit: we set TC (RFC 9471 §3.1) and
 * keep each server's A and AAAA together, in order; NSD 4.6 (before RFC
 * 9471) gives every server's A first and leaves the rest out without TC.
 * Both: a referral, the same RCODE, and only glue of its NS in additional. */
function referralGlue(d: Difference): boolean {
  if (!d.messages) return false;
  const { ours, nsd } = d.messages;
  const TC = 0x0200;
  const referral = (m: Message) => m.answer.length === 0 && m.authority.length > 0 && m.authority.every((r) => r.type === NS);
  if (!referral(ours) || !referral(nsd) || ours.rcode !== nsd.rcode || (ours.flags & TC) === 0) return false;
  // Ours truly left glue out: NSD gave some that we did not.
  const oursGlue = set(ours.additional);
  if (!nsd.additional.some((r) => !oursGlue.has(key(r)))) return false;
  // (CD may differ too: cdCopied's policy.)
  const cd = (d.query.flags ?? 0) & 0x0010;
  if (d.field === "header") return ours.flags === (nsd.flags | TC | cd) && ours.question.length === nsd.question.length;
  if (d.field !== "additional") return false;
  const glue = targets(ours.authority);
  const onlyGlue = (m: Message) => m.additional.every((r) => (r.type === A || r.type === AAAA) && glue.has(r.name.toLowerCase()));
  return onlyGlue(ours) && onlyGlue(nsd);
}

/** CD copied from the query, as RFC 4035 §3.1.6 asks of a server that
 * knows DNSSEC records; NSD 4.6 clears it. Only that bit differs. */
function cdCopied(d: Difference): boolean {
  if (d.field !== "header" || !d.messages || ((d.query.flags ?? 0) & 0x0010) === 0) return false;
  const { ours, nsd } = d.messages;
  const e = (m: Message) => (m.edns ? `${m.edns.version} ${m.edns.do}` : "none");
  return ours.flags === (nsd.flags | 0x0010) && ours.rcode === nsd.rcode && ours.question.length === nsd.question.length &&
    e(ours) === e(nsd);
}

export function explain(d: Difference): string | null {
  if (cdCopied(d)) return "CD copied (RFC 4035 §3.1.6)";
  if (referralGlue(d)) return "referral glue that does not fit: TC (RFC 9471)";
  if (nsec3Question(d)) return "NSEC3 questions: answered as data";
  if (opcodeQuestion(d)) return "NOTIFY, UPDATE: the question echoed";
  const m = d.messages;
  if (!m) return null;
  if (anyOneRrset(d.query, m, d.field)) return "ANY: one RRset (RFC 8482)";
  const f = d.field as Section;
  if (f === "answer" || f === "authority" || f === "additional") {
    if (oneTtlPerRrset(m.ours[f], m.nsd[f])) return "one TTL per RRset, the lowest (RFC 2181 §5.2)";
    if (f === "additional" && targetAddresses(m)) return "addresses of NS/MX/SRV targets in additional";
  }
  return null;
}
