// The differential test against NSD (nsd-diff.ts): a short corpus of the
// generated zones and ~4,300 queries, asked of dns.hvt and of NSD serving
// the same files; every difference must be one that apps/dns/README.md
// lists as deliberate. `npm run bench -- dns-diff` runs the long corpus.
import { describe, expect, test } from "vitest";
import { hasNetns, warnNoNetns } from "../support/netns.ts";
import { hasKvm, warnNoKvm } from "../support/tender.ts";
import { generateCorpus } from "./corpus.ts";
import { formatDifference, hasNsd, runDiff } from "./nsd-diff.ts";

warnNoKvm("dns differential test against NSD");
warnNoNetns("dns differential test against NSD");
const nsd = hasNsd();
if (!nsd) console.warn("dns differential test against NSD: skipped: nsd is not installed (Debian package nsd)");

describe.skipIf(!hasKvm || !hasNetns || !nsd)("dns.hvt against NSD", () => {
  test("the short corpus: no difference but the deliberate ones", async () => {
    const corpus = generateCorpus({ seed: 1, largeNames: 300, largeSample: 60 });
    const s = await runDiff(corpus, { deadlineMs: 120_000, log: () => {} });
    console.log(`dns diff: ${s.queries} queries in ${s.seconds.toFixed(1)} s; deliberate differences: ${JSON.stringify(s.explained)}`);
    expect(s.queries).toBeGreaterThan(4000);
    expect(s.unexplained.map(formatDifference).join("\n")).toBe("");
  }, 300_000);
});
