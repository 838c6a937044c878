/**
 * The DNS differential run against NSD on the long corpus (tests/dns/
 * nsd-diff.ts, corpus.ts): a generated zone of 5,000 names (and the
 * wildcards, ENTs, DNAMEs and delegations among them) asked in full
 * beside the hand-written zones, every owner under many types, with
 * seeds 1 to `rounds`. Not a timing: its table is the queries asked and
 * the differences found, by the policy that explains them; an unexplained
 * one is listed under the table. Needs root, KVM and nsd.
 */
import { hasKvm } from "../support/tender.ts";
import { generateCorpus } from "../dns/corpus.ts";
import { formatDifference, hasNsd, runDiff } from "../dns/nsd-diff.ts";
import type { Suite, Table } from "./suite.ts";

export const dnsDiff: Suite = {
  name: "dns-diff",
  about: "dns.hvt against NSD on the long generated corpus: differences by class",
  async run(ctx) {
    if (!hasKvm) throw new Error("needs /dev/kvm");
    if (!hasNsd()) throw new Error("needs nsd (Debian package nsd)");
    const rows: string[][] = [];
    const notes: string[] = [];
    for (let seed = 1; seed <= (ctx.rounds ?? 1); seed++) {
      const corpus = generateCorpus({ seed, largeNames: 5000, largeSample: Number.MAX_SAFE_INTEGER });
      const s = await runDiff(corpus, { deadlineMs: 600_000, log: ctx.log });
      rows.push([`seed ${seed}`, String(s.queries), String(Object.values(s.explained).reduce((a, b) => a + b, 0)), String(s.unexplained.length), s.seconds.toFixed(0)]);
      for (const [policy, n] of Object.entries(s.explained)) rows.push([`  ${policy}`, "", String(n), "", ""]);
      notes.push(...s.unexplained.slice(0, 50).map((d) => `unexplained: ${formatDifference(d)}`));
    }
    const table: Table = {
      title: "DNS: dns.hvt against NSD, long corpus (differences by class)",
      head: ["run", "queries", "deliberate", "unexplained", "seconds"],
      rows,
      notes,
    };
    return [table];
  },
};
