/**
 * Stage 2, optimise: binaryen's optimisation pipeline over the compiled
 * module. Promises a module with the same behaviour (traps included:
 * binaryen is not told that traps never happen) and the name section kept,
 * so trap messages still name functions.
 */
import binaryen from "binaryen";
import { BuildError } from "../diagnostics.ts";

export interface OptimiseOptions {
  /** "speed" (default): inline generously, as asc -O3 does; "size": shrink
   * (app.json `"optimize": "size"`). */
  goal?: "speed" | "size";
  /** "quick": binaryen's first level and little
   * inlining, several times faster than "full" (the default). */
  effort?: "full" | "quick";
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
    const size = opts.goal === "size";
    if (opts.effort === "quick") {
      binaryen.setOptimizeLevel(1);
      binaryen.setShrinkLevel(0);
      binaryen.setAlwaysInlineMaxSize(2);
      binaryen.setFlexibleInlineMaxSize(20);
      binaryen.setOneCallerInlineMaxSize(-1);
      binaryen.setAllowInliningFunctionsWithLoops(false);
      return run(m);
    }
    binaryen.setOptimizeLevel(size ? 2 : 3);
    binaryen.setShrinkLevel(size ? 2 : 0);
    // AssemblyScript reaches typed arrays, strings and the allocator
    // through many tiny functions: inlining them is most of the speed.
    // These are the limits asc's own optimiser uses for -O3 and for -Oz.
    binaryen.setAlwaysInlineMaxSize(size ? 2 : 12);
    binaryen.setFlexibleInlineMaxSize(size ? 65 : 70);
    binaryen.setOneCallerInlineMaxSize(size ? 80 : 200);
    binaryen.setAllowInliningFunctionsWithLoops(!size);
    return run(m);
  } finally {
    m.dispose();
  }
}

/** binaryen's pipeline at the levels set, keeping what must survive. */
function run(m: binaryen.Module): Uint8Array {
  binaryen.setDebugInfo(true); // keep the name section
  binaryen.setTrapsNeverHappen(false);
  binaryen.setFastMath(false); // NaN bits and signed zeros are observable
  m.optimize();
  if (!m.validate()) throw new BuildError("E_WASM_INVALID", "binaryen produced an invalid module");
  return m.emitBinary();
}
