/**
 * Morgana as a package, the way a user meets it: in a folder outside the
 * repository, `morgana new` scaffolds a project, the project installs
 * morgana from the tarball `npm pack` makes (its dependencies from npm,
 * the cache first), builds its app with `npm run build`, and the
 * project's own generated test passes: the app under Node on morgana/testing's
 * in-memory network, then booted on the installed package's tender in a
 * namespace of its own, answering over a tap; and `morgana run` runs the
 * project's app on the node target.
 */
import { execFile, spawn } from "node:child_process";
import { createSocket } from "node:dgram";
import { existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, test } from "vitest";
import { root } from "../../toolchain/root.ts";
import { hasNetns, warnNoNetns } from "../support/netns.ts";
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
    for (const f of ["package.json", "tsconfig.json", "README.md", ".gitignore", "apps/demo/main.ts", "apps/demo/app.json", "test/echo.test.js"]) {
      expect(existsSync(path.join(demo, f)), f).toBe(true);
    }
    await run("npm", ["install", "--prefer-offline", "--ignore-scripts", "--no-audit", "--no-fund", path.join(work, tarball!)], { cwd: demo, timeout: 300_000 });
    // The release profile, which the generated test builds too (a cache hit then).
    const built = await run("npm", ["run", "build"], { cwd: demo, timeout: 300_000 });
    expect(built.stdout).toMatch(/demo +link .*dist\/demo\.hvt/);
    expect(existsSync(path.join(demo, "dist/demo.hvt"))).toBe(true);
  });

  test("the project's generated test passes: under Node, and booted on a tap where KVM and root allow", { timeout: 300_000 }, async () => {
    const r = await run("npm", ["test"], { cwd: demo, timeout: 240_000 }).catch((e) => e as { stdout: string; stderr: string; code: number });
    const out = `${r.stdout}\n${r.stderr}`;
    expect(out, out).toMatch(/^# fail 0$/m);
    expect(out).toMatch(/^ok \d+ - demo echoes UDP \(under Node, on an in-memory network\)$/m);
    if (hasKvm && hasNetns) {
      expect(out).toMatch(/^ok \d+ - demo boots on a tap and echoes UDP$/m);
      expect(out).toMatch(/^# skipped 0$/m);
    } else {
      // Skipped, saying why (node:test prints the reason).
      expect(out).toMatch(/^ok \d+ - demo boots on a tap and echoes UDP # SKIP .+/m);
    }
  });

  test("morgana run (the node target) runs the project's app on the host's loopback", { timeout: 120_000 }, async () => {
    // A port of its own on 127.0.0.1, so that parallel runs do not meet.
    const port = 20_000 + (process.pid % 20_000);
    const child = spawn(process.execPath, [path.join(demo, "node_modules/morgana/toolchain/bin/morgana.mjs"), "run", "demo", "--map-port", `7=${port}`],
      { cwd: demo, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    child.stdout.setEncoding("utf8").on("data", (d: string) => (out += d));
    child.stderr.setEncoding("utf8").on("data", (d: string) => (out += d));
    try {
      for (let i = 0; i < 1200 && !out.includes("echoing UDP") && child.exitCode === null; i++) await new Promise((r) => setTimeout(r, 50));
      expect(out).toContain("[demo] echoing UDP on 127.0.0.1:7");
      const socket = createSocket("udp4");
      const answer = new Promise<string>((resolve) => socket.on("message", (m) => resolve(m.toString())));
      socket.send("hello from the host", port, "127.0.0.1");
      const timeout = new Promise<string>((resolve) => setTimeout(() => resolve("(no answer in 5 s)"), 5000));
      expect(await Promise.race([answer, timeout])).toBe("hello from the host");
      socket.close();
    } finally {
      if (child.exitCode === null) process.kill(child.pid!);
    }
  });
});
