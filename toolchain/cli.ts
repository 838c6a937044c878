/**
 * The `morgana` command.
 *
 *   morgana build [--target hvt] [--app NAME]... [--keep] [--debug] [--OPTION DIR]
 *   morgana lower IN.wasm [-o OUT.c] [--prefix P]
 *   morgana help
 *
 * Exit status: 0 on success, 1 on a build error (printed as
 * `file:line:column: error CODE: message` plus a hint), 2 on a usage error.
 */
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { listApps, loadApp } from "./app/index.ts";
import { buildApp, root } from "./build/index.ts";
import { BuildError } from "./diagnostics.ts";
import { isCIdentifier } from "./lower/c/names.ts";
import { lower } from "./lower/index.ts";
import { buildTender } from "./tender/build.ts";
import { runCommand, runUsage } from "./targets/node/cli.ts";
import { buildNodeApp } from "./targets/node/build.ts";

const usage = `usage:
  morgana build [--target hvt|node] [--app NAME]... [--keep] [--debug] [--OPTION DIR]
      Build apps/NAME into dist/NAME.hvt (every app without --app), and the
      tender dist/morgana-hvt; --target node: dist/NAME.node.wasm (see run). --keep leaves the .wasm and .c files in
      build/apps/NAME/; --debug keeps debug information in the image. An app
      that embeds files names an option for their folder in app.json
      (--site DIR for the website, --zones DIR for dns).
  morgana lower IN.wasm [-o OUT.c] [--prefix P]
      Lower any WebAssembly module to C (and OUT.h); see toolchain/lower/README.md.
${runUsage}
  morgana help`;

class UsageError extends Error {}

interface Parsed {
  flags: Map<string, string[]>;
  positional: string[];
}

/** `--name=value`, `--name value` for options that take one, and `--flag`. */
function parse(argv: string[], withValue: string[]): Parsed {
  const flags = new Map<string, string[]>();
  const positional: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (!a.startsWith("-")) {
      positional.push(a);
      continue;
    }
    const eq = a.indexOf("=");
    const name = eq < 0 ? a : a.slice(0, eq);
    let value = eq < 0 ? "" : a.slice(eq + 1);
    if (eq < 0 && withValue.includes(name)) {
      if (i + 1 >= argv.length) throw new UsageError(`${name} needs a value`);
      value = argv[++i];
    }
    flags.set(name, [...(flags.get(name) ?? []), value]);
  }
  return { flags, positional };
}

function check(p: Parsed, known: string[]): void {
  for (const f of p.flags.keys()) {
    if (!known.includes(f)) throw new UsageError(`unknown option ${f} (known: ${known.join(", ")})`);
  }
}

async function build(argv: string[]): Promise<void> {
  const appsDir = path.join(root, "apps");
  const known = listApps(appsDir);
  // Apps may declare an option naming their assets folder (--site DIR).
  const assetOptions = known.flatMap((n) => {
    const o = loadApp(path.join(appsDir, n)).assets?.option;
    return o ? [`--${o}`] : [];
  });
  const p = parse(argv, ["--target", "--app", ...assetOptions]);
  check(p, ["--target", "--app", "--keep", "--debug", ...assetOptions]);
  if (p.positional.length) throw new UsageError(`unexpected argument ${p.positional[0]}`);
  const target = p.flags.get("--target")?.at(-1) ?? "hvt";
  if (target !== "hvt" && target !== "node") throw new UsageError(`unknown target "${target}" (targets: hvt, node)`);
  const names = p.flags.get("--app") ?? known;
  for (const n of names) {
    if (!known.includes(n)) {
      throw new BuildError("E_APP_NOT_FOUND", `no app "${n}" under apps/ (apps: ${known.join(", ") || "none"})`);
    }
  }
  const assetDirs: Record<string, string> = {};
  for (const o of assetOptions) {
    const v = p.flags.get(o)?.at(-1);
    if (v !== undefined) assetDirs[o.slice(2)] = v;
  }
  const log = (l: string) => console.log(l);
  const t0 = performance.now();
  if (target === "node") {
    for (const n of names) await buildNodeApp(path.join(appsDir, n), { log, assetDirs });
    log(`built ${names.length} app${names.length === 1 ? "" : "s"} for node in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    return;
  }
  const tender = await buildTender();
  log(`  ${"tender".padEnd(12)} ${path.relative(process.cwd(), tender)}`);
  for (const n of names) {
    await buildApp(path.join(appsDir, n), { keep: p.flags.has("--keep"), debug: p.flags.has("--debug"), log, assetDirs });
  }
  log(`built ${names.length} app${names.length === 1 ? "" : "s"} in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
}

function lowerCommand(argv: string[]): void {
  const p = parse(argv, ["-o", "--prefix"]);
  check(p, ["-o", "--prefix"]);
  if (p.positional.length !== 1) throw new UsageError("lower takes one input .wasm file");
  const input = p.positional[0];
  const out = p.flags.get("-o")?.at(-1) ?? input.replace(/\.wasm$/, "") + ".c";
  if (!out.endsWith(".c")) throw new UsageError("-o must name a .c file");
  let prefix = p.flags.get("--prefix")?.at(-1) ?? path.basename(input).replace(/\.wasm$/, "").replace(/[^A-Za-z0-9_]/g, "_");
  if (/^[0-9]/.test(prefix)) prefix = "m" + prefix;
  if (!isCIdentifier(prefix)) throw new UsageError(`--prefix must be a C identifier, not "${prefix}"`);
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(input);
  } catch (e) {
    throw new UsageError(`cannot read ${input}: ${(e as Error).message}`);
  }
  const header = out.replace(/\.c$/, ".h");
  const r = lower(bytes, { prefix, headerName: path.basename(header), source: input });
  writeFileSync(out, r.c);
  writeFileSync(header, r.h);
  console.log(`${input} -> ${out}, ${header} (prefix ${prefix})`);
}

export async function main(argv: string[]): Promise<number> {
  const [cmd, ...rest] = argv;
  try {
    switch (cmd) {
      case "build":
        await build(rest);
        return 0;
      case "lower":
        lowerCommand(rest);
        return 0;
      case "run":
        return await runCommand(rest);
      case undefined:
      case "help":
      case "--help":
      case "-h":
        console.log(usage);
        return 0;
      default:
        throw new UsageError(`unknown command "${cmd}"`);
    }
  } catch (e) {
    if (e instanceof UsageError) {
      console.error(`morgana: ${e.message}\n${usage}`);
      return 2;
    }
    if (e instanceof BuildError) {
      console.error(e.format());
      return 1;
    }
    throw e;
  }
}
