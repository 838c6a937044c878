/**
 * The toolchain and the tests typecheck (`npm run typecheck`): esbuild and
 * vitest strip types without checking them, so this is where a type error
 * in the TypeScript of the toolchain would surface.
 */
import { execFile } from "node:child_process";
import path from "node:path";
import { promisify } from "node:util";
import { expect, test } from "vitest";
import { root } from "../../toolchain/root.ts";

test("tsc --noEmit reports no errors", async () => {
  const tsc = path.join(root, "node_modules/.bin/tsc");
  const r = await promisify(execFile)(tsc, ["--noEmit", "-p", "tsconfig.json"], { cwd: root }).then(
    (ok) => ({ code: 0, out: ok.stdout }),
    (e: { code: number; stdout: string }) => ({ code: e.code, out: e.stdout }),
  );
  expect(r.out).toBe("");
  expect(r.code).toBe(0);
});
