/**
 * Builds Morgana's hvt tender (the C files beside this one) with the host's
 * gcc. The binary is rebuilt only when a source (a .c or .h here, or the
 * shared ABI headers boot/hvt_abi.h and boot/morgana_abi.h) is newer than
 * it; it is written to a temporary name and renamed into place, so that
 * parallel test workers never see a half-written tender.
 */
import { execFile } from "node:child_process";
import { mkdir, readdir, rename, rm, stat } from "node:fs/promises";
import path from "node:path";
import { root } from "../root.ts";

const here = path.join(root, "toolchain", "tender");

/** Where buildTender() writes the tender unless told otherwise. */
export const defaultTenderPath = path.join(root, "dist", "morgana-hvt");

const cflags = ["-O2", "-Wall", "-Wextra", "-Werror", "-std=gnu11", "-D_GNU_SOURCE"];

async function mtime(file: string): Promise<number | undefined> {
  try {
    return (await stat(file)).mtimeMs;
  } catch {
    return undefined;
  }
}

/** The tender's sources, relative to the repository root (so that the
 * file:line in its messages reads toolchain/tender/x.c:N). */
async function sources(): Promise<{ c: string[]; all: string[] }> {
  const names = (await readdir(here)).sort();
  const rel = (n: string) => path.relative(root, path.join(here, n));
  const c = names.filter((n) => n.endsWith(".c")).map(rel);
  const h = names.filter((n) => n.endsWith(".h")).map(rel);
  return { c, all: [...c, ...h, path.join("boot", "hvt_abi.h"), path.join("boot", "morgana_abi.h")] };
}

function gcc(args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile("gcc", args, { cwd: root, maxBuffer: 16 << 20 }, (err, stdout, stderr) => {
      if (!err) return resolve();
      const missing = (err as NodeJS.ErrnoException).code === "ENOENT";
      reject(
        new Error(
          missing
            ? "building the tender needs gcc: apt-get install gcc"
            : `gcc failed to build the tender (toolchain/tender):\n${stderr}${stdout}`,
        ),
      );
    });
  });
}

/**
 * Compiles the tender to `opts.out` (default dist/morgana-hvt) unless it is
 * already newer than every source, and returns its absolute path. Throws an
 * Error carrying gcc's output when the build fails.
 */
export async function buildTender(opts: { out?: string } = {}): Promise<string> {
  const out = path.resolve(opts.out ?? defaultTenderPath);
  const { c, all } = await sources();
  const built = await mtime(out);
  if (built !== undefined) {
    const times = await Promise.all(all.map((f) => mtime(path.join(root, f))));
    if (times.every((t) => t !== undefined && t <= built)) return out;
  }
  await mkdir(path.dirname(out), { recursive: true });
  const tmp = `${out}.${process.pid}.${Date.now()}.tmp`;
  try {
    await gcc([...cflags, "-I", "boot", "-o", tmp, ...c]);
    await rename(tmp, out);
  } finally {
    await rm(tmp, { force: true });
  }
  return out;
}
