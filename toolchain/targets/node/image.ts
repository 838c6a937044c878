/**
 * An image running on the node target: the app's Wasm instantiated in this
 * process with the platform imports of boot/README.md answered in real
 * time (clocks from the host, entropy from its CSPRNG, the console on
 * stdout) and the host-socket imports of libos/hostnet (sockets.ts).
 *
 * A Wasm call cannot wait for Node's events, so the image's loop is turned
 * by Node's: the first time run() would wait, poll throws Unwind out of the
 * image's start (libos/hostnet/turn.ts), and from then on `hostTurn` runs
 * one turn whenever the next timer is due or a socket has news. Exit,
 * aborts and traps stop the image with the boot stub's statuses (0/1,
 * 255) and its messages, a trap's naming the TypeScript file:line.
 */
import { randomFillSync } from "node:crypto";
import { HOST_HANDLE, HostSockets } from "./sockets.ts";
import { cryptoImports } from "./crypto.ts";
import { ed25519Imports } from "./ed25519.ts";
import { assetImports, copyOut, encodeAssets, guestBytes, guestString } from "./imports.ts";
import { TrapLocator } from "./traps.ts";

export interface ImageOptions {
  /** The boot arguments, as on hvt ("--port=8080 --log=debug"). */
  cmdline: string;
  assets: { name: string; bytes: Uint8Array }[];
  sourceMap?: string;
  /** Host address the sockets bind to (default 127.0.0.1). */
  bind?: string;
  /** Guest port -> host port. */
  ports?: Map<number, number>;
  /** Console output (default: stdout). */
  write?: (bytes: Uint8Array) => void;
}

/** The image stopped itself; carried out of the Wasm stack. */
class Halt extends Error {
  constructor(readonly status: number) { super(`halt ${status}`); }
}

/** Leaves the image's start when run() first waits (see above). */
class Unwind extends Error {
  constructor() { super("unwind to the host's event loop"); }
}

const FOREVER = 0x7fffffffffffffffn;
/** setTimeout's longest delay. */
const MAX_DELAY_MS = 0x7fffffff;

export class NodeImage {
  /** Resolves with the exit status. */
  readonly exited: Promise<number>;
  private resolve!: (status: number) => void;
  private instance!: WebAssembly.Instance;
  private readonly sockets: HostSockets;
  private readonly traps: TrapLocator;
  private readonly start = process.hrtime.bigint();
  private timer: NodeJS.Timeout | null = null;
  private immediate: NodeJS.Immediate | null = null;
  private deadline = FOREVER;
  private done = false;

  constructor(module: WebAssembly.Module, private readonly opts: ImageOptions) {
    this.exited = new Promise((r) => (this.resolve = r));
    this.traps = new TrapLocator(opts.sourceMap);
    this.sockets = new HostSockets({
      bind: opts.bind ?? "127.0.0.1",
      ports: opts.ports ?? new Map(),
      fatal: (message) => this.fail(message),
      wake: () => this.soon(),
    }, () => this.memory);
    this.instance = new WebAssembly.Instance(module, { morgana: { ...this.platform(), ...cryptoImports(guestBytes(() => this.memory)), ...ed25519Imports(guestBytes(() => this.memory)) }, env: this.env() });
    this.enter(() => {
      (this.instance.exports._start as () => void)();
      this.stop(0); // main returned: the image is done, as on hvt
    });
  }

  /** Stop the image from outside (--watch restarts it). */
  stop(status = 0): void {
    if (this.done) return;
    this.done = true;
    if (this.timer) clearTimeout(this.timer);
    if (this.immediate) clearImmediate(this.immediate);
    this.sockets.closeAll();
    this.resolve(status);
  }

  private get memory(): ArrayBuffer {
    return (this.instance.exports.memory as WebAssembly.Memory).buffer;
  }

  private now(): bigint {
    return process.hrtime.bigint() - this.start;
  }

  private print(text: string): void {
    (this.opts.write ?? ((b) => process.stdout.write(b)))(Buffer.from(text, "utf8"));
  }

  private fail(message: string): void {
    this.print(message + "\n");
    this.stop(1);
  }

