/**
 * The link stage: the lowered application C, boot/ and the manifest note
 * become one static ELF image for the Solo5 hvt tender.
 *
 * Promises: the image is what boot/README.md and boot/hvt.ld describe
 * (ELF64 x86-64 executable, ABI1 note for hvt v2, MFT1 note listing the
 * devices given, .interp, no segment both writable and executable, every
 * load address at or above 0x100000), compiled with the system's gcc as
 * freestanding code without libc: no red zone, SSE but no AVX, no PIE,
 * stack-clash probes (so a large frame cannot step over the stack guard
 * page), one contiguous range per function (traps map code addresses to
 * functions), unused sections dropped. Without `debug` the image carries
 * no debug information and no symbol table.
 *
 * A compiler failure is a BuildError E_CC carrying the compiler's output;
 * no compiler is E_CC_MISSING; a bad device list is E_MANIFEST.
 */
import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readdir, readFile, rename, rm, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import { root } from "../root.ts";
import { BuildError } from "../diagnostics.ts";
import { loweredCodeFlags } from "../lower/flags.ts";
import { manifestNote, type Device } from "../manifest/index.ts";
import { targets, type Target, type TargetName } from "../targets/index.ts";
import { cryptoInputs, ed25519Needed, importsCrypto } from "./crypto.ts";
import { imageMemory, initialMemoryBytes, minimumMem } from "./memory.ts";

export interface LinkOptions {
  /** The lowered application, prefix `app`. */
  appC: string;
  devices: Device[];
  /** The image to write. */
  out: string;
  /** Scratch directory for objects (created if missing). */
  buildDir: string;
  /** Keep debug information and symbols. */
  debug?: boolean;
  /** The asset pack (toolchain/assets/) to place at `morgana_assets`;
   * without it the image carries an empty pack. */
  assets?: Uint8Array;
  /** Compile the application's C for size (-Os) rather than speed (-O2):
   * app.json's `"optimize": "size"`. */
  optimizeForSize?: boolean;
  /** Further C files of the application (a split lowering), compiled in
   * parallel with `appC`. */
  appUnits?: string[];
  /** The optimisation flag for the application's C, e.g. "-O1" in the
   * development profile; overrides optimizeForSize. */
  appOptLevel?: string;
  /** Where compiled boot objects are kept (default build/boot-objects). */
  bootCacheDir?: string;
  /** false when the image's one TLS key (--tls-key) is not Ed25519: the
   * application then never signs with Ed25519, so libsodium is linked only
   * if it verifies Ed25519 signatures (crypto.ts ed25519Needed). */
  ed25519Key?: boolean;
  /** The tender interface the image is for (toolchain/targets); hvt by default. */
  target?: TargetName;
}

export interface LinkResult {
  image: string;
  bytes: number;
  /** The least --mem (MiB) the image boots in (its memory note). */
  minMem: number;
}


export const bootDir = path.join(root, "boot");
export const runtimeDir = path.join(root, "toolchain/lower/runtime");

const compiler = () => process.env.MORGANA_CC ?? "gcc";

const codeFlags = [
  "-std=gnu11",
  "-O2",
  "-ffreestanding",
  "-fno-pie",
  "-fno-pic",
  "-mno-red-zone",
  "-mno-avx",
  "-fno-stack-protector",
  "-fstack-clash-protection",
  "-fcf-protection=none",
  "-fno-asynchronous-unwind-tables",
  "-fno-unwind-tables",
  "-fno-reorder-blocks-and-partition",
  "-ffunction-sections",
  "-fdata-sections",
];

const bootFlags = [
  "-Wall",
  "-Wextra",
  // gcc would turn libc.c's loops back into calls to memcpy and memset.
  "-fno-tree-loop-distribute-patterns",
  "-I",
  bootDir,
  "-I",
  runtimeDir,
];

/** Boot files that use floating point; they run in ring 3 only. */
const bootSseFiles = new Set(["env.c"]);

const appFlags = [
  "-DWRT_FIXED_MEMORY0=morgana_memory0",
  // Exact WebAssembly semantics (toolchain/lower/flags.ts); besides, an
  // import names its caller from its return address, which a tail call
  // would replace with the caller's caller.
  ...loweredCodeFlags,
  "-I",
  runtimeDir,
];

function linkFlags(debug: boolean, linkerScript: string): string[] {
  return [
    "-nostdlib",
    "-static",
    "-no-pie",
    "-Wl,-T," + linkerScript,
    "-Wl,--gc-sections",
    "-Wl,-z,max-page-size=0x1000",
    "-Wl,-z,common-page-size=0x1000",
    "-Wl,--build-id=none",
    ...(debug ? [] : ["-Wl,--strip-all"]),
  ];
}

/** gcc runs at a lower priority than the build command itself: in a build
 * of several apps, Node's one thread compiling and optimising the next app
 * is what the rest waits for, so it keeps its core and gcc takes what is
 * left (all apps cold, side by side: 29.3 s before, 27.7 s after). */
