/**
 * One function body: decoded, validated and lowered to C in a single pass.
 *
 * Validation follows the algorithm of the spec's appendix (§A.3): an operand
 * stack of types and a stack of control frames, with the stack-polymorphic
 * state after an unconditional branch. Lowering rides on the same stacks:
 * every operand stack entry also carries the C expression holding its value.
 * A value is kept as an expression only when nothing can change it before it
 * is used (a constant, or a local until that local is written); everything
 * else is computed by a statement, in instruction order, into a C variable
 * named by its stack depth and type (`si3` is the i32 at depth 3). Branches
 * move values into the target label's slots and `goto` its label, so
 * control flow needs no stack of its own at run time.
 *
 * Loads and guard pages. With guard pages a load traps only if it runs, and
 * gcc deletes a load whose value is dead, or narrows one whose value is
 * partly used (an i64.load under i32.wrap becomes a 4-byte read that never
 * touches the guard page). So every loaded value is "pending" until
 * something keeps it: an empty asm taking the value in a register
 * (WRT_KEEP_*, see runtime/wasm-rt.h). Keeping the load itself would cost
 * the folding of the load into the instruction that uses it, so a pending
 * value may first flow through operations whose result depends on every bit
 * of it and that gcc cannot simplify away (see `strict` in numeric.ts); the
 * result is then pending instead, and is kept where it is consumed in any
 * other way (stored, branched on, passed, dropped, written to a local),
 * when it is usually in a register anyway. Nothing pending crosses a side
 * effect, a possible trap other than a load's, or a label: every pending
 * value is kept first (`barrier`), so the loads run in Wasm order relative
 * to those.
 */
import { InvalidError, type FuncType, type ValType, type WasmModule } from "../wasm/module.ts";
import { MalformedError, Reader } from "../wasm/reader.ts";
import { UnsupportedError } from "../wasm/module.ts";
import {
  cType, f32Literal, f64Literal, i32Literal, i64Literal, returnType, typeLetter,
} from "./names.ts";
import { memoryOp, numericOp, saturatingOp, type NumericOp } from "./numeric.ts";
import { append } from "./lines.ts";

/** How module-level things are spelled in C; provided by the module emitter. */
export interface ModuleNames {
  module: WasmModule;
  /** The function to call for function index i. */
  callee(i: number): string;
  /** A C lvalue for global i. */
  global(i: number): string;
  /** Pointer expression to table i (a wrt_table *). */
  table(i: number): string;
  /** The wrt_memory * of memory 0 and the expression of its base. */
  memory: string;
  memoryBase: string;
  /** The C name of the type string for a signature; records its use. */
  typeString(t: FuncType): string;
  /** Address of function i's descriptor; records its use. */
  funcRef(i: number): string;
  /** The trap-message name variable of function i. */
  funcNameVar(i: number): string;
  /** Element and data segment storage. */
  elem(i: number): string;
  data(i: number): string;
  /** Records that a multi-value struct is needed. */
  tuple(results: ValType[]): void;
  /** What a function definition starts with: "static " when the module is
   * one C file, "" when it is split into several (they call each other). */
  funcStorage: string;
}

type Type = ValType | "unknown";

interface Entry {
  type: Type;
  expr: string;
  /** The local this expression reads, if it is a bare local. */
  local?: number;
  /** The value depends on a load that nothing has kept yet (see the top). */
  pending?: boolean;
  /** An i32 constant's value. */
  value?: number;
  /** For i32: a known inclusive upper bound of the value (see `bound`). */
  max?: number;
  /** For i32: a u64 variable holding the same value, computed without
   * wrapping (see `numeric`). An address in it folds into the access. */
  wide?: string;
}

interface Frame {
  kind: "block" | "loop" | "if" | "func";
  params: ValType[];
  results: ValType[];
  height: number;
  unreachable: boolean;
  /** Nothing inside is emitted: the frame began in unreachable code. */
  dead: boolean;
  label: string;
  labelUsed: boolean;
  /** For an `if`: its else arm has begun. */
  sawElse: boolean;
  indent: number;
}

const MAX_LOCALS = 50000;

/** The effective address of an access, in 64 bits. From a wide entry it is
 * below 2^33, inside the guard reservation like any u32 plus offset. */
function address(addr: Entry, offset: number): string {
  const base = addr.wide ?? `(u64)${addr.expr}`;
  return offset ? `${base} + ${offset}ull` : base;
}

const U32_MAX = 0xffffffff;

/** Whether an i32 shift or mask is, on the values its operand can have,
 * a bijection: a left shift that cannot overflow, a mask that keeps every
 * bit the operand can have. Then it is strict like an add. */
