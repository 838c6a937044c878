/**
 * Apps: a folder with `main.ts` (the unikernel's AssemblyScript entry) and
 * `app.json` (what the image needs from the tender). This module finds them
 * and checks their descriptions; every mistake is an E_APP_* BuildError
 * naming the file.
 *
 * app.json:
 *   { "description": "one line",
 *     "devices": [{ "name": "service", "type": "net" }],
 *     "compilerFlags": ["--disable", "nontrapping-f2i"],        (optional)
 *     "assets": { "dir": "site", "option": "site", "compiler": "..." },   (optional)
 *     "optimize": "size",   (optional; default "speed": the C at -O2, "size": -Os)
 *     "tls": true }         (optional: the app takes --tls-cert FILE --tls-key FILE)
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { BuildError } from "../diagnostics.ts";
import type { AssetSpec } from "../assets/index.ts";
import { validateDevices, type Device } from "../manifest/index.ts";

/** What the message for a missing app.json tells the user to write. */
export const appJsonExample =
  `{ "description": "what the app does", "devices": [] } (a network app: "devices": [{ "name": "service", "type": "net" }])`;

export interface App {
  name: string;
  dir: string;
  entry: string;
  description: string;
  devices: Device[];
  /** Extra AssemblyScript compiler flags (e.g. ["--disable", "nontrapping-f2i"]). */
  compilerFlags: string[];
  /** Files to embed in the image (toolchain/assets/). */
  assets?: AssetSpec;
  /** Takes --tls-cert and --tls-key (toolchain/tls/credentials.ts). */
  tls?: boolean;
  /** How the application's C is compiled: "speed" (-O2, the default) or "size" (-Os). */
  optimize: "speed" | "size";
}

/** Every app under `appsDir`, by name: the folders holding a main.ts.
 * Nothing inside them is read, so a broken app does not hide the others. */
export function listApps(appsDir: string): string[] {
  if (!existsSync(appsDir)) return [];
  return readdirSync(appsDir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(path.join(appsDir, d.name, "main.ts")))
    .map((d) => d.name)
    .sort();
}

export function loadApp(dir: string): App {
  const name = path.basename(dir);
  const entry = path.join(dir, "main.ts");
  if (!existsSync(entry)) {
    throw new BuildError("E_APP_NOT_FOUND", `no app at ${dir}: ${entry} does not exist`);
  }
  const descPath = path.join(dir, "app.json");
  if (!existsSync(descPath)) {
    throw new BuildError("E_APP_JSON_MISSING", `${descPath} is missing; every app describes itself there. Write ${appJsonExample}`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(descPath, "utf8"));
  } catch (e) {
    throw new BuildError("E_APP_DESCRIPTION", `${descPath} is not valid JSON: ${(e as Error).message}`);
  }
  const bad = (why: string): never => {
    throw new BuildError("E_APP_DESCRIPTION", `${descPath}: ${why}`);
  };
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) bad("must be a JSON object");
  const o = raw as Record<string, unknown>;
  for (const key of Object.keys(o)) {
    if (!["description", "devices", "compilerFlags", "assets", "optimize", "tls"].includes(key)) {
      bad(`unknown key "${key}" (known: description, devices, compilerFlags, assets, optimize, tls)`);
    }
  }
  const description = o.description ?? "";
  if (typeof description !== "string") bad(`"description" must be a string`);
  const devices = o.devices ?? [];
  if (!Array.isArray(devices)) bad(`"devices" must be a list`);
  const list = (devices as unknown[]).map((d, i): Device => {
    if (typeof d !== "object" || d === null) bad(`devices[${i}] must be an object`);
    const { name: dn, type } = d as Record<string, unknown>;
    if (typeof dn !== "string") bad(`devices[${i}].name must be a string`);
    if (type !== "net" && type !== "block") bad(`devices[${i}].type must be "net" or "block"`);
    return { name: dn as string, type: type as Device["type"] };
  });
  try {
    validateDevices(list);
  } catch (e) {
    if (e instanceof BuildError) bad(e.message);
    throw e;
  }
  const flags = o.compilerFlags ?? [];
  if (!Array.isArray(flags) || flags.some((f) => typeof f !== "string")) bad(`"compilerFlags" must be a list of strings`);
  let assets: AssetSpec | undefined;
  if (o.assets !== undefined) {
    const a = o.assets as Record<string, unknown>;
    if (typeof a !== "object" || a === null) bad(`"assets" must be an object`);
    for (const key of Object.keys(a)) {
      if (!["dir", "option", "compiler"].includes(key)) bad(`unknown key "assets.${key}" (known: dir, option, compiler)`);
    }
    if (typeof a.dir !== "string" || a.dir === "") bad(`"assets.dir" must name a folder`);
    if (typeof a.option !== "string" || !/^[a-z][a-z0-9-]*$/.test(a.option)) bad(`"assets.option" must be a lower-case word, e.g. "site"`);
    if (a.compiler !== undefined && typeof a.compiler !== "string") bad(`"assets.compiler" must be a string`);
    assets = { dir: a.dir as string, option: a.option as string, compiler: a.compiler as string | undefined };
  }
  const optimize = o.optimize ?? "speed";
  if (optimize !== "speed" && optimize !== "size") bad(`"optimize" must be "speed" or "size"`);
  // "tls": true: the app takes --tls-cert and --tls-key (toolchain/tls).
  if (o.tls !== undefined && typeof o.tls !== "boolean") bad(`"tls" must be true or false`);
  return { name, dir, entry, description: description as string, devices: list, compilerFlags: flags as string[], assets,
    optimize: optimize as "speed" | "size", tls: o.tls === true };
}
