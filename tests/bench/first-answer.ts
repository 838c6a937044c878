/**
 * Time from starting a server to its first answer, for the website and DNS
 * suites: first-answer.c starts the server and probes it from C, so the
 * figure is the server's and not a Node client's scheduling.
 */
import { execFileSync, type ChildProcess } from "node:child_process";
import path from "node:path";
import { root } from "../../toolchain/root.ts";
import type { Netns } from "../support/netns.ts";

export interface Probe {
  /** http: `GET what` must answer 200; dns: a UDP query for what's SOA must answer NOERROR. */
  kind: "http" | "dns";
  addr: string;
  port: number;
  what: string;
}

/** Compiles first-answer.c into `dir`; returns the program's path. */
export function buildFirstAnswer(dir: string): string {
  const out = path.join(dir, "first-answer");
  execFileSync("cc", ["-O2", "-o", out, path.join(root, "tests/bench/first-answer.c")]);
  return out;
}

/** Starts `cmd` under the probe in `ns` (the command itself in `serverNs`
 * when given). `answered` resolves with the milliseconds from its start to
 * the first answer; the child keeps running the server, and killing it
 * stops the server too. */
export function startTimed(probe: string, ns: Netns, p: Probe, cmd: string[], serverNs?: Netns): { child: ChildProcess; answered: Promise<number> } {
  const child = ns.spawn([probe, ...(serverNs ? ["--netns", serverNs.name] : []), p.kind, p.addr, String(p.port), p.what, "--", ...cmd]);
  let out = "";
  let err = "";
  child.stderr!.setEncoding("utf8").on("data", (d: string) => (err += d));
  const answered = new Promise<number>((resolve, reject) => {
    child.stdout!.setEncoding("utf8").on("data", (d: string) => {
      out += d;
      const m = /first answer after ([\d.]+) ms/.exec(out);
      if (m) resolve(Number(m[1]));
    });
    child.on("close", () => reject(new Error(`${cmd[0]} gave no answer at ${p.addr}:${p.port}:\n${out}${err}`)));
  });
  return { child, answered };
}
