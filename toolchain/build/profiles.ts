/**
 * Build profiles: how hard the optimisers work. `release` (the default) is
 * what the benchmarks measure and what ships; `dev` trades run-time speed
 * for seconds from an edit to an image: no binaryen at all (its first call
 * in a process costs ~1.5 s of warm-up, 2.3 s of CPU with its quick level
 * on the website, where the larger C it leaves costs gcc 0.3 s more), and
 * gcc -Og, which compiles the lowered C in about 70% of -O1's time.
 * Both split the lowered C into one file per core, compiled in parallel.
 */
import { availableParallelism } from "node:os";

export type ProfileName = "release" | "dev";

export interface Profile {
  name: ProfileName;
  /** binaryen: "full" follows the app's goal (speed or size); "quick" is
   * one light pass, enough to shrink what asc emits before lowering;
   * "none" lowers what asc emits. */
  optimise: "full" | "quick" | "none";
  /** The gcc optimisation flag for the application's C, by app goal. */
  cOptLevel: (goal: "speed" | "size") => string;
  /** C files the lowered module is split into. */
  units: number;
}

const cores = Math.max(1, Math.min(4, availableParallelism()));

export const profiles: Record<ProfileName, Profile> = {
  release: { name: "release", optimise: "full", cOptLevel: (goal) => (goal === "size" ? "-Os" : "-O2"), units: cores },
  dev: { name: "dev", optimise: "none", cOptLevel: () => "-Og", units: cores },
};

export const profileNames = Object.keys(profiles) as ProfileName[];
