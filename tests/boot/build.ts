/**
 * Builds the hand-written test apps of tests/boot/apps/ through the real
 * link stage, into build/tests/boot/. Each app is C shaped like lowered
 * code: it includes wasm-rt.h, defines app_instantiate, app_functions and
 * app_function_count, and calls the platform imports.
 */
import path from "node:path";
import { fileURLToPath } from "node:url";
import { link } from "../../toolchain/link/index.ts";
import type { Device } from "../../toolchain/manifest/index.ts";

const here = path.dirname(fileURLToPath(import.meta.url));
export const root = path.resolve(here, "../..");

export async function buildApp(
  name: string,
  opts: { devices?: Device[]; debug?: boolean; variant?: string } = {},
): Promise<{ image: string; bytes: number }> {
  const id = opts.variant ? `${name}-${opts.variant}` : name;
  const dir = path.join(root, "build/tests/boot", id);
  return link({
    appC: path.join(here, "apps", `${name}.c`),
    devices: opts.devices ?? [],
    out: path.join(dir, `${id}.hvt`),
    buildDir: path.join(dir, "obj"),
    debug: opts.debug,
  });
}