function losesNothing(op: string, args: Entry[]): boolean {
  const [a, b] = args;
  if (b?.value === undefined || a.max === undefined) return false;
  if (op === "i32.shl") return a.max * 2 ** (b.value & 31) <= U32_MAX;
  if (op === "i32.and") {
    const bits = 2 ** Math.ceil(Math.log2(a.max + 1)) - 1;
    return ((b.value & bits) >>> 0) === bits;
  }
  return false;
}

/** The i32 operations done in 64 bits when their result is bounded and one
 * operand is a constant (the shift count, for shl). */
const WIDE: Record<string, string> = { "i32.add": "+", "i32.mul": "*", "i32.shl": "<<" };

/** An upper bound of an i32 result from bounds of its operands, or
 * undefined when it may be anything. Only what table lookups need:
 * masks, shifts, small sums and products, remainders, comparisons. */
function bound(op: string, args: Entry[]): number | undefined {
  const mx = (e: Entry) => e.value ?? e.max ?? U32_MAX;
  const [a, b] = args;
  let r: number | undefined;
  switch (op) {
    case "i32.and": r = Math.min(mx(a), mx(b)); break;
    case "i32.shr_u": r = b.value !== undefined ? Math.floor(mx(a) / 2 ** (b.value & 31)) : mx(a); break;
    case "i32.shl": r = b.value !== undefined ? mx(a) * 2 ** (b.value & 31) : undefined; break;
    case "i32.add": r = mx(a) + mx(b); break;
    case "i32.mul": r = mx(a) * mx(b); break;
    case "i32.rem_u": r = b.value ? Math.min(mx(a), b.value - 1) : mx(a); break;
    case "i32.div_u": r = b.value ? Math.floor(mx(a) / b.value) : mx(a); break;
    case "i32.or": case "i32.xor": r = 2 ** Math.ceil(Math.log2(Math.max(mx(a), mx(b)) + 1)) - 1; break;
    case "i32.clz": case "i32.ctz": case "i32.popcnt": r = 32; break;
    default: if (/\.(eqz?|ne|[lg][te](_[su])?)$/.test(op)) r = 1;
  }
  return r !== undefined && r < U32_MAX ? r : undefined;
}

/** Opcodes that neither have a side effect nor trap nor touch a label, so
 * pending values may live across them (loads and non-trapping numeric
 * instructions are decided in `instruction`). */
const PURE = new Set([
  0x01, // nop
  0x1a, 0x1b, 0x1c, // drop, select, select t
  0x20, 0x21, 0x22, 0x23, // local.get/set/tee, global.get
  0x3f, // memory.size
  0x41, 0x42, 0x43, 0x44, // constants
  0xd0, 0xd1, 0xd2, // ref.null, ref.is_null, ref.func
]);

export interface LoweredFunction {
  code: string;
  /** True if the body calls, so it needs a stack check. */
  calls: boolean;
}

export function lowerFunction(names: ModuleNames, index: number, body: { start: number; end: number }, bytes: Uint8Array): string {
  return new FunctionLowering(names, index, new Reader(bytes, body.start, body.end)).run();
}

class FunctionLowering {
  private readonly m: WasmModule;
  private readonly type: FuncType;
  private readonly locals: ValType[];
  private readonly opds: Entry[] = [];
  private readonly ctrls: Frame[] = [];
  private readonly lines: string[] = [];
  private readonly slots = new Map<string, string>(); // name -> C type
  private readonly tuples = new Map<string, string>(); // name -> C type
  private labelCount = 0;
  private usesMemory = false;
  private calls = false;
  private readonly fn: string;

  constructor(
    private readonly names: ModuleNames,
    private readonly index: number,
    private readonly r: Reader,
  ) {
    this.m = names.module;
    this.type = this.m.types[this.m.funcs[index]];
    this.locals = [...this.type.params];
    this.fn = names.funcNameVar(index);
  }

  run(): string {
    this.readLocals();
    this.ctrls.push({
      kind: "func", params: [], results: this.type.results, height: 0, unreachable: false,
      dead: false, label: "", labelUsed: false, sawElse: false, indent: 1,
    });
    if (this.type.results.length > 1) this.names.tuple(this.type.results);
    this.body();
    return this.assemble();
  }

  // ---- decoding helpers --------------------------------------------------

  private readLocals(): void {
    let total = this.locals.length;
    for (let n = this.r.u32(); n > 0; n--) {
      const count = this.r.u32();
      total += count;
      if (total > 0xffffffff) this.r.fail("too many locals");
      if (total > MAX_LOCALS) throw new UnsupportedError(`more than ${MAX_LOCALS} locals in one function`);
      const t = this.valType();
      for (let k = 0; k < count; k++) this.locals.push(t);
    }
  }

