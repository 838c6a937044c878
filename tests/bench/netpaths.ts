/**
 * The ways an image can move frames, for suites that compare them side by
 * side in one run: on Morgana's tender through the net rings it offers
 * (the default) and one hypercall per frame (`--x-no-net-rings`); on the
 * real solo5-hvt 0.12.1 through its ring I/O (the default where KVM has
 * ioeventfd) and one hypercall per frame (the image's `--net-rings=false`),
 * and solo5-spt 0.12.1 (one system call per frame, the spt image), where
 * tests/support/solo5.ts could build them. Under $MORGANA_TENDER there is only the one path it
 * gives.
 */
import type { ChildProcess } from "node:child_process";
import { defaultTenderPath } from "../../toolchain/tender/build.ts";
import { tenders } from "../support/tender.ts";

export interface NetPath {
  /** For table rows and progress lines. */
  name: string;
  /** The tender binary. */
  tender: string;
  /** The image it boots: NAME.hvt or NAME.spt. */
  target: "hvt" | "spt";
  /** Morgana's tender: --x-exit-stats counts its exits. */
  bundled: boolean;
  /** Tender options before KERNEL. */
  tenderArgs: string[];
  /** Boot arguments after the image's own (`--net-rings=false`). */
  guestArgs: string[];
}

export function netPaths(): NetPath[] {
  const env = process.env.MORGANA_TENDER;
  if (env) return [{ name: "$MORGANA_TENDER", tender: env, target: "hvt", bundled: false, tenderArgs: [], guestArgs: [] }];
  const ours = { tender: defaultTenderPath, target: "hvt" as const, bundled: true };
  const real = tenders().filter((t) => !t.bundled && !t.missing).flatMap((t) => {
    const p = { name: t.name, tender: t.path, target: t.target, bundled: false, tenderArgs: [], guestArgs: [] };
    if (t.target !== "hvt") return [p];
    return [{ ...p, name: `${t.name}, ring` }, { ...p, name: `${t.name}, hypercalls`, guestArgs: ["--net-rings=false"] }];
  });
  return [
    { name: "net rings", ...ours, tenderArgs: [], guestArgs: [] },
    { name: "hypercalls", ...ours, tenderArgs: ["--x-no-net-rings"], guestArgs: [] },
    ...real,
  ];
}

/** [ring, hypercalls]: the indices in `paths` of the same real tender's
 * two ways (Solo5's ring, the image's --net-rings=false), for ratios. */
export function ringPairs(paths: NetPath[]): [number, number][] {
  return paths.flatMap((p, r) => {
    const h = paths.findIndex((q) => q.name === p.name.replace(/, ring$/, ", hypercalls"));
    return p.name.endsWith(", ring") && h >= 0 ? [[r, h] as [number, number]] : [];
  });
}

/** Boot arguments that make an hvt image print its stats line every
 * second, with the exits its boot stub counted (`exits.total`, under any
 * tender); spt makes system calls, not exits, and counts none. */
export const countExits = (p: NetPath): string[] => (p.target === "hvt" ? ["--stats=1"] : []);

/** The exits an image counted so far: `exits.total` on the last stats
 * line in its output `out` (0 before the first). */
export function guestExits(out: string): number {
  const all = [...out.matchAll(/ exits\.total=(\d+)/g)];
  return all.length ? Number(all[all.length - 1][1]) : 0;
}

/** Waits for the stats line after now (they come every second), so that
 * guestExits counts everything so far. */
export const nextStatsLine = (): Promise<void> => new Promise((r) => setTimeout(r, 1100));

/** Stops a tender started with --x-exit-stats (SIGTERM, by its PID) and
 * reads the hypercalls it counted from its stderr; undefined without. */
export async function stopCounting(c: ChildProcess, stderr: () => string): Promise<number | undefined> {
  if (c.exitCode === null && c.pid !== undefined) {
    const closed = new Promise((r) => c.on("close", r));
    process.kill(c.pid, "SIGTERM");
    await closed;
  }
  const m = /exit stats: hypercalls (\d+)/.exec(stderr());
  return m ? Number(m[1]) : undefined;
}
