/**
 * A Wasm trap located in the TypeScript source: V8's stack frames for Wasm
 * code carry the byte offset in the module (`wasm-function[12]:0x1a2b`),
 * and AssemblyScript's source map (asc --sourceMap) maps module offsets to
 * source lines (generated line 1, column = offset). The first frame in the
 * app's or libos's own sources names the place; frames in the standard
 * library (~lib/) are skipped, as the caller is where the mistake is.
 */
import { SourceMap } from "node:module";

export class TrapLocator {
  private readonly map: SourceMap | null;

  constructor(sourceMap: string | undefined) {
    this.map = sourceMap ? new SourceMap(JSON.parse(sourceMap)) : null;
  }

  /** "apps/x/main.ts:12:5" for the innermost frame of our own code in
   * `stack`; where the map has no line for it (top-level statements are
   * mapped sparsely), "the top level of apps/x/main" or "apps/x/main/f"
   * from the frame's function name; null when no frame is ours. */
  locate(stack: string | undefined): string | null {
    if (!stack) return null;
    for (const m of stack.matchAll(/at (\S+) \(wasm:\/\/[^)]*wasm-function\[\d+\]:0x([0-9a-f]+)\)/g)) {
      const name = m[1];
      if (name.startsWith("~lib/") || name === "~start") continue;
      const e = this.map?.findEntry(0, parseInt(m[2], 16)) as { originalSource?: string; originalLine?: number; originalColumn?: number } | undefined;
      if (e?.originalSource && !e.originalSource.startsWith("~lib/")) {
        return `${e.originalSource}:${e.originalLine! + 1}:${e.originalColumn! + 1}`;
      }
      return name.startsWith("start:") ? `the top level of ${name.slice(6)}.ts` : `function ${name}`;
    }
    return null;
  }
}