  /** Run guest code; a halt, trap or unwind ends it as the boot stub would. */
  private enter(f: () => void): void {
    if (this.done) return;
    try {
      f();
    } catch (e) {
      if (e instanceof Unwind) return this.schedule();
      if (e instanceof Halt) return this.stop(e.status);
      if (e instanceof WebAssembly.RuntimeError) {
        const at = this.traps.locate(e.stack);
        this.print(`wasm trap: ${e.message}${at ? ` at ${at}` : ""}\n`);
        return this.stop(255);
      }
      this.stop(255);
      throw e;
    }
  }

  /** One turn of the guest's loop, then wait for the next. */
  private turn(): void {
    this.immediate = null;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.enter(() => {
      const next = (this.instance.exports.hostTurn as () => bigint)();
      if (next < 0n) return this.stop(0); // run() would have returned
      this.deadline = next;
      this.schedule();
    });
  }

  /** Turn at the deadline, or at once when events wait. */
  private schedule(): void {
    if (this.done) return;
    if (this.sockets.pending) return this.soon();
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.deadline >= FOREVER) return;
    const ms = Number((this.deadline - this.now() + 999_999n) / 1_000_000n);
    this.timer = setTimeout(() => this.turn(), Math.min(Math.max(ms, 0), MAX_DELAY_MS));
  }

  private soon(): void {
    if (!this.done && !this.immediate) this.immediate = setImmediate(() => this.turn());
  }

  private ready(): bigint {
    return this.sockets.pending ? 1n << BigInt(HOST_HANDLE) : 0n;
  }

  private platform() {
    const bytes = guestBytes(() => this.memory);
    const cmdline = Buffer.from(this.opts.cmdline, "utf8");
    return {
      ...assetImports(encodeAssets(this.opts.assets), bytes),
      ...this.sockets.imports(),
      puts: (ptr: number, len: number) => (this.opts.write ?? ((b) => process.stdout.write(b)))(Buffer.from(bytes(ptr, len))),
      walltime: () => BigInt(Math.round((performance.timeOrigin + performance.now()) * 1e6)),
      monotonic: () => this.now(),
      poll: (deadline: bigint) => {
        const ready = this.ready();
        if (ready !== 0n || deadline <= this.now()) return ready;
        // Only the start's run() waits: hostTurn polls with deadline 0.
        this.deadline = deadline;
        throw new Unwind();
      },
      exit: (status: number) => {
        throw new Halt(status);
      },
      cmdline: (ptr: number, cap: number) => copyOut(cmdline, bytes, ptr, cap),
      entropy: (ptr: number, len: number) => {
        randomFillSync(bytes(ptr, len));
      },
      entropySource: () => 3, // ENTROPY_HOST (libos/platform/entropy.ts): the host's CSPRNG
      // No manifest devices: the network is host sockets, storage absent.
      device: () => -1,
      netInfo: () => -1,
      netWrite: () => 2,
      netOffload: () => 0,
      netWriteTso: () => 2,
      netRead: () => -2,
      blockInfo: () => -1,
      blockWrite: () => 2,
      blockRead: () => 2,
      memoryLimit: () => 256n << 20n,
      exits: () => -1n,
    };
  }

  private env() {
    return {
      abort: (msg: number, file: number, line: number, col: number) => {
        const m = this.memory;
        const at = `${guestString(m, file) ?? "?"}:${line}:${col}`;
        // An abort in the standard library (an index out of range) names
        // ~lib; the caller in our sources is where the mistake is.
        const caller = at.startsWith("~lib/") ? this.traps.locate(new Error().stack) : null;
        this.print(`abort: ${guestString(m, msg) ?? "(no message)"} at ${at}${caller ? ` (called from ${caller})` : ""}\n`);
        throw new Halt(255);
      },
      seed: () => Math.random() * Number.MAX_SAFE_INTEGER,
      trace: (msg: number, n: number, ...args: number[]) => {
        this.print(`trace: ${guestString(this.memory, msg)}${n > 0 ? " " + args.slice(0, n).join(", ") : ""}\n`);
      },
    };
  }
}
