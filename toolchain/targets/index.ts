/**
 * The targets an app can be built for, as Solo5 has bindings per tender:
 * the same boot/ files and lowered application, bound to a different
 * tender interface.
 *
 * - hvt: Solo5's hvt tender under KVM (and Morgana's own tender). The image
 *   sets up the CPU and page tables itself; Wasm memory accesses are
 *   checked by guard pages (a fault is reported as a trap).
 * - spt: Solo5's spt tender, which runs the image as a Linux process under
 *   seccomp. No ring 0 and no signal handler: boot/spt/ binds the hvt
 *   calls to the system calls spt allows, and the application is compiled
 *   with explicit bounds checks (WRT_BOUNDS_EXPLICIT).
 *
 * Each says which boot sources it takes, its linker script, its defines
 * and its image's file extension (dist/NAME.hvt, dist/NAME.spt).
 */
import { readdir } from "node:fs/promises";
import path from "node:path";
import { root } from "../root.ts";

export type TargetName = "hvt" | "spt";
export const targetNames: TargetName[] = ["hvt", "spt"];

export interface Target {
  name: TargetName;
  /** dist/NAME.EXT */
  ext: string;
  linkerScript: string;
  /** -D flags for the boot files and for the application's C. */
  bootDefines: string[];
  appDefines: string[];
  /** The boot/ sources this target links, absolute, sorted. */
  bootSources(): Promise<string[]>;
}

const bootDir = path.join(root, "boot");

async function sourcesIn(dir: string): Promise<string[]> {
  const names = await readdir(dir);
  return names.filter((n) => n.endsWith(".c") || n.endsWith(".S")).sort().map((n) => path.join(dir, n));
}

/** boot/ files that only make sense in a VM: entry, CPU tables, page
 * tables, CPU exceptions (and the #UD probes that rely on them), the TSC
 * clock and the hvt boot order. */
const vmOnly = new Set(["start.S", "boot.c", "cpu.c", "paging.c", "exception.c", "clock.c", "probe.c"]);

export const targets: Record<TargetName, Target> = {
  hvt: {
    name: "hvt",
    ext: "hvt",
    linkerScript: path.join(bootDir, "hvt.ld"),
    bootDefines: [],
    appDefines: [],
    bootSources: () => sourcesIn(bootDir),
  },
  spt: {
    name: "spt",
    ext: "spt",
    linkerScript: path.join(bootDir, "spt", "spt.ld"),
    bootDefines: ["-DMORGANA_TARGET_SPT"],
    appDefines: ["-DMORGANA_TARGET_SPT", "-DWRT_BOUNDS_EXPLICIT"],
    bootSources: async () => [
      ...(await sourcesIn(bootDir)).filter((f) => !vmOnly.has(path.basename(f))),
      ...(await sourcesIn(path.join(bootDir, "spt"))),
    ],
  },
};

/** The target called `name`, or an Error listing the known ones. */
export function targetByName(name: string): Target {
  if (!(targetNames as string[]).includes(name))
    throw new Error(`unknown target "${name}" (targets: ${targetNames.join(", ")})`);
  return targets[name as TargetName];
}
