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
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import path from "node:path";
import { root } from "../root.ts";
import { BuildError } from "../diagnostics.ts";
import { loweredCodeFlags } from "../lower/flags.ts";
import { manifestNote, type Device } from "../manifest/index.ts";
import { targets, type TargetName } from "../targets/index.ts";
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
  /** The tender interface the image is for (toolchain/targets); hvt by default. */
  target?: TargetName;
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

function run(args: string[], cwd: string, what: string): Promise<void> {
  const cc = compiler();
  return new Promise((resolve, reject) => {
    execFile(cc, args, { cwd, maxBuffer: 64 << 20 }, (err, stdout, stderr) => {
      if (!err) return resolve();
      const e = err as NodeJS.ErrnoException & { code?: unknown };
      if (e.code === "ENOENT") {
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

export interface LinkResult {
  image: string;
  bytes: number;
  /** The least --mem (MiB) the image boots in (its memory note). */
  minMem: number;
}

export async function link(opts: LinkOptions): Promise<LinkResult> {
  const debug = opts.debug ?? false;
  const buildDir = path.resolve(opts.buildDir);
  const bootObjDir = path.join(buildDir, "boot");
  await mkdir(bootObjDir, { recursive: true });
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
  const sources = await target.bootSources();
  // Boot code may run in ring 0, where some hosts cannot do SSE (boot/boot.h,
  // "Rings"); only the files that need floating point, which run in ring 3, may.
  const withSse = sources.filter((s) => bootSseFiles.has(path.basename(s)));
  const withoutSse = sources.filter((s) => !bootSseFiles.has(path.basename(s)));
  // hvt.ld places code from the object named morgana_app.o first.
  const appObj = path.join(buildDir, "morgana_app.o");
  await Promise.all([
    run(["-c", ...codeFlags, ...g, ...bootFlags, ...target.bootDefines, netDevices, "-mgeneral-regs-only", ...withoutSse], bootObjDir, "compiling boot/"),
    run(["-c", ...codeFlags, ...g, ...bootFlags, ...target.bootDefines, netDevices, ...withSse], bootObjDir, "compiling boot/"),
    run(["-c", ...(opts.optimizeForSize ? codeFlags.map((f) => (f === "-O2" ? "-Os" : f)) : codeFlags), ...g, ...appFlags, ...target.appDefines,
      path.resolve(opts.appC), "-o", appObj], buildDir, `compiling ${opts.appC}`),
  ]);
  const bootObjs = sources.map((s) => path.join(bootObjDir, path.basename(s).replace(/\.[cS]$/, ".o")));
  const image = path.resolve(opts.out);
  // Linked under a private name and renamed: a tender or test reading the
  // image meanwhile sees the old one or the new one, never half of one.
  const partial = `${image}.${process.pid}.partial`;
  await run([...linkFlags(debug, target.linkerScript), `-Wl,--defsym=morgana_memory0_initial_bytes=${initialBytes}`, ...g, appObj, ...bootObjs, manifest, assets, "-o", partial], buildDir, "linking the image");
  const elf = new Uint8Array(await readFile(partial));
  const needs = imageMemory(elf);
  if (needs === undefined) throw new BuildError("E_CC", `the linked image has no memory note (${target.linkerScript} writes it)`);
  await rename(partial, image);
  return { image, bytes: elf.length, minMem: minimumMem(needs, target.name) };
}
