/**
 * The `morgana` command as a user meets it: progress lines, exit statuses,
 * errors with their location, --keep, and `morgana lower`.
 */
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, test } from "vitest";
import binaryen from "binaryen";
import { root } from "../../toolchain/root.ts";
import { morgana } from "./project.ts";

describe("morgana build", () => {
  test("builds one app with one progress line per stage and keeps the intermediates with --keep", async () => {
    const r = await morgana(["build", "--target", "hvt", "--app", "hello", "--keep"]);
    expect(r.code).toBe(0);
    for (const stage of ["compile", "optimise", "lower", "link"]) {
      expect(r.stdout).toMatch(new RegExp(`hello +${stage} +\\d+\\.\\d\\d s`));
    }
    for (const f of ["hello.wasm", "hello.opt.wasm", "app.c", "app.h"]) {
      expect(existsSync(path.join(root, "build/apps/hello", f))).toBe(true);
    }
  });

  test("an unknown app is an error listing the apps, exit 1", async () => {
    const r = await morgana(["build", "--app", "nonesuch"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/error E_APP_NOT_FOUND: no app "nonesuch" under apps\/ \(apps: .*hello/);
  });

  test("an unknown target or option is a usage error, exit 2", async () => {
    const t = await morgana(["build", "--target", "xen"]);
    expect(t.code).toBe(2);
    expect(t.stderr).toMatch(/unknown target "xen" \(targets: hvt, spt, node\)/);
    const r = await morgana(["build", "--frobnicate"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/unknown option --frobnicate/);
  });
});

describe("morgana lower", () => {
  test("lowers a module to C and a header", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "morgana-lower-"));
    const m = binaryen.parseText(`(module (func (export "add") (param i32 i32) (result i32) (i32.add (local.get 0) (local.get 1))))`);
    writeFileSync(path.join(dir, "add.wasm"), m.emitBinary());
    m.dispose();
    const r = await morgana(["lower", path.join(dir, "add.wasm"), "-o", path.join(dir, "out.c")]);
    expect(r.code).toBe(0);
    expect(readFileSync(path.join(dir, "out.h"), "utf8")).toContain("u32 add_export_add(u32, u32);");
    expect(readFileSync(path.join(dir, "out.c"), "utf8")).toContain('#include "out.h"');
  });

  test("refuses a malformed module with exit 1 and says where", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "morgana-lower-"));
    writeFileSync(path.join(dir, "bad.wasm"), Buffer.from([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0, 1, 5, 1]));
    const r = await morgana(["lower", path.join(dir, "bad.wasm")]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/error E_WASM_INVALID: .*bad\.wasm: malformed module at byte \d+/);
  });
});
