/**
 * The `morgana` command.
 *
 *   morgana build [--target hvt|spt] [--profile release|dev] [--app NAME]... [--keep] [--debug] [--no-cache] [--OPTION DIR]
 *   morgana lower IN.wasm [-o OUT.c] [--prefix P]
 *   morgana new NAME
 *   morgana boot APP [TENDER OPTIONS] [-- ARGS]
 *   morgana cert --dev NAME [--rsa | --ed25519] [--out DIR]
 *   morgana help
 *
 * Exit status: 0 on success, 1 on a build error (printed as
 * `file:line:column: error CODE: message` plus a hint), 2 on a usage error.
 */
import { spawn } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import path from "node:path";
import { listApps, loadApp } from "./app/index.ts";
import { buildApp, inParallel, prepareApp, type BuildOptions, type PreparedApp } from "./build/index.ts";
import { heaviestFirst } from "./build/order.ts";
import { profileNames, type ProfileName } from "./build/profiles.ts";
import { targetNames, targets } from "./build/targets.ts";
import { certCommand, CertUsageError, certUsage } from "./cert/index.ts";
import { BuildError } from "./diagnostics.ts";
import { isCIdentifier } from "./lower/c/names.ts";
import { lower } from "./lower/index.ts";
import { scaffold } from "./new/index.ts";
import { projectRoot } from "./project.ts";
import { runCommand, runUsage } from "./targets/node/cli.ts";
import { buildNodeApp } from "./targets/node/build.ts";

const usage = `usage:
  morgana build [--target ${targetNames.join("|")}|node] [--profile ${profileNames.join("|")}] [--app NAME]... [--keep] [--debug] [--no-cache] [--tls-ca FILE] [--OPTION DIR]
      Build apps/NAME into dist/NAME.hvt (every app without --app), and the
      tender dist/morgana-hvt; with --target spt, into dist/NAME.spt for
      Solo5's solo5-spt (no tender is built); with --target node, into
      dist/NAME.node.wasm for Node (see run). --profile dev optimises less for a faster
      build; release (the default) is what ships. An app whose inputs did
      not change since its last build is taken from build/cache/ (not with
      --no-cache). --keep
      leaves the .wasm and .c files in build/apps/NAME/; --debug keeps debug
      information in the image. An app that embeds files names an option for
      their folder in app.json (--site DIR for the website, --zones DIR for dns).
      --tls-cert FILE --tls-key FILE (apps with "tls": true, the website):
      a PEM chain and its ECDSA P-256 key, checked, embedded for HTTPS.
      --tls-ca FILE embeds a PEM bundle of trust anchors for the TLS client,
      checked first (CA or self-signed, RSA/P-256/Ed25519 key, not expired).
  morgana lower IN.wasm [-o OUT.c] [--prefix P]
      Lower any WebAssembly module to C (and OUT.h); see toolchain/lower/README.md.
  morgana new NAME
      Make ./NAME, a project that depends on morgana: one app (a UDP echo),
      package.json with the scripts build, boot and test, a tsconfig.json for
      editors, a test and a README.
  morgana boot APP [TENDER OPTIONS] [-- ARGS]
      Boot dist/APP.hvt on Morgana's tender, e.g.
      morgana boot echo --net:service=tap0 -- --ipv4=10.0.0.2/24
${runUsage}
${certUsage}
  morgana help`;

class UsageError extends Error {}

interface Parsed {
  flags: Map<string, string[]>;
  positional: string[];
}

/** `--name=value`, `--name value` for options that take one, and `--flag`.
 * An option that takes a value but has none is recorded with the value
 * null, so that an unknown option is reported as unknown first. */
function parse(argv: string[], takesValue: (name: string) => boolean): Parsed {
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
    if (eq < 0 && takesValue(name)) {
      if (i + 1 >= argv.length || argv[i + 1].startsWith("-")) value = "\0";
      else value = argv[++i];
    }
    flags.set(name, [...(flags.get(name) ?? []), value]);
  }
  return { flags, positional };
}

function check(p: Parsed, known: string[]): void {
  for (const f of p.flags.keys()) {
    if (!known.includes(f)) throw new UsageError(`unknown option ${f} (known: ${known.join(", ")})`);
  }
  for (const [f, values] of p.flags) {
    if (values.includes("\0")) throw new UsageError(`${f} needs a value`);
  }
}

