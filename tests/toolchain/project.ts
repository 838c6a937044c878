/**
 * Throwaway projects for toolchain tests: a folder outside the repository
 * with a package.json and apps/, built by the real `morgana` command run
 * from inside it (the project is the nearest folder with a package.json).
 */
import { execFile } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll } from "vitest";
import { root } from "../../toolchain/root.ts";

const run = promisify(execFile);
export const cli = path.join(root, "toolchain/bin/morgana.mjs");

const made: string[] = [];
// Registered while the importing test file is collected: runs after it.
afterAll(() => {
  for (const d of made.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** A project holding `files` (paths relative to it), removed after the
 * test file; returns its folder. */
export function project(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(tmpdir(), "morgana-project-"));
  made.push(dir);
  writeFileSync(path.join(dir, "package.json"), JSON.stringify({ name: "test-project", private: true }));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), text);
  }
  return dir;
}

/** An app that needs nothing from libos: enough for the toolchain. */
export const tinyApp = {
  "main.ts": "export function twice(x: i32): i32 { return x * 2; }\n",
  "app.json": JSON.stringify({ description: "a test app", devices: [] }),
};

/** `morgana ARGS` run in `cwd` (with `env` added to this process's):
 * exit status and output, never throws. */
export async function morgana(args: string[], cwd: string = root, env?: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run("node", [cli, ...args], { cwd, env: env ? { ...process.env, ...env } : undefined });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}
