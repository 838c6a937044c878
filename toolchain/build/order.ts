/**
 * The order apps are built in. Compiling and optimising run on Node's one
 * thread, app after app, while each app's gcc runs beside it in child
 * processes; so the largest program goes first (its long gcc starts
 * earliest) and the smallest last (the build ends soon after the thread
 * is free). A program's size is guessed before compiling from the bytes
 * of the TypeScript its entry reaches through relative imports: the
 * website (HTTP, TLS, IPv6) before dns, echo, hello.
 */
import { existsSync, readFileSync, statSync } from "node:fs";
import path from "node:path";

const IMPORT = /(?:import|export)\s[^;]*?from\s+["'](\.{1,2}\/[^"']+)["']|import\s+["'](\.{1,2}\/[^"']+)["']/g;

/** The file a relative import names: NAME.ts, NAME/index.ts, or NAME. */
function resolve(from: string, spec: string): string | undefined {
  const base = path.resolve(path.dirname(from), spec);
  for (const f of [`${base}.ts`, path.join(base, "index.ts"), base]) {
    if (existsSync(f) && statSync(f).isFile()) return f;
  }
  return undefined;
}

/** Bytes of TypeScript reachable from `entry` through relative imports. */
export function sourceWeight(entry: string): number {
  const seen = new Set<string>();
  const todo = [entry];
  let bytes = 0;
  while (todo.length) {
    const file = todo.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    const text = readFileSync(file, "utf8");
    bytes += text.length;
    for (const m of text.matchAll(IMPORT)) {
      const next = resolve(file, m[1] ?? m[2]);
      if (next && !seen.has(next)) todo.push(next);
    }
  }
  return bytes;
}

/** `items` heaviest first by the weight of `entryOf(item)`. */
export function heaviestFirst<T>(items: T[], entryOf: (item: T) => string): T[] {
  const weight = new Map(items.map((i) => [i, sourceWeight(entryOf(i))]));
  return [...items].sort((a, b) => weight.get(b)! - weight.get(a)!);
}