/** The one value of an option, the last if given twice. */
const last = (p: Parsed, name: string) => p.flags.get(name)?.at(-1);

/** The asset option of an app, without failing on a broken app: only for
 * messages about options that apply to other apps. */
function peekOption(appsDir: string, name: string): string | undefined {
  try {
    return loadApp(path.join(appsDir, name)).assets?.option;
  } catch {
    return undefined;
  }
}

/**
 * Checks the whole command line before reading any app but the selected
 * ones, so that a broken app elsewhere hides no usage error: target,
 * profile, app names, then options against the apps that take them.
 */
async function build(argv: string[]): Promise<number> {
  const fixed = ["--target", "--profile", "--app", "--tls-ca"];
  const booleans = ["--keep", "--debug", "--no-cache"];
  const p = parse(argv, (n) => !booleans.includes(n));
  if (p.positional.length) throw new UsageError(`unexpected argument ${p.positional[0]}`);
  const target = last(p, "--target") ?? "hvt";
  if (!targets[target] && target !== "node") throw new UsageError(`unknown target "${target}" (targets: ${[...targetNames, "node"].join(", ")})`);
  const profile = last(p, "--profile") ?? "release";
  if (!profileNames.includes(profile as ProfileName)) throw new UsageError(`unknown profile "${profile}" (profiles: ${profileNames.join(", ")})`);
  const project = projectRoot();
  const appsDir = path.join(project, "apps");
  const known = listApps(appsDir);
  const names = p.flags.get("--app") ?? known;
  for (const n of names) {
    if (!known.includes(n)) {
      throw new BuildError("E_APP_NOT_FOUND", `no app "${n}" under apps/ (apps: ${known.join(", ") || "none"})`);
    }
  }
  // Only the selected apps are read; one that is broken is reported and
  // the others still build.
  const loaded = names.map((n) => {
    try {
      const app = loadApp(path.join(appsDir, n));
      return { name: n, option: app.assets?.option, tls: app.tls === true };
    } catch (e) {
      return { name: n, error: e, tls: false };
    }
  });
  // --tls-cert and --tls-key, for the apps whose app.json says "tls": true.
  const tlsOptions = ["--tls-cert", "--tls-key"];
  const assetOptions = [...loaded.flatMap((a) => (a.option ? [`--${a.option}`] : [])), ...(loaded.some((a) => a.tls) ? tlsOptions : [])];
  for (const f of p.flags.keys()) {
    if (fixed.includes(f) || booleans.includes(f) || assetOptions.includes(f)) continue;
    const takers = known.filter((n) => !names.includes(n) && `--${peekOption(appsDir, n)}` === f);
    if (takers.length) {
      throw new UsageError(`${f} does not apply to ${names.join(", ")}: only ${takers.join(", ")} take${takers.length === 1 ? "s" : ""} it`);
    }
  }
  check(p, [...fixed, ...booleans, ...assetOptions]);
  const assetDirs: Record<string, string> = {};
  for (const o of assetOptions) {
    const v = last(p, o);
    if (v !== undefined && !tlsOptions.includes(o)) assetDirs[o.slice(2)] = v;
  }
  const tlsCert = last(p, "--tls-cert"), tlsKey = last(p, "--tls-key");
  if ((tlsCert === undefined) !== (tlsKey === undefined)) throw new UsageError("give both --tls-cert FILE and --tls-key FILE, or neither");
  const tls = tlsCert !== undefined && tlsKey !== undefined ? { cert: tlsCert, key: tlsKey } : undefined;
  const tlsApps = loaded.filter((a) => a.tls).map((a) => a.name);
  if (tls && tlsApps.length !== loaded.length) {
    throw new UsageError(`--tls-cert and --tls-key apply to ${tlsApps.join(", ")} only: build ${loaded.filter((a) => !a.tls).map((a) => a.name).join(", ")} separately`);
  }
  const log = (l: string) => console.log(l);
  if (target === "node") {
    // dist/NAME.node.wasm carries no assets (they stay in the app's folder).
    if (p.flags.has("--tls-ca")) throw new UsageError("--tls-ca is for --target hvt and spt, and for morgana run APP --tls-ca FILE");
    // The development target: Wasm for Node, no lowering, no gcc
    // (toolchain/targets/node).
    const t0 = performance.now();
    for (const a of loaded) {
      if (a.error) return report([a.error]);
      await buildNodeApp(path.join(appsDir, a.name), { log, assetDirs, tls });
    }
    log(`built ${loaded.length} app${loaded.length === 1 ? "" : "s"} for node in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    return 0;
  }
  const opts: BuildOptions = {
    keep: p.flags.has("--keep"), debug: p.flags.has("--debug"), cache: !p.flags.has("--no-cache"), log, assetDirs, target, profile: profile as ProfileName, projectDir: project, tls,
    tlsCa: last(p, "--tls-ca"),
  };

  // Everything that can be checked without compiling, for every app, first.
  const failed: unknown[] = [];
  const ready: PreparedApp[] = [];
  for (const a of loaded) {
    try {
      if (a.error) throw a.error;
      ready.push(prepareApp(path.join(appsDir, a.name), opts));
    } catch (e) {
      failed.push(e);
    }
  }
  if (failed.length && p.flags.has("--app")) return report(failed);
  const t0 = performance.now();
  // The tender (a gcc of its own) builds beside the apps, not before them.
  const hostBuild = targets[target].buildHost?.().then((host) => log(`  ${"tender".padEnd(12)} ${path.relative(process.cwd(), host)}`));
  hostBuild?.catch(() => undefined); // awaited below, after the apps
  // Heaviest first, and more apps in flight than cores: while some wait
  // for gcc, Node's thread compiles the next (build/order.ts).
  const order = heaviestFirst(ready, (r) => r.app.entry);
  const results = await inParallel(order.map((r) => () => buildApp(r, opts)), 2 * availableParallelism());
  await hostBuild;
  for (const r of results) if (r.status === "rejected") failed.push(r.reason);
  const built = results.filter((r) => r.status === "fulfilled").length;
  log(`built ${built} app${built === 1 ? "" : "s"} (${profile}) in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  return failed.length ? report(failed) : 0;
}

/** Prints every build error; the exit status for them. */
function report(errors: unknown[]): number {
  for (const e of errors) {
    if (!(e instanceof BuildError)) throw e;
    console.error(e.format());
  }
  return 1;
}

function newCommand(argv: string[]): void {
  if (argv.length !== 1 || argv[0].startsWith("-")) throw new UsageError("new takes one project name");
  const dir = scaffold(argv[0]);
  console.log(`made ${path.relative(process.cwd(), dir) || "."}: cd ${argv[0]} && npm install && npm run build && npm test`);
}

/** Boots an app's image on Morgana's tender, the terminal attached. */
async function bootCommand(argv: string[]): Promise<number> {
  const [app, ...rest] = argv;
  if (!app || app.startsWith("-")) throw new UsageError("boot takes the name of a built app first");
  const split = rest.indexOf("--");
  const tenderArgs = split < 0 ? rest : rest.slice(0, split);
  const guestArgs = split < 0 ? [] : rest.slice(split + 1);
  const image = path.join(projectRoot(), "dist", `${app}.${targets.hvt.extension}`);
  if (!existsSync(image)) throw new BuildError("E_APP_NOT_FOUND", `${image} does not exist; build it first: npx morgana build --app ${app}`);
  const tender = await targets.hvt.buildHost!();
  const child = spawn(tender, [...tenderArgs, "--", image, ...guestArgs], { stdio: "inherit" });
  return await new Promise((resolve) => child.on("close", (code) => resolve(code ?? 1)));
}

function lowerCommand(argv: string[]): void {
  const p = parse(argv, (n) => ["-o", "--prefix"].includes(n));
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
        return await build(rest);
      case "lower":
        lowerCommand(rest);
        return 0;
      case "new":
        newCommand(rest);
        return 0;
      case "boot":
        return await bootCommand(rest);
      case "run":
        return await runCommand(rest);
      case "cert":
        for (const line of certCommand(rest).lines) console.log(line);
        return 0;
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
    if (e instanceof UsageError || e instanceof CertUsageError) {
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