  private valType(): ValType {
    const b = this.r.u8();
    const t = ({ 0x7f: "i32", 0x7e: "i64", 0x7d: "f32", 0x7c: "f64", 0x70: "funcref", 0x6f: "externref" } as Record<number, ValType>)[b];
    if (t) return t;
    if (b === 0x7b) throw new UnsupportedError("SIMD (v128)");
    this.r.pos--;
    return this.r.fail("malformed value type");
  }

  private refType(): ValType {
    const b = this.r.u8();
    if (b === 0x70) return "funcref";
    if (b === 0x6f) return "externref";
    this.r.pos--;
    return this.r.fail("malformed reference type");
  }

  private blockType(): FuncType {
    const b = this.r.bytes[this.r.pos];
    if (b === 0x40) {
      this.r.pos++;
      return { params: [], results: [] };
    }
    if (b !== undefined && (b & 0xc0) === 0x40) return { params: [], results: [this.valType()] };
    const idx = this.r.s33();
    if (idx < 0n || idx >= BigInt(this.m.types.length)) throw new InvalidError("unknown type");
    return this.m.types[Number(idx)];
  }

  private zeroByte(): void {
    if (this.r.u8() !== 0) {
      this.r.pos--;
      this.r.fail("zero byte expected");
    }
  }

  // ---- emission helpers --------------------------------------------------

  private get frame(): Frame {
    return this.ctrls[this.ctrls.length - 1];
  }

  private get live(): boolean {
    return !this.frame.unreachable && !this.frame.dead;
  }

  private emit(line: string): void {
    if (this.live) this.lines.push("  ".repeat(this.frame.indent) + line);
  }

  private slot(depth: number, t: ValType): string {
    const name = `s${typeLetter(t)}${depth}`;
    this.slots.set(name, cType(t));
    return name;
  }

  private tupleVar(results: ValType[]): string {
    this.names.tuple(results);
    const name = `t${results.map(typeLetter).join("")}`;
    this.tuples.set(name, returnType(results));
    return name;
  }

  // ---- the validation algorithm (§A.3), with C values ---------------------

  private push(type: Type, expr: string, local?: number): void {
    this.opds.push({ type, expr, local });
  }

  /** Push the result of a computation: a statement assigns it to its slot. */
  private pushComputed(type: ValType, expr: string, pending = false, max?: number): void {
    const name = this.slot(this.opds.length, type);
    this.emit(`${name} = ${expr};`);
    this.opds.push({ type, expr: name, pending: pending && this.live, max });
  }

  /** Keep a pending value: the loads it depends on must run in full. */
  private keep(e: Entry): void {
    if (!e.pending) return;
    e.pending = false;
    const float = e.type === "f32" || e.type === "f64";
    this.emit(`${float ? "WRT_KEEP_FLOAT" : "WRT_KEEP_INT"}(${e.expr});`);
  }

  /** Before a side effect, a trap or a label: keep everything pending. */
  private barrier(): void {
    for (const e of this.opds) this.keep(e);
  }

  /** Pop one value; it is consumed, so it is kept unless `defer`. */
  private popAny(defer = false): Entry {
    const f = this.frame;
    if (this.opds.length === f.height) {
      if (f.unreachable) return { type: "unknown", expr: "" };
      throw new InvalidError("type mismatch");
    }
    const e = this.opds.pop()!;
    if (!defer) this.keep(e);
    return e;
  }

  private pop(expect: Type, defer = false): Entry {
    const e = this.popAny(defer);
    if (e.type !== expect && e.type !== "unknown" && expect !== "unknown") throw new InvalidError("type mismatch");
    return e;
  }

  private popN(types: ValType[], defer = false): Entry[] {
    const out: Entry[] = [];
    for (let i = types.length - 1; i >= 0; i--) out[i] = this.pop(types[i], defer);
    return out;
  }

