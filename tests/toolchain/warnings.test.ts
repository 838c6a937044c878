/**
 * The project's own apps compile without a single compiler warning, so a
 * new warning in an app or in the libos code it uses is seen at once.
 */
import path from "node:path";
import { expect, test } from "vitest";
import { listApps, loadApp } from "../../toolchain/app/index.ts";
import { compile } from "../../toolchain/compile/index.ts";
import { root } from "../../toolchain/root.ts";

const apps = [
  ...listApps(path.join(root, "apps")).map((n) => path.join(root, "apps", n)),
  ...listApps(path.join(root, "tests/apps")).map((n) => path.join(root, "tests/apps", n)),
];

test.each(apps.map((a) => [path.relative(root, a), a]))("%s compiles without warnings", async (_, dir) => {
  const app = loadApp(dir);
  const { warnings } = await compile({ entry: path.relative(root, app.entry), baseDir: root, extraFlags: app.compilerFlags });
  expect(warnings).toEqual([]);
});