const GCC_NICENESS = "10";

function run(args: string[], cwd: string, what: string): Promise<void> {
  const cc = compiler();
  return new Promise((resolve, reject) => {
    execFile("nice", ["-n", GCC_NICENESS, cc, ...args], { cwd, maxBuffer: 64 << 20 }, (err, stdout, stderr) => {
      if (!err) return resolve();
      const e = err as Omit<NodeJS.ErrnoException, "code"> & { code?: unknown };
      // nice exits 127 when it cannot find the compiler.
      if (e.code === "ENOENT" || e.code === 127) {
        return reject(new BuildError("E_CC_MISSING", `the C compiler \`${cc}\` was not found`));
      }
      const output = `${stdout}${stderr}`.trimEnd().split("\n").filter((l) => l !== "");
      reject(new BuildError("E_CC", `${cc} failed ${what}`, undefined, output));
    });
  });
}

/** "MGA1", no entries. */
const emptyPack = new Uint8Array([0x4d, 0x47, 0x41, 0x31, 0, 0, 0, 0]);

/** The asset pack as read-only data at `morgana_assets` (boot/assets.c). */
function assetsSource(bin: string): string {
  return [
    `	.section .rodata.morgana_assets,"a"`,
    `	.balign 16`,
    `	.globl morgana_assets`,
    `morgana_assets:`,
    `	.incbin ${JSON.stringify(bin)}`,
    `	.globl morgana_assets_end`,
    `morgana_assets_end:`,
    ``,
  ].join("\n");
}

/** The boot sources of the hvt target: every .c and .S in boot/. */
export async function bootSources(): Promise<string[]> {
  return targets.hvt.bootSources();
}

/**
 * Objects compiled once and shared by every build that uses the same
 * compiler, `commands` and `inputs` (file contents): they live in
 * CACHEDIR/KEY/, KEY hashing all of that. A set is compiled in a private
 * folder and renamed into place, so parallel builds never see half of one
 * (the loser of a race between processes throws its copy away); builds in
 * one process share the compilation in flight, so a cold build of several
 * apps compiles each set once.
 */
const inFlight = new Map<string, Promise<void>>();

async function cachedObjects(cacheDir: string, commands: string[][], objects: string[], inputs: string, what: string): Promise<string[]> {
  const hash = createHash("sha256").update(compiler()).update(JSON.stringify(commands)).update(inputs);
  const dir = path.join(cacheDir, hash.digest("hex").slice(0, 16));
  const paths = objects.map((o) => path.join(dir, o));
  if (existsSync(dir)) return paths;
  let pending = inFlight.get(dir);
  if (!pending) {
    pending = (async () => {
      await mkdir(path.dirname(dir), { recursive: true });
      const scratch = await mkdtemp(`${dir}.partial-`);
      try {
        await Promise.all(commands.map((c) => run(c, scratch, what)));
        await rename(scratch, dir);
      } catch (e) {
        await rm(scratch, { recursive: true, force: true });
        if (!existsSync(dir)) throw e;
      }
    })().finally(() => inFlight.delete(dir));
    inFlight.set(dir, pending);
  }
  await pending;
  return paths;
}

/** A digest of the files boot and crypto objects are compiled from: boot/
 * (its sources and the headers they include), the runtime's headers, and
 * `more`; part of every cached object set's key. */
async function inputsDigest(more: string[]): Promise<string> {
  const files = [
    ...(await readdir(bootDir)).sort().map((n) => path.join(bootDir, n)),
    ...(await readdir(runtimeDir)).filter((n) => n.endsWith(".h")).sort().map((n) => path.join(runtimeDir, n)),
    ...more,
  ];
  const hash = createHash("sha256");
  for (const f of files) {
    if ((await stat(f)).isFile()) hash.update(f).update(await readFile(f));
  }
  return hash.digest("hex");
}

/** Boot files that read the app's defines (net.c sizes its ring pool from
 * the app's net devices): compiled once per define set. The rest are the
 * same for every app of a target and compiled once. */
const perAppBootFiles = new Set(["net.c"]);

/** The boot objects for one flag set (cachedObjects). */
export async function bootObjects(debug: boolean, cacheDir = path.join(root, "build", "boot-objects"),
  target: Target = targets.hvt, defines: string[] = []): Promise<string[]> {
  const sources = await target.bootSources();
  // Read once for both sets below.
  const inputs = await inputsDigest(sources.filter((f) => path.dirname(f) !== bootDir));
  const set = async (files: string[], flags: string[]) => {
    if (files.length === 0) return [];
    // Boot code may run in ring 0, where some hosts cannot do SSE (boot/boot.h,
    // "Rings"); only the files that need floating point, which run in ring 3, may.
    const withSse = files.filter((s) => bootSseFiles.has(path.basename(s)));
    const withoutSse = files.filter((s) => !bootSseFiles.has(path.basename(s)));
    const commands = [
      ["-c", ...codeFlags, ...flags, ...bootFlags, "-mgeneral-regs-only", ...withoutSse],
      ["-c", ...codeFlags, ...flags, ...bootFlags, ...withSse],
    ].filter((c) => c.some((a) => files.includes(a)));
    return cachedObjects(cacheDir, commands, files.map((s) => path.basename(s).replace(/\.[cS]$/, ".o")), inputs, "compiling boot/");
  };
  const flags = [...(debug ? ["-g"] : []), ...target.bootDefines];
  const [common, perApp] = await Promise.all([
    set(sources.filter((s) => !perAppBootFiles.has(path.basename(s))), flags),
    set(sources.filter((s) => perAppBootFiles.has(path.basename(s))), [...flags, ...defines]),
  ]);
  return [...common, ...perApp];
}

