/**
 * buildTender(): compiles the tender, rebuilds only when a source is newer
 * than the binary, and reports gcc's own words when the build fails.
 */
import { execFile } from "node:child_process";
import { mkdtemp, rm, stat, utimes } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildTender, defaultTenderPath } from "../../toolchain/tender/build.ts";

describe("buildTender", () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), "morgana-tender-build-"));
  });
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("builds dist/morgana-hvt by default and returns its path", async () => {
    const out = await buildTender();
    expect(out).toBe(defaultTenderPath);
    expect(out.endsWith(path.join("dist", "morgana-hvt"))).toBe(true);
    const help = await new Promise<string>((resolve, reject) =>
      execFile(out, ["--help"], (err, stdout) => (err ? reject(err) : resolve(stdout))),
    );
    expect(help).toMatch(/^usage: morgana-hvt /);
  });

  it("builds where it is told, and rebuilds only a binary older than its sources", async () => {
    const out = path.join(dir, "tender");
    expect(await buildTender({ out })).toBe(out);
    const first = (await stat(out)).mtimeMs;
    await buildTender({ out });
    expect((await stat(out)).mtimeMs).toBe(first); // up to date: untouched
    const old = new Date("2000-01-01T00:00:00Z");
    await utimes(out, old, old); // now older than every source
    await buildTender({ out });
    expect((await stat(out)).mtimeMs).toBeGreaterThan(old.getTime());
  });

  it("throws an Error carrying gcc's output when the build fails", async () => {
    // /proc accepts no new files: gcc cannot write its output there.
    await expect(buildTender({ out: "/proc/morgana-hvt" })).rejects.toThrow(
      /gcc failed to build the tender \(toolchain\/tender\):\n.*cannot open output file/s,
    );
  });
});
