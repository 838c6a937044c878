/**
 * Morgana as a package, the way a user meets it: in a folder outside the
 * repository, `morgana new` scaffolds a project, the project installs
 * morgana from the tarball `npm pack` makes (its dependencies from npm,
 * the cache first), builds its app with `npm run build`, and the image
 * boots on the installed package's tender and answers over a tap.
 */
import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, test } from "vitest";
import { root } from "../../toolchain/root.ts";
import { hasNetns, withNetns, warnNoNetns } from "../support/netns.ts";
import { hasKvm, warnNoKvm } from "../support/tender.ts";
import { cli } from "./project.ts";

warnNoKvm("package: booting the scaffolded app");
warnNoNetns("package: booting the scaffolded app");

const run = promisify(execFile);
const work = mkdtempSync(path.join(tmpdir(), "morgana-package-"));
const demo = path.join(work, "demo");
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe("morgana as an npm package", () => {
  test("scaffold, install from the packed tarball, build", { timeout: 600_000 }, async () => {
    await run("npm", ["pack", "--pack-destination", work], { cwd: root, maxBuffer: 16 << 20 });
    const tarball = readdirSync(work).find((f) => f.endsWith(".tgz"));
    expect(tarball).toMatch(/^morgana-\d+\.\d+\.\d+\.tgz$/);
    await run("node", [cli, "new", "demo"], { cwd: work });
    for (const f of ["package.json", "tsconfig.json", "README.md", ".gitignore", "apps/demo/main.ts", "apps/demo/app.json", "test/build.test.js"]) {
      expect(existsSync(path.join(demo, f)), f).toBe(true);
    }
    await run("npm", ["install", "--prefer-offline", "--ignore-scripts", "--no-audit", "--no-fund", path.join(work, tarball!)], { cwd: demo, timeout: 300_000 });
    const built = await run("npm", ["run", "build", "--", "--profile", "dev"], { cwd: demo, timeout: 300_000 });
    expect(built.stdout).toMatch(/demo +link .*dist\/demo\.hvt/);
    expect(existsSync(path.join(demo, "dist/demo.hvt"))).toBe(true);
  });

  test.skipIf(!hasKvm || !hasNetns)("the scaffolded app boots on the installed tender and echoes UDP", async () => {
    const tender = path.join(demo, "node_modules/morgana/dist/morgana-hvt");
    await withNetns(async (ns) => {
      const child = ns.spawn([tender, "--mem=64", `--net:service=${ns.tap}`, "--", path.join(demo, "dist/demo.hvt"), "--ipv4=10.0.0.2/24"]);
      let out = "";
      child.stdout!.setEncoding("utf8").on("data", (d: string) => (out += d));
      for (let i = 0; i < 200 && !out.includes("echoing UDP on 10.0.0.2:7"); i++) await new Promise((r) => setTimeout(r, 50));
      expect(out).toContain("[demo] echoing UDP on 10.0.0.2:7");
      const r = await ns.exec(["sh", "-c", "printf 'hello from outside' | socat -T 2 - UDP:10.0.0.2:7"], { timeoutMs: 20_000 });
      expect(r.stdout).toBe("hello from outside");
    });
  });
});
