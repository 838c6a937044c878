/**
 * Stage 3, lower: a WebAssembly module to C. See README.md in this folder
 * for the promise and the embedding interface.
 */
import { BuildError } from "../diagnostics.ts";
import { emitModule, type LowerOutput } from "./c/module.ts";
import { isCIdentifier } from "./c/names.ts";
import { InvalidError, parseModule, UnsupportedError } from "./wasm/module.ts";
import { MalformedError } from "./wasm/reader.ts";

export interface LowerOptions {
  /** Starts every exported C symbol; a C identifier. */
  prefix: string;
  /** The file name the .c includes for its own header. */
  headerName: string;
  /** For messages: where the module came from. */
  source?: string;
  /** Split the functions over this many C files (default 1); see
   * c/module.ts. */
  units?: number;
}

export type { LowerOutput };

/** Why a module was refused, in the words of the spec test suite. */
export class RefusedModule extends BuildError {}

export function lower(wasm: Uint8Array, opts: LowerOptions): LowerOutput {
  const where = opts.source ?? "module";
  if (!isCIdentifier(opts.prefix)) {
    throw new BuildError("E_USAGE", `the prefix "${opts.prefix}" is not a C identifier`);
  }
  try {
    const m = parseModule(wasm);
    return emitModule(m, wasm, opts.prefix, opts.headerName, opts.units ?? 1);
  } catch (e) {
    if (e instanceof MalformedError) {
      throw new RefusedModule("E_WASM_INVALID", `${where}: malformed module at byte ${e.offset}: ${e.message}`);
    }
    if (e instanceof InvalidError) {
      throw new RefusedModule("E_WASM_INVALID", `${where}: invalid module: ${e.message}`);
    }
    if (e instanceof UnsupportedError) {
      throw new RefusedModule("E_WASM_UNSUPPORTED", `${where}: uses ${e.feature}, which the lowering does not support`);
    }
    // No input may end in a JavaScript stack trace: if some shape of code
    // still exhausts the lowering's stack, say so as a diagnostic.
    if (e instanceof RangeError && /call stack/i.test(e.message)) {
      throw new BuildError("E_LOWER_LIMIT", `${where}: the lowering ran out of stack (${e.message}): a function is too large or too deeply nested for it`);
    }
    throw e;
  }
}
