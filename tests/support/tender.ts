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
 * - `runImage(image, opts)`: boot an image to completion and collect its
 *   exit status and output; a run that outlives its timeout is killed (by
 *   its PID) and reported as a failure.
 */
import { spawn } from "node:child_process";
import { accessSync, constants } from "node:fs";
import { buildTender } from "../../toolchain/tender/build.ts";

function kvmUsable(): boolean {
  try {
    accessSync("/dev/kvm", constants.R_OK | constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

export const hasKvm: boolean = kvmUsable();

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
