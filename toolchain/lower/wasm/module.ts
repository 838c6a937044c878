/**
 * The structure of a WebAssembly module, read from its binary form (spec
 * §5.5): types, imports, tables, memories, globals, exports, start, element
 * and data segments, and the name section's function names. Function
 * bodies are left to binaryen; their byte ranges are kept for the body
 * checks in validate.ts.
 *
 * Binaryen's JS API cannot show element segments holding anything but
 * ref.func, nor data segment offsets that are not constants; that is why
 * this reader exists. It checks what the binary format and the module-level
 * validation rules (§3.4) require, raising MalformedError (decoding) or
 * InvalidError (validation) with the spec suite's wording.
 */
import { MalformedError, Reader } from "./reader.ts";

export type NumType = "i32" | "i64" | "f32" | "f64";
export type RefType = "funcref" | "externref";
export type ValType = NumType | RefType;

export class InvalidError extends Error {}

export interface FuncType {
  params: ValType[];
  results: ValType[];
}
export interface Limits {
  min: number;
  max?: number;
}
export interface TableType {
  elem: RefType;
  limits: Limits;
}
export interface GlobalType {
  type: ValType;
  mutable: boolean;
}

export type ConstExpr =
  | { op: "i32.const"; value: number }
  | { op: "i64.const"; value: bigint }
  | { op: "f32.const"; bits: number }
  | { op: "f64.const"; bits: bigint }
  | { op: "ref.null"; type: RefType }
  | { op: "ref.func"; func: number }
  | { op: "global.get"; global: number };

export type ExternKind = "func" | "table" | "memory" | "global";

export interface Import {
  module: string;
  field: string;
  kind: ExternKind;
  /** Index in its own index space (function, table, memory or global). */
  index: number;
}

export interface Export {
  name: string;
  kind: ExternKind;
  index: number;
}

export interface ElemSegment {
  mode: "active" | "passive" | "declarative";
  table: number;
  offset?: ConstExpr;
  type: RefType;
  items: ConstExpr[];
}

export interface DataSegment {
  mode: "active" | "passive";
  memory: number;
  offset?: ConstExpr;
  bytes: Uint8Array;
}

export interface WasmModule {
  types: FuncType[];
  imports: Import[];
  /** Type index of every function, imported ones first. */
  funcs: number[];
  importedFuncs: number;
  tables: TableType[];
  importedTables: number;
  memories: Limits[];
  importedMemories: number;
  globals: { type: GlobalType; init?: ConstExpr }[];
  importedGlobals: number;
  exports: Export[];
  start?: number;
  elems: ElemSegment[];
  datas: DataSegment[];
  dataCount?: number;
  /** Byte ranges of the function bodies, in order. */
  bodies: { start: number; end: number }[];
  /** Function names from the name section. */
  funcNames: Map<number, string>;
  /** Functions that ref.func may name in bodies (§3.4.10 C.refs). */
  declaredRefs: Set<number>;
}

const SECTION = { custom: 0, type: 1, import: 2, function: 3, table: 4, memory: 5, global: 6, export: 7, start: 8, element: 9, code: 10, data: 11, datacount: 12 };
/** Where each non-custom section may appear: data count sits between
 * element and code (§5.5.2). */
const ORDER = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 12, 10, 11];

function valType(r: Reader): ValType {
  const b = r.u8();
  switch (b) {
    case 0x7f: return "i32";
    case 0x7e: return "i64";
    case 0x7d: return "f32";
    case 0x7c: return "f64";
    case 0x70: return "funcref";
    case 0x6f: return "externref";
    case 0x7b: throw new UnsupportedError("SIMD (v128)");
  }
  r.pos--;
  return r.fail("malformed value type");
}

function refType(r: Reader): RefType {
  const b = r.u8();
  if (b === 0x70) return "funcref";
  if (b === 0x6f) return "externref";
  r.pos--;
  return r.fail("malformed reference type");
}

export class UnsupportedError extends Error {
  constructor(readonly feature: string) {
    super(`unsupported feature: ${feature}`);
  }
}