  /** A numeric instruction. Its result stays pending when the operation
   * is strict in its pending operands: integer add/sub/xor only when one
   * operand is pending and the other is a different expression (x - x is
   * 0 whatever the load read). */
  private numeric(op: NumericOp): void {
    const args = this.popN(op.params, true);
    let pending = false;
    if ((op.strict || losesNothing(op.name, args)) && args.some((a) => a.pending)) {
      const intPair = args.length === 2 && op.params[0].startsWith("i");
      if (intPair && (args.every((a) => a.pending) || args[0].expr === args[1].expr)) args.forEach((a) => this.keep(a));
      else pending = true;
    } else {
      args.forEach((a) => this.keep(a));
    }
    const max = op.result === "i32" ? bound(op.name, args) : undefined;
    // An address computation that cannot wrap (a bounded index scaled and
    // added to a table's base) is done in 64 bits, so that it folds into
    // the access's addressing mode: gcc does not see on its own that the
    // 32-bit arithmetic never wraps, and zero-extends the result instead.
    const wide = max !== undefined && this.live ? WIDE[op.name] : undefined;
    if (wide && args.some((a) => a.value !== undefined)) {
      const name = `sw${this.opds.length}`;
      this.slots.set(name, "u64");
      const w = (a: Entry) => a.wide ?? `(u64)${a.expr}`;
      this.emit(`${name} = ${w(args[0])} ${wide} ${wide === "<<" ? args[1].value! & 31 : w(args[1])};`);
      this.opds.push({ type: "i32", expr: `(u32)${name}`, pending, max, wide: name });
      return;
    }
    this.pushComputed(op.result, this.template(op.c, args), pending, max);
  }

  private pushFrame(kind: Frame["kind"], t: FuncType): Frame {
    const dead = !this.live;
    const frame: Frame = {
      kind, params: t.params, results: t.results, height: this.opds.length - t.params.length,
      unreachable: false, dead, label: `L${this.labelCount++}`, labelUsed: false, sawElse: false,
      indent: this.frame.indent,
    };
    if (t.results.length > 1) this.names.tuple(t.results);
    this.ctrls.push(frame);
    return frame;
  }

  private labelTypes(f: Frame): ValType[] {
    return f.kind === "loop" ? f.params : f.results;
  }

  private setUnreachable(): void {
    this.opds.length = this.frame.height;
    this.frame.unreachable = true;
  }

  private label(depth: number): Frame {
    if (depth >= this.ctrls.length) throw new InvalidError("unknown label");
    return this.ctrls[this.ctrls.length - 1 - depth];
  }

  /** Put the top `types.length` values into the slots starting at `height`.
   * Copying upwards is safe: each source sits at or above its target. */
  private moveTo(entries: Entry[], types: ValType[], height: number): string[] {
    const moves: string[] = [];
    entries.forEach((e, i) => {
      const target = this.slot(height + i, types[i]);
      if (e.expr !== target) moves.push(`${target} = ${e.expr};`);
    });
    return moves;
  }

  /** Before a local is written, values that still read it are copied out. */
  private detachLocal(x: number): void {
    this.opds.forEach((e, depth) => {
      if (e.local === x) {
        const name = this.slot(depth, e.type as ValType);
        this.emit(`${name} = ${e.expr};`);
        this.opds[depth] = { type: e.type, expr: name };
      }
    });
  }

  /** Before a block, loop or if: values on the stack that still read a
   * local are copied out. The local may be written inside the construct on
   * some paths only (one arm of an if, after a br_if, in a later loop
   * iteration), and detachLocal's copy, made where the write is, would be
   * missing or late on the others. */
  private detachLocals(): void {
    this.opds.forEach((e, depth) => {
      if (e.local !== undefined && e.type !== "unknown") {
        const name = this.slot(depth, e.type);
        this.emit(`${name} = ${e.expr};`);
        this.opds[depth] = { type: e.type, expr: name };
      }
    });
  }

  /** Block parameters live in their slots, so that branches can refill them. */
  private settleParams(t: FuncType): void {
    const base = this.opds.length - t.params.length;
    for (let i = 0; i < t.params.length; i++) {
      const e = this.opds[base + i];
      if (e.type === "unknown") continue;
      const name = this.slot(base + i, e.type);
      if (e.expr !== name) {
        this.emit(`${name} = ${e.expr};`);
        this.opds[base + i] = { type: e.type, expr: name };
      }
    }
  }

  private branch(target: Frame, entries: Entry[]): string {
    const types = this.labelTypes(target);
    if (target.kind === "func") {
      return this.returnStatement(entries);
    }
    target.labelUsed = true;
    const moves = this.moveTo(entries, types, target.height);
    return [...moves, `goto ${target.label};`].join(" ");
  }

  private returnStatement(entries: Entry[]): string {
    const results = this.type.results;
    if (results.length === 0) return "return;";
    if (results.length === 1) return `return ${entries[0].expr};`;
    const tag = returnType(results);
    return `return (${tag}){ ${entries.map((e) => e.expr).join(", ")} };`;
  }

  // ---- the instruction loop ----------------------------------------------

  private body(): void {
    const r = this.r;
    while (this.ctrls.length > 0) {
      if (r.done) r.fail("unexpected end of section or function");
      const op = r.u8();
      this.instruction(op);
    }
    if (!r.done) r.fail("section size mismatch");
  }

