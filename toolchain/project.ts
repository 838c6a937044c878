/**
 * The project a command works on: the nearest folder at or above the
 * current directory that holds a package.json (npm runs scripts there).
 * In this repository that is the repository; in a project that depends on
 * morgana it is that project, whose apps/ are built into its own dist/.
 */
import { existsSync } from "node:fs";
import path from "node:path";

export function projectRoot(from: string = process.cwd()): string {
  for (let dir = path.resolve(from); ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, "package.json"))) return dir;
    if (path.dirname(dir) === dir) return path.resolve(from);
  }
}

/** `node_modules/NAME` as Node would find it from `dir`, or undefined. */
export function findPackage(dir: string, name: string): string | undefined {
  for (let d = path.resolve(dir); ; d = path.dirname(d)) {
    const p = path.join(d, "node_modules", name);
    if (existsSync(path.join(p, "package.json"))) return p;
    if (path.dirname(d) === d) return undefined;
  }
}