function limits(r: Reader, maxAllowed: number, what: string): Limits {
  const flag = r.u8();
  if (flag === 0x00) return checkLimits({ min: r.u32() }, maxAllowed, what);
  if (flag === 0x01) return checkLimits({ min: r.u32(), max: r.u32() }, maxAllowed, what);
  if (flag === 0x02 || flag === 0x03) throw new UnsupportedError("threads (shared memory)");
  if (flag >= 0x04 && flag <= 0x07) throw new UnsupportedError("memory64");
  r.pos--;
  return r.fail("integer too large");
}

function checkLimits(l: Limits, maxAllowed: number, what: string): Limits {
  if (l.min > maxAllowed || (l.max !== undefined && l.max > maxAllowed)) {
    throw new InvalidError(
      what === "memory" ? "memory size must be at most 65536 pages (4GiB)" : "table size must be at most 2^32-1",
    );
  }
  if (l.max !== undefined && l.min > l.max) throw new InvalidError("size minimum must not be greater than maximum");
  return l;
}

function globalType(r: Reader): GlobalType {
  const type = valType(r);
  const m = r.u8();
  if (m > 1) {
    r.pos--;
    r.fail("malformed mutability");
  }
  return { type, mutable: m === 1 };
}

/** A constant expression (§3.3.10, §5.4.9), ended by `end`. */
function constExpr(r: Reader): ConstExpr {
  const op = r.u8();
  let e: ConstExpr;
  switch (op) {
    case 0x41: e = { op: "i32.const", value: r.i32() }; break;
    case 0x42: e = { op: "i64.const", value: r.i64() }; break;
    case 0x43: e = { op: "f32.const", bits: r.u32le() }; break;
    case 0x44: e = { op: "f64.const", bits: r.u64le() }; break;
    case 0xd0: e = { op: "ref.null", type: refType(r) }; break;
    case 0xd2: e = { op: "ref.func", func: r.u32() }; break;
    case 0x23: e = { op: "global.get", global: r.u32() }; break;
    case 0x0b: throw new InvalidError("type mismatch"); // empty expression
    default:
      throw new InvalidError("constant expression required");
  }
  const end = r.u8();
  if (end !== 0x0b) {
    // A second instruction: either more values (type mismatch) or a
    // non-constant one.
    if ([0x41, 0x42, 0x43, 0x44, 0xd0, 0xd2, 0x23].includes(end)) throw new InvalidError("type mismatch");
    throw new InvalidError("constant expression required");
  }
  return e;
}