  private instruction(op: number): void {
    const r = this.r;
    const num = numericOp(op);
    if (num && !num.traps) return this.numeric(num);
    const memop = memoryOp(op);
    if (!(memop && !memop.store) && !PURE.has(op)) this.barrier();
    if (num) return this.numeric(num);
    if (memop) return this.memoryAccess(memop.name, memop.type, memop.bytes, memop.store, memop.helper, memop.convert);

    switch (op) {
      case 0x00: // unreachable
        this.emit(`wrt_trap(WRT_TRAP_UNREACHABLE, ${this.fn});`);
        this.setUnreachable();
        return;
      case 0x01: // nop
        return;
      case 0x02: { // block
        const t = this.blockType();
        this.popN(t.params).forEach((e) => this.opds.push(e));
        this.settleParams(t);
        this.detachLocals();
        this.pushFrame("block", t);
        return;
      }
      case 0x03: { // loop
        const t = this.blockType();
        this.popN(t.params).forEach((e) => this.opds.push(e));
        this.settleParams(t);
        this.detachLocals();
        const f = this.pushFrame("loop", t);
        this.emit(`${f.label}:;`);
        return;
      }
      case 0x04: { // if
        const t = this.blockType();
        const cond = this.pop("i32");
        this.popN(t.params).forEach((e) => this.opds.push(e));
        this.settleParams(t);
        this.detachLocals();
        this.emit(`if (${cond.expr}) {`);
        const f = this.pushFrame("if", t);
        f.indent++;
        return;
      }
      case 0x05: { // else
        const f = this.frame;
        if (f.kind !== "if" || f.sawElse) throw new InvalidError("else without if");
        const results = this.popN(f.results);
        if (this.opds.length !== f.height) throw new InvalidError("type mismatch");
        for (const m of this.moveTo(results, f.results, f.height)) this.emit(m);
        f.sawElse = true;
        f.unreachable = false;
        if (!f.dead) this.lines.push("  ".repeat(f.indent - 1) + "} else {");
        f.params.forEach((t, i) => this.push(t, this.slot(f.height + i, t)));
        return;
      }
      case 0x0b: // end
        return this.end();
      case 0x0c: { // br
        const f = this.label(r.u32());
        const entries = this.popN(this.labelTypes(f));
        this.emit(this.branch(f, entries));
        this.setUnreachable();
        return;
      }
      case 0x0d: { // br_if
        const f = this.label(r.u32());
        const cond = this.pop("i32");
        const types = this.labelTypes(f);
        const entries = this.popN(types);
        this.emit(`if (${cond.expr}) { ${this.branch(f, entries)} }`);
        entries.forEach((e, i) => this.push(types[i], e.expr, e.local));
        return;
      }
      case 0x0e: return this.brTable();
      case 0x0f: { // return
        const entries = this.popN(this.type.results);
        this.emit(this.returnStatement(entries));
        this.setUnreachable();
        return;
      }
      case 0x10: { // call
        const f = r.u32();
        if (f >= this.m.funcs.length) throw new InvalidError("unknown function");
        return this.call(this.m.types[this.m.funcs[f]], (args) => `${this.names.callee(f)}(${args})`);
      }
      case 0x11: { // call_indirect
        const ti = r.u32();
        const table = r.u32();
        if (ti >= this.m.types.length) throw new InvalidError("unknown type");
        if (table >= this.m.tables.length) throw new InvalidError("unknown table");
        if (this.m.tables[table].elem !== "funcref") throw new InvalidError("type mismatch");
        const t = this.m.types[ti];
        const idx = this.pop("i32");
        const sig = this.names.typeString(t);
        const ptr = `(${returnType(t.results)} (*)(${t.params.length ? t.params.map(cType).join(", ") : "void"}))`;
        return this.call(t, (args) =>
          `(${ptr}wrt_indirect(${this.names.table(table)}, ${idx.expr}, ${sig}, ${this.fn})->code)(${args})`,
        );
      }
      case 0x1a: // drop
        this.popAny();
        return;
      case 0x1b: { // select
        const cond = this.pop("i32");
        const b = this.popAny();
        const a = this.popAny();
        const isNum = (t: Type) => t === "i32" || t === "i64" || t === "f32" || t === "f64" || t === "unknown";
        if (!isNum(a.type) || !isNum(b.type)) throw new InvalidError("type mismatch");
        if (a.type !== b.type && a.type !== "unknown" && b.type !== "unknown") throw new InvalidError("type mismatch");
        const t = a.type === "unknown" ? b.type : a.type;
        if (t === "unknown") this.push("unknown", "");
        else this.pushComputed(t, `${cond.expr} ? ${a.expr} : ${b.expr}`);
        return;
      }
      case 0x1c: { // select t*
        const n = r.u32();
        if (n !== 1) throw new InvalidError("invalid result arity");
        const t = this.valType();
        const cond = this.pop("i32");
        const b = this.pop(t);
        const a = this.pop(t);
        this.pushComputed(t, `${cond.expr} ? ${a.expr} : ${b.expr}`);
        return;
      }
      case 0x20: { // local.get
        const x = this.localIndex();
        this.push(this.locals[x], `l${x}`, x);
        return;
      }
      case 0x21: case 0x22: { // local.set, local.tee
        const x = this.localIndex();
        const v = this.pop(this.locals[x]);
        this.detachLocal(x);
        this.emit(`l${x} = ${v.expr};`);
        if (op === 0x22) this.push(this.locals[x], `l${x}`, x);
        return;
      }
      case 0x23: { // global.get
        const g = this.globalIndex();
        this.pushComputed(this.m.globals[g].type.type, this.names.global(g));
        return;
      }
      case 0x24: { // global.set
        const g = this.globalIndex();
        if (!this.m.globals[g].type.mutable) throw new InvalidError("global is immutable");
        const v = this.pop(this.m.globals[g].type.type);
        this.emit(`${this.names.global(g)} = ${v.expr};`);
        return;
      }
      case 0x25: { // table.get
        const t = this.tableIndex();
        const i = this.pop("i32");
        this.pushComputed(this.m.tables[t].elem, `wrt_table_get(${this.names.table(t)}, ${i.expr}, ${this.fn})`);
        return;
      }
      case 0x26: { // table.set
        const t = this.tableIndex();
        const v = this.pop(this.m.tables[t].elem);
        const i = this.pop("i32");
        this.emit(`wrt_table_set(${this.names.table(t)}, ${i.expr}, ${v.expr}, ${this.fn});`);
        return;
      }
      case 0x3f: { // memory.size
        this.zeroByte();
        this.requireMemory();
        this.pushComputed("i32", `${this.names.memory}->pages`);
        return;
      }
      case 0x40: { // memory.grow
        this.zeroByte();
        this.requireMemory();
        const d = this.pop("i32");
        this.pushComputed("i32", `wrt_memory_grow(${this.names.memory}, ${d.expr})`);
        return;
      }
      case 0x41: {
        const v = r.i32() >>> 0;
        this.opds.push({ type: "i32", expr: i32Literal(v), value: v, max: v });
        return;
      }
      case 0x42: this.push("i64", i64Literal(r.i64())); return;
      case 0x43: this.push("f32", f32Literal(r.u32le())); return;
      case 0x44: this.push("f64", f64Literal(r.u64le())); return;
      case 0xd0: // ref.null
        this.push(this.refType(), "((wrt_ref)0)");
        return;
      case 0xd1: { // ref.is_null
        const v = this.popAny();
        if (v.type !== "funcref" && v.type !== "externref" && v.type !== "unknown") throw new InvalidError("type mismatch");
        this.pushComputed("i32", `(u32)(${v.expr} == 0)`);
        return;
      }
      case 0xd2: { // ref.func
        const f = r.u32();
        if (f >= this.m.funcs.length) throw new InvalidError("unknown function");
        if (!this.m.declaredRefs.has(f)) throw new InvalidError("undeclared function reference");
        this.push("funcref", this.names.funcRef(f));
        return;
      }
      case 0xfc:
        return this.prefixed(r.u32());
      case 0xfd:
        throw new UnsupportedError("SIMD (v128)");
      case 0xfe:
        throw new UnsupportedError("threads (atomics)");
      case 0x12: case 0x13:
        throw new UnsupportedError("tail calls");
      case 0x06: case 0x07: case 0x08: case 0x09: case 0x18: case 0x19: case 0x1f:
        throw new UnsupportedError("exception handling");
      case 0xfb:
        throw new UnsupportedError("garbage collection");
    }
    r.pos--;
    r.fail(`illegal opcode 0x${op.toString(16).padStart(2, "0")}`);
  }