/** The crypto binding's objects (crypto.ts), cached as the boot objects
 * are: the same for every image that links them with these flags. */
async function cryptoObjects(sources: string[], debug: boolean, cacheDir: string, target: Target): Promise<string[]> {
  if (sources.length === 0) return [];
  const commands = sources.map((s) => ["-c", ...codeFlags, ...(debug ? ["-g"] : []), ...target.bootDefines, ...bootFlags, s]);
  return cachedObjects(cacheDir, commands, sources.map((s) => path.basename(s, ".c") + ".o"), await inputsDigest(sources),
    "compiling boot/crypto/");
}

export async function link(opts: LinkOptions): Promise<LinkResult> {
  const debug = opts.debug ?? false;
  const buildDir = path.resolve(opts.buildDir);
  await mkdir(buildDir, { recursive: true });
  await mkdir(path.dirname(path.resolve(opts.out)), { recursive: true });
  const manifest = path.join(buildDir, "manifest.s");
  await writeFile(manifest, manifestNote(opts.devices));
  const assets = path.join(buildDir, "assets.s");
  await writeFile(path.join(buildDir, "assets.bin"), opts.assets ?? emptyPack);
  await writeFile(assets, assetsSource(path.join(buildDir, "assets.bin")));

  const g = debug ? ["-g"] : [];
  const target = targets[opts.target ?? "hvt"];
  // What the image's size depends on: its net devices (boot/net.c's ring
  // pool) and its Wasm memory's initial pages (the memory note, hvt.ld).
  const netDevices = `-DMORGANA_NET_DEVICES=${opts.devices.filter((d) => d.type === "net").length}`;
  const initialBytes = initialMemoryBytes(await readFile(opts.appC, "utf8"));
  const optLevel = opts.appOptLevel ?? (opts.optimizeForSize ? "-Os" : "-O2");
  const appFlagsAll = [...codeFlags.map((f) => (f === "-O2" ? optLevel : f)), ...g, ...appFlags, ...target.appDefines];
  // hvt.ld places code from the object named morgana_app.o first; the
  // objects of a split application are first joined into it (ld -r).
  const appObj = path.join(buildDir, "morgana_app.o");
  const units = [opts.appC, ...(opts.appUnits ?? [])].map((u) => path.resolve(u));
  const unitObjs = units.length === 1 ? [appObj] : units.map((_, i) => path.join(buildDir, `morgana_app_${i}.o`));
  // BearSSL and its binding only in an image whose application imports them.
  const lowered = await Promise.all(units.map((u) => readFile(u, "utf8")));
  const crypto = lowered.some(importsCrypto) ? await cryptoInputs(ed25519Needed(lowered, opts.ed25519Key)) : undefined;
  const cacheDir = opts.bootCacheDir ?? path.join(root, "build", "boot-objects");
  const [bootObjs, cryptoObjs] = await Promise.all([
    bootObjects(debug, cacheDir, target, [netDevices]),
    cryptoObjects(crypto?.sources ?? [], debug, cacheDir, target),
    ...units.map((u, i) => run(["-c", ...appFlagsAll, u, "-o", unitObjs[i]], buildDir, `compiling ${u}`)),
  ]);
  if (units.length > 1) await run(["-nostdlib", "-r", ...unitObjs, "-o", appObj], buildDir, "joining the application's objects");
  const image = path.resolve(opts.out);
  // Linked under a private name and renamed: a tender or test reading the
  // image meanwhile sees the old one or the new one, never half of one.
  const partial = `${image}.${process.pid}.partial`;
  await run([...linkFlags(debug, target.linkerScript), `-Wl,--defsym=morgana_memory0_initial_bytes=${initialBytes}`, ...g,
    appObj, ...bootObjs, ...cryptoObjs, ...(crypto?.archives ?? []), manifest, assets, "-o", partial], buildDir, "linking the image");
  const elf = new Uint8Array(await readFile(partial));
  const needs = imageMemory(elf);
  if (needs === undefined) throw new BuildError("E_CC", `the linked image has no memory note (${target.linkerScript} writes it)`);
  await rename(partial, image);
  return { image, bytes: elf.length, minMem: minimumMem(needs, target.name) };
}
