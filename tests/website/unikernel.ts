/**
 * website.hvt running under a tender (tests/support/tender.ts) in a namespace the test made, with
 * its console read as it runs: `waitFor` a line, `stats()` of the latest
 * "stats …" line (apps/website prints one every --stats seconds), `stop()`
 * by its PID.
 */
import type { ChildProcess } from "node:child_process";
import type { Tender } from "../support/tender.ts";

export interface Spawner {
  spawn(cmd: string[]): ChildProcess;
}

export class Unikernel {
  output = "";
  private exited: Promise<number | null>;

  private constructor(readonly child: ChildProcess) {
    child.stdout!.setEncoding("utf8").on("data", (d: string) => (this.output += d));
    child.stderr!.setEncoding("utf8").on("data", (d: string) => (this.output += d));
    this.exited = new Promise((resolve) => child.on("close", (code) => resolve(code)));
  }

  /** Boot `image` under `tender` on `tap` in `ns`, and wait until it
   * serves (prints `ready`; website's line unless told). */
  static async start(ns: Spawner, tender: Tender, image: string,
    opts: { tap?: string; mem?: number; args?: string[]; ready?: RegExp } = {}): Promise<Unikernel> {
    const tenderArgs = [`--net:service=${opts.tap ?? "tap0"}`];
    if (opts.mem) tenderArgs.unshift(`--mem=${opts.mem}`);
    const args = opts.args ?? ["--ipv4=10.0.0.2/24", "--stats=1"];
    const u = new Unikernel(ns.spawn([tender.path, ...tenderArgs, "--", image, ...args]));
    await u.waitFor(opts.ready ?? /\[website\] serving/, 10_000);
    return u;
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Wait for a line matching `re` (already printed, or to come). */
  async waitFor(re: RegExp, timeoutMs = 10_000): Promise<RegExpMatchArray> {
    const end = Date.now() + timeoutMs;
    for (;;) {
      const m = this.output.match(re);
      if (m) return m;
      if (!this.running) throw new Error(`the unikernel exited while waiting for ${re}:\n${this.output}`);
      if (Date.now() > end) throw new Error(`no ${re} within ${timeoutMs} ms:\n${this.output.slice(-4000)}`);
      await new Promise((r) => setTimeout(r, 25));
    }
  }

  /** Every "stats" line so far, parsed: the platform's --stats format,
   * "stats layer.name=value …" (libos/platform/counters.ts), keyed by
   * "layer.name" ("tcpload.active", "http.requests", "memory.heap", …). */
  allStats(): Record<string, number>[] {
    return this.output.split("\n").filter((l) => l.startsWith("stats ")).map((l) =>
      Object.fromEntries(l.split(" ").slice(1).map((w) => w.split("=")).map(([k, v]) => [k, Number(v)])));
  }

  /** The latest stats line as printed. */
  lastStatsLine(): string {
    return this.output.split("\n").filter((l) => l.startsWith("stats ")).at(-1) ?? "";
  }

  /** The latest stats line printed after now (waits for the next one). */
  async nextStats(timeoutMs = 5000): Promise<Record<string, number>> {
    const before = this.allStats().length;
    const end = Date.now() + timeoutMs;
    while (this.allStats().length <= before) {
      if (!this.running) throw new Error(`the unikernel exited:\n${this.output}`);
      if (Date.now() > end) throw new Error(`no stats line within ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 25));
    }
    return this.allStats().at(-1)!;
  }

  /** Kill it (SIGTERM, by PID) and wait for the exit. */
  async stop(): Promise<void> {
    if (this.running && this.child.pid !== undefined) process.kill(this.child.pid, "SIGTERM");
    await Promise.race([this.exited, new Promise((r) => setTimeout(r, 3000))]);
    if (this.running && this.child.pid !== undefined) process.kill(this.child.pid, "SIGKILL");
  }
}
