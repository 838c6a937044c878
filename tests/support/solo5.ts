/**
 * The real Solo5 tenders, built from the release sources in ../shared/solo5
 * (a test dependency, like the Wasm spec suite): `solo5-hvt` and
 * `solo5-spt` of 0.12.1, `solo5-hvt` of 0.9.3. Each release is unpacked
 * into build/solo5/VERSION/src (the shared folder is read-only on CI) and
 * built with its own `configure.sh --disable-toolchain && make` (tenders
 * only: about 4 s); the binaries are copied to build/solo5/VERSION/ and
 * reused by later runs. spt needs libseccomp-dev and pkg-config.
 *
 * A release that cannot be built leaves build/solo5/VERSION/FAILED with
 * the reason, so that the test files (other processes) can say why they
 * skip (tests/support/tender.ts). Nothing of Solo5 is copied into the
 * project; it is only built and run.
 *
 *   node toolchain/bin/run-ts.mjs tests/support/solo5.ts   # build them now
 */
import { execFile } from "node:child_process";
import { copyFile, mkdir, mkdtemp, rename, rm, stat, writeFile } from "node:fs/promises";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { root } from "../../toolchain/root.ts";

/** The releases the suite runs under, and the tenders taken from each. */
export const solo5Releases: { version: string; tenders: ("hvt" | "spt")[] }[] = [
  { version: "0.12.1", tenders: ["hvt", "spt"] },
  { version: "0.9.3", tenders: ["hvt"] },
];

export const solo5Sources = path.resolve(root, "..", "shared", "solo5");
const sourcesDir = () => process.env.MORGANA_SOLO5_SOURCES ?? solo5Sources;

export const solo5Dir = (version: string): string => path.join(root, "build", "solo5", version);
/** Where the tender binary of `version` is once built. */
export const solo5Tender = (version: string, target: "hvt" | "spt"): string =>
  path.join(solo5Dir(version), `solo5-${target}`);
const failedFile = (version: string) => path.join(solo5Dir(version), "FAILED");

/** Why `version`'s tenders are missing ("" when they are there). */
export function solo5Missing(version: string, target: "hvt" | "spt"): string {
  if (existsSync(solo5Tender(version, target))) return "";
  try {
    return readFileSync(failedFile(version), "utf8").trim();
  } catch {
    return `${path.relative(root, solo5Tender(version, target))} has not been built (the global setup builds it: tests/setup/build-images.ts)`;
  }
}

function sh(cmd: string, args: string[], cwd: string): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile(cmd, args, { cwd, maxBuffer: 64 << 20 }, (err, stdout, stderr) => {
      if (!err) return resolve();
      const out = `${stdout}${stderr}`.trimEnd().split("\n").slice(-15).join("\n");
      reject(new Error(`${cmd} ${args.join(" ")} failed in ${cwd}:\n${out}`));
    });
  });
}

/**
 * Builds one release's tenders unless they are already there; resolves
 * with "" or the reason they could not be built (also left in FAILED).
 */
export async function buildSolo5(version: string): Promise<string> {
  const release = solo5Releases.find((r) => r.version === version);
  if (!release) throw new Error(`no Solo5 release ${version} in the list (tests/support/solo5.ts)`);
  const dir = solo5Dir(version);
  if (release.tenders.every((t) => existsSync(solo5Tender(version, t)))) return "";
  await mkdir(dir, { recursive: true });
  const tarball = path.join(sourcesDir(), `solo5-v${version}.tar.gz`);
  // A private folder per build, so two runs at once never share a tree.
  const work = await mkdtemp(path.join(dir, ".src-"));
  try {
    await stat(tarball).catch(() => {
      throw new Error(`${tarball} is missing: the Solo5 release sources belong in ../shared/solo5 (see its README)`);
    });
    await sh("tar", ["xzf", tarball, "-C", work], dir);
    const src = path.join(work, `solo5-v${version}`);
    await sh("./configure.sh", ["--disable-toolchain"], src).catch((e: Error) => {
      throw new Error(`${e.message}\n(solo5-spt needs libseccomp-dev and pkg-config: apt-get install libseccomp-dev pkg-config)`);
    });
    await sh("make", ["-j2"], src); // with --disable-toolchain: elftool and the tenders
    for (const t of release.tenders) {
      const tmp = `${solo5Tender(version, t)}.${process.pid}.tmp`;
      await copyFile(path.join(src, "tenders", t, `solo5-${t}`), tmp);
      await rename(tmp, solo5Tender(version, t));
    }
    await rm(failedFile(version), { force: true });
    return "";
  } catch (err) {
    const reason = `Solo5 ${version} could not be built: ${(err as Error).message}`;
    await writeFile(failedFile(version), reason + "\n");
    return reason;
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

/** Builds every release in the list; the reasons of those that failed. */
export async function buildAllSolo5(): Promise<string[]> {
  const reasons: string[] = [];
  for (const r of solo5Releases) {
    const why = await buildSolo5(r.version);
    if (why) reasons.push(why);
  }
  return reasons;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const reasons = await buildAllSolo5();
  for (const r of solo5Releases) for (const t of r.tenders)
    console.log(solo5Missing(r.version, t) || path.relative(process.cwd(), solo5Tender(r.version, t)));
  if (reasons.length) process.exitCode = 1;
}
