/**
 * The build cache: an app is rebuilt only when something it is built from
 * changed (its sources and the files they import, app.json, its assets, the
 * profile); otherwise the image comes back from build/cache/ unchanged.
 */
import { chmodSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, test } from "vitest";
import { morgana, project, tinyApp } from "./project.ts";

const compiled = (stdout: string) => /app +compile +\d/.test(stdout);
const cached = (stdout: string) => /app +cached +\d/.test(stdout);

describe("build cache", () => {
  test("an unchanged app comes from the cache; a change to anything it is built from rebuilds it", async () => {
    const dir = project({
      "apps/app/main.ts": 'import { twice } from "../../lib/twice";\nexport function four(): i32 { return twice(2); }\n',
      "apps/app/app.json": JSON.stringify({ description: "t", devices: [], assets: { dir: "files", option: "files" } }),
      "apps/app/files/a.txt": "a\n",
      "lib/twice.ts": "export function twice(x: i32): i32 { return x * 2; }\n",
    });
    const build = async (...extra: string[]) => {
      const r = await morgana(["build", "--app", "app", ...extra], dir);
      expect(r.stderr).toBe("");
      expect(r.code).toBe(0);
      return r.stdout;
    };
    const image = path.join(dir, "dist/app.hvt");

    const first = await build();
    expect(compiled(first)).toBe(true);
    const bytes = readFileSync(image);
    const again = await build();
    expect(cached(again)).toBe(true);
    expect(compiled(again)).toBe(false);
    expect(readFileSync(image).equals(bytes)).toBe(true);

    // An imported file that is not the app's own.
    writeFileSync(path.join(dir, "lib/twice.ts"), "export function twice(x: i32): i32 { return x + x; }\n");
    expect(compiled(await build())).toBe(true);
    expect(cached(await build())).toBe(true);

    // app.json, then an asset.
    writeFileSync(path.join(dir, "apps/app/app.json"), JSON.stringify({ description: "changed", devices: [], assets: { dir: "files", option: "files" } }));
    expect(compiled(await build())).toBe(true);
    writeFileSync(path.join(dir, "apps/app/files/a.txt"), "b\n");
    expect(compiled(await build())).toBe(true);

    // Each profile has its own entry, so switching back costs nothing.
    expect(compiled(await build("--profile", "dev"))).toBe(true);
    expect(cached(await build("--profile", "release"))).toBe(true);
    expect(cached(await build("--profile", "dev"))).toBe(true);

    // Older entries go: at most four per app stay (this is the fifth key).
    expect(compiled(await build("--debug"))).toBe(true);
    const entries = readdirSync(path.join(dir, "build/cache/hvt")).filter((f) => f.endsWith(".json"));
    expect(entries).toHaveLength(4);
  });

  test("apps built at once share one compilation of the boot objects, and the next build compiles none", async () => {
    const apps = Object.fromEntries(["a", "b", "c"].flatMap((n) => Object.entries(tinyApp).map(([f, t]) => [`apps/${n}/${f}`, t])));
    // c has a net device: only net.c, which reads that count, differs.
    apps["apps/c/app.json"] = JSON.stringify({ description: "with a net device", devices: [{ name: "service", type: "net" }] });
    const dir = project(apps);
    // The C compiler, logging each command line it is given.
    const log = path.join(dir, "cc.log");
    const cc = path.join(dir, "cc.sh");
    writeFileSync(cc, `#!/bin/sh\necho "$*" >> '${log}'\nexec gcc "$@"\n`);
    chmodSync(cc, 0o755);
    const r = await morgana(["build"], dir, { MORGANA_CC: cc });
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const bootCompiles = () => readFileSync(log, "utf8").split("\n").filter((l) => l.includes("-mgeneral-regs-only")).length;
    // One set common to every app, and net.c (the file that reads the
    // app's defines) once per net-device count: each compiled once.
    expect(bootCompiles()).toBe(3);
    expect(readdirSync(path.join(dir, "build/boot-objects"))).toHaveLength(3);
    writeFileSync(path.join(dir, "apps/a/main.ts"), "export function twice(x: i32): i32 { return x + x; }\n");
    expect((await morgana(["build", "--app", "a"], dir, { MORGANA_CC: cc })).code).toBe(0);
    expect(bootCompiles()).toBe(3);
  });
});
