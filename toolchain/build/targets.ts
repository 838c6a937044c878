/**
 * Targets as the build sees them: each names its image extension, its link
 * stage and, when Morgana provides one, the host program that boots its
 * images. The bindings themselves (boot sources, linker script, defines)
 * are toolchain/targets; adding a target is an entry there, and here only
 * if Morgana ships a host for it.
 */
import { link, type LinkOptions, type LinkResult } from "../link/index.ts";
import { buildTender } from "../tender/build.ts";
import { targets as bindings, targetNames as names, type TargetName } from "../targets/index.ts";

export interface Target {
  name: TargetName;
  /** Images are written as dist/NAME.EXTENSION. */
  extension: string;
  link: (opts: LinkOptions) => Promise<LinkResult>;
  /** Builds the tender for this target, if Morgana has one; its path. */
  buildHost?: () => Promise<string>;
}

/** Morgana's own tender is an hvt tender; spt images run on Solo5's solo5-spt. */
const hosts: Partial<Record<TargetName, () => Promise<string>>> = { hvt: () => buildTender() };

export const targets: Record<string, Target> = Object.fromEntries(names.map((n) => [n, {
  name: n,
  extension: bindings[n].ext,
  link: (opts: LinkOptions) => link({ ...opts, target: n }),
  buildHost: hosts[n],
}]));

export const targetNames: string[] = names;