export function parseModule(bytes: Uint8Array): WasmModule {
  const r = new Reader(bytes);
  if (bytes.length < 4 || r.u32le() !== 0x6d736100) throw new MalformedError("magic header not detected", 0);
  if (bytes.length < 8) throw new MalformedError("unexpected end", 4);
  if (r.u32le() !== 1) throw new MalformedError("unknown binary version", 4);

  const m: WasmModule = {
    types: [], imports: [], funcs: [], importedFuncs: 0, tables: [], importedTables: 0,
    memories: [], importedMemories: 0, globals: [], importedGlobals: 0, exports: [],
    elems: [], datas: [], bodies: [], funcNames: new Map(), declaredRefs: new Set(),
  };
  let definedFuncs = -1; // count from the function section
  let lastOrder = 0;

  while (!r.done) {
    const id = r.u8();
    if (id > 12) {
      r.pos--;
      r.fail("malformed section id");
    }
    const size = r.u32();
    if (size > r.end - r.pos) r.fail("length out of bounds");
    const s = new Reader(bytes, r.pos, r.pos + size);
    r.pos += size;
    if (id !== SECTION.custom) {
      const order = ORDER.indexOf(id);
      if (order <= lastOrder) throw new MalformedError("unexpected content after last section", s.pos);
      lastOrder = order;
    }
    switch (id) {
      case SECTION.custom: {
        const name = s.name();
        if (name === "name") {
          try {
            readNames(new Reader(bytes, s.pos, s.end), m.funcNames);
          } catch {
            // The name section is advisory (§7.4.1): a broken one is ignored.
          }
        }
        s.pos = s.end;
        break;
      }
      case SECTION.type:
        for (let n = s.u32(); n > 0; n--) {
          const form = s.u8();
          if (form !== 0x60) {
            s.pos--;
            s.fail("integer representation too long");
          }
          const params: ValType[] = [];
          for (let k = s.u32(); k > 0; k--) params.push(valType(s));
          const results: ValType[] = [];
          for (let k = s.u32(); k > 0; k--) results.push(valType(s));
          m.types.push({ params, results });
        }
        break;
      case SECTION.import:
        for (let n = s.u32(); n > 0; n--) {
          const module = s.name();
          const field = s.name();
          const kind = s.u8();
          switch (kind) {
            case 0x00: {
              const t = s.u32();
              if (t >= m.types.length) throw new InvalidError("unknown type");
              m.imports.push({ module, field, kind: "func", index: m.funcs.length });
              m.funcs.push(t);
              m.importedFuncs++;
              break;
            }
            case 0x01: {
              const elem = refType(s);
              m.imports.push({ module, field, kind: "table", index: m.tables.length });
              m.tables.push({ elem, limits: limits(s, 0xffffffff, "table") });
              m.importedTables++;
              break;
            }
            case 0x02:
              m.imports.push({ module, field, kind: "memory", index: m.memories.length });
              m.memories.push(limits(s, 65536, "memory"));
              m.importedMemories++;
              break;
            case 0x03:
              m.imports.push({ module, field, kind: "global", index: m.globals.length });
              m.globals.push({ type: globalType(s) });
              m.importedGlobals++;
              break;
            case 0x04:
              throw new UnsupportedError("exception handling (tags)");
            default:
              s.pos--;
              s.fail("malformed import kind");
          }
        }
        break;
      case SECTION.function: {
        const n = s.u32();
        definedFuncs = n;
        for (let k = 0; k < n; k++) {
          const t = s.u32();
          if (t >= m.types.length) throw new InvalidError("unknown type");
          m.funcs.push(t);
        }
        break;
      }
      case SECTION.table:
        for (let n = s.u32(); n > 0; n--) {
          const elem = refType(s);
          m.tables.push({ elem, limits: limits(s, 0xffffffff, "table") });
        }
        break;
      case SECTION.memory:
        for (let n = s.u32(); n > 0; n--) m.memories.push(limits(s, 65536, "memory"));
        break;
      case SECTION.global:
        for (let n = s.u32(); n > 0; n--) {
          const type = globalType(s);
          m.globals.push({ type, init: constExpr(s) });
        }
        break;
      case SECTION.export:
        for (let n = s.u32(); n > 0; n--) {
          const name = s.name();
          const kind = s.u8();
          const index = s.u32();
          const k = (["func", "table", "memory", "global"] as const)[kind];
          if (k === undefined) {
            s.fail("malformed export kind");
          }
          m.exports.push({ name, kind: k, index });
        }
        break;
      case SECTION.start:
        m.start = s.u32();
        break;
      case SECTION.element:
        for (let n = s.u32(); n > 0; n--) m.elems.push(elemSegment(s));
        break;
      case SECTION.datacount:
        m.dataCount = s.u32();
        break;
      case SECTION.code: {
        const n = s.u32();
        if (n !== Math.max(definedFuncs, 0)) {
          throw new MalformedError("function and code section have inconsistent lengths", s.pos);
        }
        for (let k = 0; k < n; k++) {
          const len = s.u32();
          if (len > s.end - s.pos) s.fail("unexpected end");
          m.bodies.push({ start: s.pos, end: s.pos + len });
          s.pos += len;
        }
        break;
      }
      case SECTION.data:
        {
          const n = s.u32();
          if (m.dataCount !== undefined && n !== m.dataCount) {
            throw new MalformedError("data count and data section have inconsistent lengths", s.pos);
          }
          for (let k = 0; k < n; k++) m.datas.push(dataSegment(s));
        }
        break;
    }
    if (s.pos !== s.end) throw new MalformedError("section size mismatch", s.pos);
  }
  if (definedFuncs > 0 && m.bodies.length === 0) {
    throw new MalformedError("function and code section have inconsistent lengths", r.pos);
  }
  if (m.dataCount !== undefined && m.datas.length === 0 && m.dataCount !== 0) {
    throw new MalformedError("data count and data section have inconsistent lengths", r.pos);
  }
  validateModule(m);
  return m;
}

