/**
 * Booting images in tests. Every end-to-end suite uses this file:
 *
 * - `hasKvm`: whether /dev/kvm can be opened for reading and writing. A
 *   suite that boots images does `if (!hasKvm) warnNoKvm("suite name")` and
 *   `describe.skipIf(!hasKvm)(...)`, so a machine without KVM skips it
 *   visibly, never silently.
 * - `tenderPath()`: the tender to boot with: $MORGANA_TENDER if set (e.g. a
 *   real solo5-hvt, so the same suite judges compatibility), else Morgana's
 *   own, built on demand by toolchain/tender/build.ts.
 * - `tenders(set)`: the tenders an end-to-end suite runs under, each test
 *   name saying which: Morgana's own and the real Solo5 ones built from
 *   the releases by tests/support/solo5.ts ("e2e": morgana-hvt,
 *   solo5-hvt 0.12.1 and solo5-spt 0.12.1; "smoke" adds solo5-hvt 0.9.3;
 *   `hvtTenders()` those that boot hand-written hvt guests). With $MORGANA_TENDER
 *   set, only that one. `skipReason(tender)` says why one cannot run here
 *   (no KVM, not built) and warns once, so a suite skips visibly.
 * - `runImage(image, opts)`: boot an image to completion and collect its
 *   exit status and output; a run that outlives its timeout is killed (by
 *   its PID) and reported as a failure.
 */
import { spawn } from "node:child_process";
import { buildTender, defaultTenderPath } from "../../toolchain/tender/build.ts";
import { hasKvm } from "../../toolchain/testing/boot.ts";
import { solo5Missing, solo5Tender } from "./solo5.ts";

export { hasKvm };

/** Says, once per suite, that a KVM suite is being skipped and why. */
export function warnNoKvm(suite: string): void {
  if (!hasKvm)
    console.warn(`${suite}: skipped: /dev/kvm is not available (or not read/writable) on this machine`);
}

/** The tender binary: $MORGANA_TENDER, or Morgana's own (built if stale). */
export async function tenderPath(): Promise<string> {
  const env = process.env.MORGANA_TENDER;
  if (env) return env;
  return buildTender();
}

/** A tender an end-to-end suite runs under. */
export interface Tender {
  /** For test names: "morgana-hvt", "solo5-hvt 0.12.1", … */
  name: string;
  /** The images it boots (dist/NAME.hvt or dist/NAME.spt). */
  target: "hvt" | "spt";
  path: string;
  /** Morgana's own tender: net rings, TSO, exit statistics. */
  bundled: boolean;
  /** Why it is not there ("" when it is). */
  missing: string;
}

const solo5 = (version: string, target: "hvt" | "spt"): Tender => ({
  name: `solo5-${target} ${version}`,
  target,
  path: solo5Tender(version, target),
  bundled: false,
  missing: solo5Missing(version, target),
});

/**
 * The tenders a suite runs under: "e2e" every end-to-end suite (Morgana's
 * tender, the real solo5-hvt and solo5-spt 0.12.1), "smoke" the smoke set
 * (hello, echo, website, dns) that also runs under solo5-hvt 0.9.3.
 */
export function tenders(set: "e2e" | "smoke" = "e2e"): Tender[] {
  const env = process.env.MORGANA_TENDER;
  if (env) return [{ name: env, target: "hvt", path: env, bundled: false, missing: "" }];
  const list: Tender[] = [
    { name: "morgana-hvt", target: "hvt", path: defaultTenderPath, bundled: true, missing: "" },
    solo5("0.12.1", "hvt"),
    solo5("0.12.1", "spt"),
  ];
  if (set === "smoke") list.push(solo5("0.9.3", "hvt"));
  return list;
}

/** The hvt tenders of the "e2e" set: for guests built for hvt only
 * (tests/boot's hand-written C guests). */
export const hvtTenders = (): Tender[] => tenders().filter((t) => t.target === "hvt");

const warned = new Set<string>();
/** Why `tender` cannot run here ("" when it can); warns once per suite
 * and tender, so a skipped suite says so. */
export function skipReason(suite: string, tender: Tender): string {
  const why = tender.target === "hvt" && !hasKvm ? "/dev/kvm is not available (or not read/writable)" : tender.missing;
  const key = `${suite}\0${tender.name}`;
  if (why && !warned.has(key)) {
    warned.add(key);
    console.warn(`${suite} on ${tender.name}: skipped: ${why}`);
  }
  return why;
}

export interface RunOptions {
  /** The guest's command line words (after KERNEL). */
  args?: string[];
  /** Tender options before KERNEL, e.g. ["--mem=64", "--net:service=tap0"]. */
  tenderArgs?: string[];
  /** Kill the tender and fail after this long (default 30 s). */
  timeoutMs?: number;
  /** Run the tender inside this network namespace (ip netns exec). */
  netns?: string;
  /** This tender binary instead of tenderPath() (the tender's own tests
   * use this to test Morgana's tender whatever $MORGANA_TENDER says). */
  tender?: string;
}

export interface RunResult {
  /** The tender's exit status: the guest's halt status, or the tender's own. */
  status: number;
  stdout: string;
  stderr: string;
}

/**
 * Boots `image` and waits for the tender to exit. Resolves with its exit
 * status and output (whatever the status); rejects if it could not be
 * started, was killed by a signal, or ran past the timeout.
 */
export async function runImage(image: string, opts: RunOptions = {}): Promise<RunResult> {
  const tender = opts.tender ?? (await tenderPath());
  const argv = [...(opts.tenderArgs ?? []), "--", image, ...(opts.args ?? [])];
  const [cmd, args] = opts.netns
    ? ["ip", ["netns", "exec", opts.netns, tender, ...argv]]
    : [tender, argv];
  const timeoutMs = opts.timeoutMs ?? 30_000;
  return new Promise((resolve, reject) => {
    // `ip netns exec` execs the tender in place, so the PID is the tender's.
    const child = spawn(cmd, args, { stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    let timedOut = false;
    child.stdout.setEncoding("utf8").on("data", (d: string) => (stdout += d));
    child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
    const timer = setTimeout(() => {
      timedOut = true;
      if (child.pid !== undefined) process.kill(child.pid, "SIGKILL");
    }, timeoutMs);
    child.on("error", (err) => {
      clearTimeout(timer);
      reject(new Error(`cannot start ${cmd}: ${err.message}`));
    });
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      const output = `\n--- stdout ---\n${stdout}\n--- stderr ---\n${stderr}`;
      if (timedOut)
        reject(new Error(`${image}: still running after ${timeoutMs} ms; killed${output}`));
      else if (code === null)
        reject(new Error(`${image}: the tender was killed by ${signal}${output}`));
      else resolve({ status: code, stdout, stderr });
    });
  });
}