  private end(): void {
    const f = this.frame;
    const results = this.popN(f.results);
    if (this.opds.length !== f.height) throw new InvalidError("type mismatch");
    if (f.kind === "if" && !f.sawElse) {
      // An if without else: the missing arm passes its parameters through.
      if (f.params.length !== f.results.length || f.params.some((t, i) => t !== f.results[i])) {
        throw new InvalidError("type mismatch");
      }
    }
    if (f.kind === "func") {
      this.emit(this.returnStatement(results));
      this.ctrls.pop();
      return;
    }
    for (const m of this.moveTo(results, f.results, f.height)) this.emit(m);
    this.ctrls.pop();
    const closesIf = f.kind === "if";
    if (!f.dead) {
      if (closesIf) this.lines.push("  ".repeat(f.indent - 1) + "}");
      // A loop's label is at its start; a block's or an if's at its end.
      if (f.labelUsed && f.kind !== "loop") this.lines.push("  ".repeat(f.indent - (closesIf ? 1 : 0)) + `${f.label}:;`);
    }
    f.results.forEach((t, i) => this.push(t, this.slot(f.height + i, t)));
  }

  private brTable(): void {
    const r = this.r;
    const targets: number[] = [];
    for (let n = r.u32(); n > 0; n--) targets.push(r.u32());
    const def = r.u32();
    const idx = this.pop("i32");
    const m = this.label(def);
    const arity = this.labelTypes(m).length;
    for (const t of targets) {
      const f = this.label(t);
      if (this.labelTypes(f).length !== arity) throw new InvalidError("type mismatch");
      // Each target must accept the values; checked without consuming them.
      const popped = this.popN(this.labelTypes(f));
      popped.forEach((e, i) => this.opds.push({ ...e, type: e.type === "unknown" ? "unknown" : this.labelTypes(f)[i] }));
    }
    const entries = this.popN(this.labelTypes(m));
    if (this.live) {
      const lines = [`switch (${idx.expr}) {`];
      targets.forEach((t, i) => lines.push(`  case ${i}: ${this.branch(this.label(t), entries)}`));
      lines.push(`  default: ${this.branch(m, entries)}`, "}");
      lines.forEach((l) => this.emit(l));
    }
    this.setUnreachable();
  }