function elemSegment(s: Reader): ElemSegment {
  const flags = s.u32();
  if (flags > 7) s.fail("malformed elements segment kind");
  const passiveOrDeclarative = (flags & 1) !== 0;
  const explicitTable = (flags & 2) !== 0;
  const usesExprs = (flags & 4) !== 0;
  const mode = !passiveOrDeclarative ? "active" : explicitTable ? "declarative" : "passive";
  let table = 0;
  let offset: ConstExpr | undefined;
  if (mode === "active") {
    if (explicitTable) table = s.u32();
    offset = constExpr(s);
  }
  let type: RefType = "funcref";
  if (passiveOrDeclarative || explicitTable) {
    if (usesExprs) type = refType(s);
    else if (s.u8() !== 0x00) {
      s.pos--;
      s.fail("malformed element kind");
    }
  }
  const items: ConstExpr[] = [];
  for (let n = s.u32(); n > 0; n--) {
    items.push(usesExprs ? constExpr(s) : { op: "ref.func", func: s.u32() });
  }
  return { mode, table, offset, type, items };
}

function dataSegment(s: Reader): DataSegment {
  const flags = s.u32();
  if (flags > 2) s.fail("malformed data segment kind");
  if (flags === 1) return { mode: "passive", memory: 0, bytes: s.take(s.u32()) };
  const memory = flags === 2 ? s.u32() : 0;
  const offset = constExpr(s);
  return { mode: "active", memory, offset, bytes: s.take(s.u32()) };
}

/** Function names, subsection 1 of the name section (§7.4.2). */
function readNames(r: Reader, out: Map<number, string>): void {
  while (!r.done) {
    const id = r.u8();
    const size = r.u32();
    const end = r.pos + size;
    if (id === 1) {
      for (let n = r.u32(); n > 0; n--) {
        const idx = r.u32();
        out.set(idx, r.name());
      }
    }
    r.pos = end;
  }
}

/** Module-level validation rules (§3.4) that binaryen does not check the
 * way the spec does. Function bodies are validated elsewhere. */
function validateModule(m: WasmModule): void {
  const funcType = (f: number) => {
    if (f >= m.funcs.length) throw new InvalidError("unknown function");
    return m.types[m.funcs[f]];
  };
  if (m.memories.length > 1) throw new InvalidError("multiple memories");

  const constType = (e: ConstExpr, globalsVisible: number): ValType => {
    switch (e.op) {
      case "i32.const": return "i32";
      case "i64.const": return "i64";
      case "f32.const": return "f32";
      case "f64.const": return "f64";
      case "ref.null": return e.type;
      case "ref.func":
        funcType(e.func);
        m.declaredRefs.add(e.func);
        return "funcref";
      case "global.get": {
        if (e.global >= globalsVisible) throw new InvalidError("unknown global");
        const g = m.globals[e.global];
        if (g.type.mutable) throw new InvalidError("constant expression required");
        return g.type.type;
      }
    }
  };
  // Only imported globals are visible in constant expressions (2.0).
  for (let i = m.importedGlobals; i < m.globals.length; i++) {
    const g = m.globals[i];
    if (constType(g.init!, m.importedGlobals) !== g.type.type) throw new InvalidError("type mismatch");
  }
  for (const e of m.elems) {
    if (e.mode === "active") {
      if (e.table >= m.tables.length) throw new InvalidError("unknown table");
      if (constType(e.offset!, m.importedGlobals) !== "i32") throw new InvalidError("type mismatch");
      if (m.tables[e.table].elem !== e.type) throw new InvalidError("type mismatch");
    }
    for (const item of e.items) {
      if (constType(item, m.importedGlobals) !== e.type) throw new InvalidError("type mismatch");
    }
  }
  for (const d of m.datas) {
    if (d.mode === "active") {
      if (d.memory >= m.memories.length) throw new InvalidError("unknown memory 0");
      if (constType(d.offset!, m.importedGlobals) !== "i32") throw new InvalidError("type mismatch");
    }
  }
  const names = new Set<string>();
  for (const e of m.exports) {
    if (names.has(e.name)) throw new InvalidError("duplicate export name");
    names.add(e.name);
    const space = { func: m.funcs.length, table: m.tables.length, memory: m.memories.length, global: m.globals.length }[e.kind];
    if (e.index >= space) throw new InvalidError(`unknown ${e.kind}`);
    if (e.kind === "func") m.declaredRefs.add(e.index);
  }
  if (m.start !== undefined) {
    const t = funcType(m.start);
    if (t.params.length || t.results.length) throw new InvalidError("start function");
  }
}
