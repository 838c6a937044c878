/**
 * Stage 2, optimise: binaryen's optimisation pipeline over the compiled
 * module. Promises a module with the same behaviour (traps included:
 * binaryen is not told that traps never happen) and the name section kept,
 * so trap messages still name functions.
 */
import binaryen from "binaryen";
import { BuildError } from "../diagnostics.ts";

export interface OptimiseOptions {
  /** binaryen -O level, 0-4 (default 3). */
  level?: number;
  /** binaryen shrink level, 0-2 (default 1: size matters for images). */
  shrink?: number;
}

export function optimise(wasm: Uint8Array, opts: OptimiseOptions = {}): Uint8Array {
  let m: binaryen.Module;
  try {
    m = binaryen.readBinary(wasm);
  } catch (e) {
    throw new BuildError("E_WASM_INVALID", `binaryen could not read the compiled module: ${String((e as Error).message ?? e)}`);
  }
  try {
    // What the lowering supports (WebAssembly 2.0 without SIMD): the
    // optimiser may use any of it, nothing beyond.
    const F = binaryen.Features;
    m.setFeatures(
      F.MutableGlobals | F.NontrappingFPToInt | F.BulkMemory | F.BulkMemoryOpt | F.SignExt | F.ReferenceTypes | F.Multivalue,
    );
    binaryen.setOptimizeLevel(opts.level ?? 3);
    binaryen.setShrinkLevel(opts.shrink ?? 1);
    binaryen.setDebugInfo(true); // keep the name section
    binaryen.setTrapsNeverHappen(false);
    m.optimize();
    if (!m.validate()) throw new BuildError("E_WASM_INVALID", "binaryen produced an invalid module");
    return m.emitBinary();
  } finally {
    m.dispose();
  }
}