  private call(t: FuncType, callee: (args: string) => string): void {
    this.calls = true;
    const args = this.popN(t.params).map((e) => e.expr).join(", ");
    const expr = callee(args);
    if (t.results.length === 0) this.emit(`${expr};`);
    else if (t.results.length === 1) this.pushComputed(t.results[0], expr);
    else {
      const tv = this.tupleVar(t.results);
      this.emit(`${tv} = ${expr};`);
      t.results.forEach((rt, i) => this.pushComputed(rt, `${tv}.v${i}`));
    }
  }

  private memoryAccess(name: string, type: ValType, bytes: number, store: boolean, helper: string, convert: string): void {
    const align = this.r.u32();
    const offset = this.r.u32();
    this.requireMemory();
    if (align >= 32 || 1 << align > bytes) throw new InvalidError("alignment must not be larger than natural");
    void name;
    const mem = this.names.memory;
    const base = "b0";
    this.usesMemory = true;
    if (store) {
      const v = this.pop(type);
      const addr = this.pop("i32");
      const ea = address(addr, offset);
      this.emit(`${helper}(${mem}, ${base}, ${ea}, ${convert.replace("$0", v.expr)}, ${this.fn});`);
    } else {
      // The address may stay pending: the load uses every bit of it, and
      // its own value is pending in turn.
      const addr = this.pop("i32", true);
      const ea = address(addr, offset);
      const max = name === "i32.load8_u" ? 0xff : name === "i32.load16_u" ? 0xffff : undefined;
      this.pushComputed(type, convert.replace("$0", `${helper}_tracked(${mem}, ${base}, ${ea}, ${this.fn})`), true, max);
    }
  }

