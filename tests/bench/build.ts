/**
 * Issue 14's build benchmark: how long `morgana build` takes, per profile,
 * from cold (empty caches), with nothing changed, and after a one-line edit
 * to the website, side by side with the toolchain before issue 14 (the
 * commit BEFORE, taken with `git archive`), all in one run on this machine.
 * Each toolchain builds in a copy of its own tree (checkout below). Every
 * build is checked: it must exit 0 and write the images.
 */
import { execFileSync } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import path from "node:path";
import { root } from "../../toolchain/root.ts";
import { run } from "./exec.ts";
import type { Suite, Table } from "./suite.ts";

/** The last commit before issue 14's build changes. */
const BEFORE = "00f6df8";
const s = (t: { ms: number; cpuMs: number }) => `${(t.ms / 1000).toFixed(1)} (${(t.cpuMs / 1000).toFixed(1)} CPU)`;

/** A runnable copy of a Morgana tree (node_modules linked): the
 * repository as it was at BEFORE, or as it is now. A copy, so that
 * nothing in the repository's dist/ or build/ is touched, "cold" really is
 * cold (its build/ starts empty), and editing the tree while the benchmark
 * runs changes nothing it measures. */
function checkout(commit?: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), `morgana-bench-${commit ?? "now"}-`));
  if (commit) {
    const tar = execFileSync("git", ["-C", root, "archive", commit], { maxBuffer: 256 << 20 });
    execFileSync("tar", ["-x", "-C", dir], { input: tar });
  } else {
    for (const d of ["apps", "libos", "boot", "toolchain", "package.json"]) cpSync(path.join(root, d), path.join(dir, d), { recursive: true });
  }
  symlinkSync(path.join(root, "node_modules"), path.join(dir, "node_modules"));
  return dir;
}

/** CPU time (user + system, ms) of this process's children that have
 * been waited for, theirs included (gcc under the build command): Linux's
 * cutime and cstime, fields 16 and 17 of /proc/self/stat, in 1/100 s. */
function childrenCpuMs(): number {
  const fields = readFileSync("/proc/self/stat", "utf8").replace(/^.*\) /, "").split(" ");
  return (Number(fields[13]) + Number(fields[14])) * 10;
}

/** Wall time and CPU time of one build: on a machine other work shares,
 * the wall time grows with the load and the CPU time hardly does. */
interface Timing {
  ms: number;
  cpuMs: number;
}

async function timed(cli: string, cwd: string, args: string[], images: string[]): Promise<Timing> {
  for (const i of images) rmSync(path.join(cwd, "dist", i), { force: true });
  const t0 = performance.now();
  const c0 = childrenCpuMs();
  await run(process.execPath, [cli, "build", "--target", "hvt", ...args], { cwd, timeoutMs: 600_000 });
  const ms = performance.now() - t0;
  const cpuMs = childrenCpuMs() - c0;
  for (const i of images) if (!existsSync(path.join(cwd, "dist", i))) throw new Error(`build ${args.join(" ")} did not write dist/${i}`);
  return { ms, cpuMs };
}

const all = ["dns.hvt", "echo.hvt", "hello.hvt", "website.hvt"];
/** A one-line edit that changes the code, not a comment (a comment would
 * leave the module as it was): the help text of a boot argument. */
function edit(dir: string, n: number): void {
  const file = path.join(dir, "apps/website/main.ts");
  const text = readFileSync(file, "utf8");
  const changed = text.replace('"the TCP port to serve on"', `"the TCP port to serve on (edit ${n})"`);
  if (changed === text) throw new Error(`${file} no longer has the line the benchmark edits`);
  writeFileSync(file, changed);
}

export const build: Suite = {
  name: "build",
  about: "morgana build: cold, unchanged, one-line edit, per profile, against the toolchain before issue 14",
  async run(ctx) {
    const rows: string[][] = [];
    const figures: Record<string, Timing> = {};
    const before = checkout(BEFORE);
    const beforeCli = path.join(before, "toolchain/bin/morgana.mjs");
    ctx.log(`before (${BEFORE}): every app`);
    const bCold = await timed(beforeCli, before, [], all);
    ctx.log(`before: website after a one-line edit`);
    edit(before, 1);
    const bEdit = await timed(beforeCli, before, ["--app", "website"], ["website.hvt"]);
    rows.push([`before (${BEFORE})`, s(bCold), s(bCold), s(bEdit)]);
    rmSync(before, { recursive: true, force: true });

    for (const profile of ["release", "dev"]) {
      const dir = checkout();
      const cli = path.join(dir, "toolchain/bin/morgana.mjs");
      const p = ["--profile", profile];
      ctx.log(`${profile}: every app, cold`);
      const cold = await timed(cli, dir, p, all);
      ctx.log(`${profile}: every app, unchanged`);
      const same = await timed(cli, dir, p, all);
      ctx.log(`${profile}: website after a one-line edit`);
      edit(dir, 1);
      const edited = await timed(cli, dir, [...p, "--app", "website"], ["website.hvt"]);
      rows.push([profile, s(cold), s(same), s(edited)]);
      Object.assign(figures, { [`${profile}-cold`]: cold, [`${profile}-same`]: same, [`${profile}-edit`]: edited });
      rmSync(dir, { recursive: true, force: true });
    }
    const met = (ok: boolean) => (ok ? "met" : "MISSED");
    const wall = (k: string) => figures[k].ms;
    const table: Table = {
      title: "morgana build, whole command (node start included), seconds of wall time (and of CPU)",
      head: ["toolchain", "all apps, cold", "all apps, unchanged", "website, one-line edit"],
      rows,
      notes: [
        `goals (wall time): edit -> website image <= 10 s in dev: ${met(wall("dev-edit") <= 10_000)}; all apps, release, cold <= 25 s: ${met(wall("release-cold") <= 25_000)}; unchanged < 1 s per app: ${met(wall("release-same") < 4_000)}`,
        `(N CPU): seconds of CPU the build command and its gcc used; on 2 cores a build can take no less than half of it.`,
        `the toolchain before had no cache: its "unchanged" is another cold build.`,
        `load average at the end (other work on the machine slows every row alike): ${loadavg().map((l) => l.toFixed(1)).join(", ")}`,
      ],
    };
    return [table];
  },
};
