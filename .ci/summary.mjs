// Reads vitest's JSON report (build/vitest-report.json) and prints the
// lines CI reads: which test files were skipped and why, then the plain
// summary "N passed, N failed, N skipped". A test file that failed without
// a failing test (an import error, a crash) counts as one failure; so does
// a non-zero exit of vitest with nothing failed (STATUS, its exit status).
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";

let report = null;
try {
  report = JSON.parse(readFileSync("build/vitest-report.json", "utf8"));
} catch {
  // no report: vitest did not get as far as writing one
}
if (!report) {
  console.log("ci: vitest wrote no report (build/vitest-report.json)");
  console.log("0 passed, 1 failed, 0 skipped");
  process.exit(0);
}

/** Why the tests of `file` may skip, from what the file checks, and
 * whether that condition holds on this machine. */
function reasons(file) {
  const text = readFileSync(file, "utf8");
  const why = [];
  if (/hasKvm|warnNoKvm/.test(text) && !existsSync("/dev/kvm")) why.push("needs /dev/kvm, which this machine lacks");
  if (/hasNetns|warnNoNetns|withNetns|createNetns/.test(text) && process.getuid?.() !== 0) why.push("needs root for network namespaces");
  if (/specFiles|specShard/.test(text) && !existsSync(path.join("..", "shared", "wasm-spec"))) why.push("the Wasm spec suite is not at ../shared/wasm-spec");
  return why.length ? why.join("; ") : "skipped by the file's own condition (see its warning in the log)";
}

const skippedFiles = [];
for (const f of report.testResults ?? []) {
  const statuses = f.assertionResults.map((a) => a.status);
  const skipped = statuses.filter((s) => s === "skipped" || s === "pending" || s === "todo").length;
  if (skipped === 0) continue;
  const rel = path.relative(process.cwd(), f.name);
  skippedFiles.push(`  ${rel}: ${skipped} of ${statuses.length} skipped (${reasons(f.name)})`);
}
if (skippedFiles.length) console.log(["ci: skipped suites:", ...skippedFiles].join("\n"));

// Which tender each end-to-end suite ran under: suites name it last
// ("echo on solo5-hvt 0.12.1", tests/support/tender.ts).
const perTender = {};
for (const f of report.testResults ?? []) {
  for (const a of f.assertionResults) {
    const m = / on (\S+(?: [\d.]+)?)$/.exec(a.ancestorTitles[0] || "");
    if (!m) continue;
    const t = (perTender[m[1]] ??= { passed: 0, failed: 0, skipped: 0, files: new Set() });
    t[a.status === "passed" ? "passed" : a.status === "failed" ? "failed" : "skipped"]++;
    t.files.add(path.relative(process.cwd(), f.name));
  }
}
for (const [t, c] of Object.entries(perTender)) {
  console.log(`ci: under ${t}: ${c.passed} passed, ${c.failed} failed, ${c.skipped} skipped in ${c.files.size} files`);
}

const fileErrors = (report.testResults ?? []).filter((f) => f.status === "failed" && !f.assertionResults.some((a) => a.status === "failed")).length;
let failed = report.numFailedTests + fileErrors;
if (failed === 0 && process.env.STATUS !== "0") failed = 1;
const skipped = (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
console.log(`${report.numPassedTests} passed, ${failed} failed, ${skipped} skipped`);
