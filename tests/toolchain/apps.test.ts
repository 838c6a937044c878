/**
 * Apps are isolated from each other: only the selected apps are read and
 * checked, a broken app breaks only its own build, and every mistake in the
 * command line or in app.json is reported before anything is compiled.
 */
import { existsSync } from "node:fs";
import path from "node:path";
import { describe, expect, test } from "vitest";
import { morgana, project, tinyApp } from "./project.ts";

const site = {
  "main.ts": tinyApp["main.ts"],
  "app.json": JSON.stringify({ description: "embeds files", devices: [], assets: { dir: "files", option: "site" } }),
  "files/index.html": "<p>hi</p>\n",
};

/** A project with one good app and one broken in every way there is. */
const broken = () =>
  project({
    ...Object.fromEntries(Object.entries(tinyApp).map(([f, t]) => [`apps/good/${f}`, t])),
    ...Object.fromEntries(Object.entries(site).map(([f, t]) => [`apps/site/${f}`, t])),
    "apps/badjson/main.ts": tinyApp["main.ts"],
    "apps/badjson/app.json": "{ description: 'not JSON' }",
    "apps/nojson/main.ts": tinyApp["main.ts"],
    "apps/syntax/main.ts": "export function f(: i32 {\n",
    "apps/syntax/app.json": tinyApp["app.json"],
    "apps/baddevice/main.ts": tinyApp["main.ts"],
    "apps/baddevice/app.json": JSON.stringify({ devices: [{ name: "not ok!", type: "net" }] }),
  });

describe("apps are isolated", () => {
  test("a selected app builds while others are broken", async () => {
    const dir = broken();
    const r = await morgana(["build", "--app", "good"], dir);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(existsSync(path.join(dir, "dist/good.hvt"))).toBe(true);
  });

  test("building every app reports each broken one and still builds the good ones, exit 1", async () => {
    const dir = broken();
    const r = await morgana(["build"], dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/apps\/badjson\/app\.json is not valid JSON/);
    expect(r.stderr).toMatch(/error E_APP_JSON_MISSING: .*apps\/nojson\/app\.json is missing; .*Write \{ "description": "what the app does", "devices": \[\] \}/);
    expect(r.stderr).toMatch(/apps\/syntax\/main\.ts:1:\d+: error E_ASC/);
    expect(r.stderr).toMatch(/apps\/baddevice\/app\.json: device name "not ok!" is not alphanumeric/);
    expect(existsSync(path.join(dir, "dist/good.hvt"))).toBe(true);
    expect(existsSync(path.join(dir, "dist/site.hvt"))).toBe(true);
  });

  test("usage errors are reported even when other apps are broken", async () => {
    const dir = broken();
    const target = await morgana(["build", "--target", "xen"], dir);
    expect(target.code).toBe(2);
    expect(target.stderr).toMatch(/unknown target "xen" \(targets: hvt/);
    const app = await morgana(["build", "--app", "doesnotexist"], dir);
    expect(app.code).toBe(1);
    expect(app.stderr).toMatch(/error E_APP_NOT_FOUND: no app "doesnotexist" under apps\/ \(apps: baddevice, badjson, good, nojson, site, syntax\)/);
    const profile = await morgana(["build", "--app", "good", "--profile", "fastest"], dir);
    expect(profile.code).toBe(2);
    expect(profile.stderr).toMatch(/unknown profile "fastest" \(profiles: release, dev\)/);
    const option = await morgana(["build", "--app", "good", "--frobnicate"], dir);
    expect(option.code).toBe(2);
    expect(option.stderr).toMatch(/unknown option --frobnicate/);
  });

  test("an option for another app's files is an error naming who takes it", async () => {
    const dir = broken();
    const r = await morgana(["build", "--app", "good", "--site", "somewhere"], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--site does not apply to good: only site takes it/);
    const missing = await morgana(["build", "--app", "site", "--site"], dir);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/--site needs a value/);
  });

  test("app.json and the asset folder are checked before compiling", async () => {
    const dir = broken();
    const r = await morgana(["build", "--app", "site", "--site", path.join(dir, "no-such-folder")], dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/error E_ASSETS: cannot read the assets folder .*no-such-folder/);
    expect(r.stdout).not.toMatch(/compile/);
    const device = await morgana(["build", "--app", "baddevice"], dir);
    expect(device.code).toBe(1);
    expect(device.stdout).not.toMatch(/compile/);
  });
});