  private prefixed(sub: number): void {
    const sat = saturatingOp(sub);
    if (sat) {
      const args = this.popN(sat.params);
      this.pushComputed(sat.result, this.template(sat.c, args));
      return;
    }
    const r = this.r;
    const mem = this.names.memory;
    switch (sub) {
      case 8: { // memory.init
        const seg = r.u32();
        this.zeroByte();
        this.requireDataCount(seg);
        this.requireMemory();
        const [d, s, n] = this.popN(["i32", "i32", "i32"]);
        this.usesMemory = true;
        const data = this.names.data(seg);
        this.emit(`wrt_memory_init_segment(${mem}, b0, ${data}, ${data}_len, ${d.expr}, ${s.expr}, ${n.expr}, ${this.fn});`);
        return;
      }
      case 9: { // data.drop
        const seg = r.u32();
        this.requireDataCount(seg);
        this.emit(`${this.names.data(seg)}_len = 0;`);
        return;
      }
      case 10: { // memory.copy
        this.zeroByte();
        this.zeroByte();
        this.requireMemory();
        const [d, s, n] = this.popN(["i32", "i32", "i32"]);
        this.usesMemory = true;
        this.emit(`wrt_memory_copy(${mem}, b0, ${mem}, b0, ${d.expr}, ${s.expr}, ${n.expr}, ${this.fn});`);
        return;
      }
      case 11: { // memory.fill
        this.zeroByte();
        this.requireMemory();
        const [d, v, n] = this.popN(["i32", "i32", "i32"]);
        this.usesMemory = true;
        this.emit(`wrt_memory_fill(${mem}, b0, ${d.expr}, ${v.expr}, ${n.expr}, ${this.fn});`);
        return;
      }
      case 12: { // table.init
        const seg = r.u32();
        const t = this.tableIndex();
        if (seg >= this.m.elems.length) throw new InvalidError("unknown elem segment");
        if (this.m.elems[seg].type !== this.m.tables[t].elem) throw new InvalidError("type mismatch");
        const [d, s, n] = this.popN(["i32", "i32", "i32"]);
        const e = this.names.elem(seg);
        this.emit(`wrt_table_init_segment(${this.names.table(t)}, ${e}, ${e}_len, ${d.expr}, ${s.expr}, ${n.expr}, ${this.fn});`);
        return;
      }
      case 13: { // elem.drop
        const seg = r.u32();
        if (seg >= this.m.elems.length) throw new InvalidError("unknown elem segment");
        this.emit(`${this.names.elem(seg)}_len = 0;`);
        return;
      }
      case 14: { // table.copy
        const dst = this.tableIndex();
        const src = this.tableIndex();
        if (this.m.tables[dst].elem !== this.m.tables[src].elem) throw new InvalidError("type mismatch");
        const [d, s, n] = this.popN(["i32", "i32", "i32"]);
        this.emit(`wrt_table_copy(${this.names.table(dst)}, ${this.names.table(src)}, ${d.expr}, ${s.expr}, ${n.expr}, ${this.fn});`);
        return;
      }
      case 15: { // table.grow
        const t = this.tableIndex();
        const n = this.pop("i32");
        const v = this.pop(this.m.tables[t].elem);
        this.pushComputed("i32", `wrt_table_grow(${this.names.table(t)}, ${v.expr}, ${n.expr})`);
        return;
      }
      case 16: { // table.size
        const t = this.tableIndex();
        this.pushComputed("i32", `${this.names.table(t)}->size`);
        return;
      }
      case 17: { // table.fill
        const t = this.tableIndex();
        const n = this.pop("i32");
        const v = this.pop(this.m.tables[t].elem);
        const i = this.pop("i32");
        this.emit(`wrt_table_fill(${this.names.table(t)}, ${i.expr}, ${v.expr}, ${n.expr}, ${this.fn});`);
        return;
      }
    }
    this.r.fail(`illegal opcode 0xfc ${sub}`);
  }

  private template(c: string, args: Entry[]): string {
    return c
      .replace(/\$0/g, args[0]?.expr ?? "")
      .replace(/\$1/g, args[1]?.expr ?? "")
      .replace(/\bFN\b/g, this.fn);
  }

  private localIndex(): number {
    const x = this.r.u32();
    if (x >= this.locals.length) throw new InvalidError("unknown local");
    return x;
  }

  private globalIndex(): number {
    const g = this.r.u32();
    if (g >= this.m.globals.length) throw new InvalidError("unknown global");
    return g;
  }

  private tableIndex(): number {
    const t = this.r.u32();
    if (t >= this.m.tables.length) throw new InvalidError("unknown table");
    return t;
  }

  private requireMemory(): void {
    if (this.m.memories.length === 0) throw new InvalidError("unknown memory 0");
  }

  private requireDataCount(seg: number): void {
    if (this.m.dataCount === undefined) throw new MalformedError("data count section required", this.r.pos);
    if (seg >= this.m.dataCount) throw new InvalidError("unknown data segment");
  }

  // ---- the C function ------------------------------------------------------

  private assemble(): string {
    const t = this.type;
    const params = t.params.map((p, i) => `${cType(p)} l${i}`).join(", ") || "void";
    const out = [`${this.names.funcStorage}${returnType(t.results)} ${this.names.callee(this.index)}(${params}) {`];
    for (let i = t.params.length; i < this.locals.length; i++) {
      out.push(`  ${cType(this.locals[i])} l${i} = 0;`);
    }
    const byType = new Map<string, string[]>();
    for (const [name, ct] of [...this.slots, ...this.tuples]) {
      if (!byType.has(ct)) byType.set(ct, []);
      byType.get(ct)!.push(name);
    }
    for (const [ct, vars] of byType) out.push(`  ${ct} ${vars.join(", ")};`);
    if (this.calls) out.push(`  WRT_STACK_CHECK(${this.fn});`);
    if (this.usesMemory) out.push(`  u8 *const b0 = ${this.names.memoryBase};`);
    append(out, this.lines);
    out.push("}");
    return out.join("\n");
  }
}
