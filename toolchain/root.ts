/**
 * The repository root: the nearest folder above this code whose
 * package.json names "morgana". Found by walking up rather than by a fixed
 * "../.." so the answer is the same from the sources and from the bundled
 * CLI in build/.
 */
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

function findRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const pkg = path.join(dir, "package.json");
    if (existsSync(pkg)) {
      try {
        if (JSON.parse(readFileSync(pkg, "utf8")).name === "morgana") return dir;
      } catch {
        // not ours; keep walking
      }
    }
    const up = path.dirname(dir);
    if (up === dir) throw new Error("cannot find the Morgana repository root above " + fileURLToPath(import.meta.url));
    dir = up;
  }
}

export const root = findRoot();
