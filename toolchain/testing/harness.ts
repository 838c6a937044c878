/**
 * A harnessed image: a module compiled from libos code, instantiated in Node
 * with the platform imports of boot/README.md implemented in JavaScript.
 *
 * The clock is fake and only moves in `poll` (to the deadline, or to the
 * next queued frame's arrival) or when a test advances it, so a test is a
 * deterministic script. Exit, AssemblyScript aborts and Wasm traps stop the
 * image the way the boot stub would (console line, status 1 / 255) and end
 * the current call; `exitStatus` tells which.
 *
 * Two ways in: `Harness.start(entry)` runs a test entry that exports the
 * functions a test calls; `Harness.app(dir)` runs an app as it boots (its
 * main.ts, devices from its app.json) and `runFor(ns)` turns its event
 * loop, the clock stopping at the end of each run instead of racing on.
 */
import path from "node:path";
import { loadApp } from "../app/index.ts";
import { collectAssets } from "../assets/index.ts";
import { projectRoot } from "../project.ts";
import { loadModule, ROOT } from "./build.ts";
import { BlockDisk, EINVAL, NetQueue, OK, segmentTso, type DeviceSpec } from "./devices.ts";
import { PcapWriter, pcapName } from "./pcap.ts";
import { cryptoImports } from "../targets/node/crypto.ts";
import { ed25519Imports } from "../targets/node/ed25519.ts";
import { assetImports, copyOut, encodeAssets, guestBytes, guestString, type GuestAsset } from "../targets/node/imports.ts";

export interface HarnessOptions {
  devices?: DeviceSpec[];
  /** The boot arguments, e.g. "--log=debug". */
  cmdline?: string;
  /** Entropy seed (default 1): the same seed gives the same bytes. */
  seed?: number;
  /** What entropySource() answers (default 4, ENTROPY_SEEDED; 0 plays a
   * machine with timing jitter only). */
  entropySource?: number;
  /** Initial monotonic time, ns (default 0). */
  monotonic?: bigint;
  /** Wall time at monotonic 0, ns since the epoch (default 2024-01-01). */
  walltime?: bigint;
  /** What memoryLimit() answers (default 64 MiB). */
  memoryLimit?: bigint;
  /** Capture each net device's traffic to build/pcap/NAME.DEVICE.pcap of
   * the project (default: Harness.defaultPcapName(), else no capture). */
  pcapName?: string;
  /** The project the entry and build/ belong to (default: the nearest
   * folder with a package.json above the current directory). */
  project?: string;
  /** The image's read-only assets (toolchain/assets/), in path order. */
  assets?: { name: string; bytes: Uint8Array }[];
  /** Test-only functions added to the "morgana" import module (the only
   * one the compiler lets an entry import), e.g. a signature verifier
   * backed by node:crypto; no image has them. */
  imports?: (h: Harness) => Record<string, (...args: any[]) => unknown>;
}

/** The image stopped (exit, abort or trap); carried out of the Wasm stack. */
export class Halt extends Error {
  constructor(readonly status: number) {
    super(`image halted with status ${status}`);
  }
}

/** poll was asked to wait forever with nothing queued: in a real image it
 * would sleep for good, here the call ends. */
export class Idle extends Error {
  constructor() {
    super("the image waits forever: no timer armed and no frame queued");
  }
}

/** AssemblyScript's class id of String (0 Object, 1 ArrayBuffer, 2 String). */
const STRING_ID = 2;
const FOREVER = 0x7fffffffffffffffn;
const EPOCH_2024 = 1_704_067_200_000_000_000n;

export class Harness {
  console = "";
  exitStatus: number | null = null;
  readonly devices: (NetQueue | BlockDisk)[] = [];
  monotonic: bigint;
  readonly wallBase: bigint;
  cmdline: string;
  memoryLimit: bigint;
  readonly assets: GuestAsset[];
  private rng: number;
  private readonly entropySourceValue: number;
  private instance!: WebAssembly.Instance;
  private readonly extraImports?: (h: Harness) => Record<string, (...args: any[]) => unknown>;

  /** Names captures when a test gives no pcapName (the repository's tests
   * set it to the test file and test name). */
  static defaultPcapName: (() => string) | undefined;

  /** Runs a test entry (a path relative to the project) to the end of its
   * top-level code; the test then calls its exports with call(). */
  static async start(entry: string, opts: HarnessOptions = {}): Promise<Harness> {
    const module = await loadModule({ entry, project: opts.project });
    const h = new Harness(opts);
    h.instantiate(module);
    return h;
  }

  /**
   * Boots the app in `dir` (its main.ts; a path relative to the project)
   * with the devices of its app.json, net devices getting MACs
   * 02:00:00:00:00:01, :02, … unless `opts.devices` says otherwise. Its
   * top-level code runs until its event loop first waits; runFor() goes on.
   */
  static async app(dir: string, opts: HarnessOptions = {}): Promise<Harness> {
    const project = path.resolve(opts.project ?? projectRoot());
    const app = loadApp(path.resolve(project, dir));
    const rel = path.relative(project, app.dir).split(path.sep).join("/");
    // The loop main.ts runs: a project of its own imports Morgana by package
    // name, and asc names a module by how it was reached, so reach it so too.
    const platform = project === ROOT
      ? path.relative(app.dir, path.join(ROOT, "libos/platform/index")).split(path.sep).join("/")
      : "morgana/platform";
    const entry = `${rel}/__harness__.ts`;
    // Beside main.ts, in memory: main's top level, and the loop's step.
    const source = `import "./main";\nexport { step as __harnessStep } from "${platform}";\n`;
    const module = await loadModule({ entry, project, virtualFiles: { [entry]: source } });
    const devices = opts.devices ?? app.devices.map((d, i): DeviceSpec =>
      d.type === "net"
        ? { name: d.name, type: "net", mac: `02:00:00:00:00:${(i + 1).toString(16).padStart(2, "0")}` }
        : { name: d.name, type: "block", capacity: 1 << 20 });
    const assets = opts.assets ?? (app.assets ? collectAssets(app.assets, path.join(app.dir, app.assets.dir)) : []);
    const h = new Harness({ ...opts, project, devices, assets });
    h.horizon = h.monotonic;
    h.instantiate(module);
    return h;
  }

  /**
   * Turns an app's event loop (see app()) for `ns` of fake time: frames
   * queued for it are read, timers fire, and the clock ends `ns` later.
   * Returns early if the image halts.
   */
  runFor(ns: bigint): void {
    const end = this.monotonic + ns;
    this.horizon = end;
    // A loop that re-arms a timer for the current instant would never
    // wait; a bound turns that bug into an error instead of a hang.
    for (let turns = 0; this.exitStatus === null; turns++) {
      if (turns > 1_000_000) throw new Error("the event loop turned a million times without waiting");
      this.call("__harnessStep", 1); // wait: true (a missing argument would be 0)
      if (this.idle) break;
    }
    this.horizon = this.monotonic;
    if (this.exitStatus === null && this.monotonic < end) this.monotonic = end;
    this.horizon = this.monotonic;
  }

  /** poll never moves the clock past this (app mode); FOREVER otherwise. */
  private horizon = FOREVER;

  private constructor(opts: HarnessOptions) {
    this.monotonic = opts.monotonic ?? 0n;
    this.wallBase = opts.walltime ?? EPOCH_2024;
    this.cmdline = opts.cmdline ?? "";
    this.memoryLimit = opts.memoryLimit ?? 64n << 20n;
    this.assets = encodeAssets(opts.assets ?? []);
    this.extraImports = opts.imports;
    this.rng = (opts.seed ?? 1) >>> 0;
    this.entropySourceValue = opts.entropySource ?? 4;
    const name = opts.pcapName ?? Harness.defaultPcapName?.();
    const pcapDir = path.join(path.resolve(opts.project ?? projectRoot()), "build", "pcap");
    (opts.devices ?? []).forEach((spec, i) => {
      const handle = i + 1;
      if (spec.type === "net") {
        const pcap = name === undefined ? null : new PcapWriter(path.join(pcapDir, `${pcapName(name)}.${spec.name}.pcap`));
        this.devices.push(new NetQueue(spec, handle, pcap, (m) => this.wallAt(m)));
      } else {
        this.devices.push(new BlockDisk(spec, handle));
      }
    });
  }

  get exports(): Record<string, any> {
    return this.instance.exports as Record<string, any>;
  }

  get memory(): WebAssembly.Memory {
    return this.instance.exports.memory as WebAssembly.Memory;
  }

  /** Bytes of linear memory in use now. */
  get memorySize(): number {
    return this.memory.buffer.byteLength;
  }

  get walltime(): bigint {
    return this.wallAt(this.monotonic);
  }

  /** The net device named `name`. */
  net(name = "service"): NetQueue {
    const d = this.devices.find((d) => d.spec.name === name && d.kind === "net");
    if (!d) throw new Error(`no net device '${name}' declared`);
    return d as NetQueue;
  }

  block(name: string): BlockDisk {
    const d = this.devices.find((d) => d.spec.name === name && d.kind === "block");
    if (!d) throw new Error(`no block device '${name}' declared`);
    return d as BlockDisk;
  }

  /** Move both clocks forward. */
  advance(ns: bigint): void {
    this.monotonic += ns;
  }

  /** Call an export. A halt ends the call and returns undefined (see
   * exitStatus); Idle is returned as is; other errors are thrown. Calling
   * a halted image is a test bug. */
  call(name: string, ...args: unknown[]): any {
    if (this.exitStatus !== null) throw new Error(`image already halted (status ${this.exitStatus})`);
    const f = this.exports[name];
    if (typeof f !== "function") throw new Error(`no export '${name}'`);
    return this.guard(() => f(...args));
  }

  /** call(), with each string argument made in the guest and pinned
   * until the call returns (making the next one may collect garbage). */
  callWithStrings(name: string, ...args: unknown[]): any {
    const pinned: number[] = [];
    const actual = args.map((a) => {
      if (typeof a !== "string") return a;
      const p = this.exports.__pin(this.newString(a)) as number;
      pinned.push(p);
      return p;
    });
    const r = this.call(name, ...actual);
    if (this.exitStatus === null) for (const p of pinned) this.exports.__unpin(p);
    return r;
  }

  /** Whether the last call ended in poll with nothing to wait for. */
  idle = false;

  /** Copy bytes into a fresh buffer in the guest (see as/io.ts): the entry
   * reads it with inputBytes(). */
  input(bytes: Uint8Array): void {
    const ptr = this.call("inputBuffer", bytes.length) as number;
    new Uint8Array(this.memory.buffer, ptr, bytes.length).set(bytes);
  }

  /** The bytes the entry last passed to setOutput() (see as/io.ts). */
  output(): Uint8Array {
    const ptr = this.call("outputPtr") as number;
    const len = this.call("outputLen") as number;
    return new Uint8Array(this.memory.buffer, ptr, len).slice();
  }

  /** A new AssemblyScript string in the guest, to pass as an argument
   * (directly: nothing roots it until the callee stores it). */
  newString(text: string): number {
    const ptr = this.exports.__new(text.length * 2, STRING_ID) as number;
    // By code unit: iterating the string would go by code point and leave
    // the end of a string with astral characters unwritten.
    const units = new Uint16Array(this.memory.buffer, ptr, text.length);
    for (let i = 0; i < text.length; i++) units[i] = text.charCodeAt(i);
    return ptr;
  }

  /** An AssemblyScript string from its pointer (null for 0). */
  string(ptr: number): string | null {
    return guestString(this.memory.buffer, ptr);
  }

  private guard<T>(f: () => T): T | undefined {
    this.idle = false;
    try {
      return f();
    } catch (e) {
      if (e instanceof Halt) return undefined;
      if (e instanceof Idle) {
        this.idle = true;
        return undefined;
      }
      if (e instanceof WebAssembly.RuntimeError) {
        // What the boot stub does with a trap.
        this.console += `wasm trap: ${e.message}\n`;
        this.exitStatus = 255;
        return undefined;
      }
      throw e;
    }
  }

  private wallAt(mono: bigint): bigint {
    return this.wallBase + mono;
  }

  private instantiate(module: WebAssembly.Module): void {
    const imports = { morgana: { ...this.extraImports?.(this), ...this.platform(), ...cryptoImports(this.bytes), ...ed25519Imports(this.bytes) }, env: this.env() };
    this.instance = new WebAssembly.Instance(module, imports);
    // The top-level code (boot arguments, declarations, maybe a whole main).
    this.call("_start");
  }

  private halt(status: number): never {
    this.exitStatus = status;
    throw new Halt(status);
  }

  private readonly bytes = guestBytes(() => this.memory.buffer);

  private nextRandom(): number {
    // mulberry32: small, seedable, good enough for tests.
    let t = (this.rng = (this.rng + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0);
  }

  private netAt(handle: number): NetQueue | null {
    const d = this.devices[handle - 1];
    return d && d.kind === "net" && d.spec.attached !== false ? d : null;
  }

  private blockAt(handle: number): BlockDisk | null {
    const d = this.devices[handle - 1];
    return d && d.kind === "block" && d.spec.attached !== false ? d : null;
  }

  private readySet(): bigint {
    let set = 0n;
    for (const d of this.devices) {
      if (d.kind === "net" && d.readyAt(this.monotonic)) set |= 1n << BigInt(d.handle);
    }
    return set;
  }

  private platform() {
    return {
      puts: (ptr: number, len: number) => {
        this.console += Buffer.from(this.bytes(ptr, len)).toString("utf8");
      },
      walltime: () => this.walltime,
      monotonic: () => this.monotonic,
      poll: (deadline: bigint) => {
        let ready = this.readySet();
        if (ready !== 0n) return ready;
        let wake = deadline;
        for (const d of this.devices) {
          const at = d.kind === "net" ? d.nextArrival() : null;
          if (at !== null && at < wake) wake = at;
        }
        if (wake >= FOREVER || wake > this.horizon) throw new Idle();
        if (wake > this.monotonic) this.monotonic = wake;
        return this.readySet();
      },
      exit: (status: number) => this.halt(status),
      cmdline: (ptr: number, cap: number) => copyOut(Buffer.from(this.cmdline, "utf8"), this.bytes, ptr, cap),
      entropy: (ptr: number, len: number) => {
        const out = this.bytes(ptr, len);
        for (let i = 0; i < len; i++) out[i] = this.nextRandom() & 0xff;
      },
      entropySource: () => this.entropySourceValue, // HarnessOptions.entropySource
      device: (namePtr: number, nameLen: number, type: number) => {
        const name = Buffer.from(this.bytes(namePtr, nameLen)).toString("utf8");
        const d = this.devices.find((d) => d.spec.name === name);
        if (!d || d.spec.attached === false) return -1;
        return (d.kind === "net" ? 2 : 1) === type ? d.handle : -1;
      },
      netInfo: (handle: number, ptr: number) => {
        const d = this.netAt(handle);
        if (!d) return -1;
        const out = this.bytes(ptr, 8);
        out.set(d.mac);
        out[6] = d.mtu & 0xff;
        out[7] = d.mtu >> 8;
        return 0;
      },
      netWrite: (handle: number, ptr: number, len: number) => {
        const d = this.netAt(handle);
        if (!d) return EINVAL;
        const frame = this.bytes(ptr, len).slice();
        if (d.writeResult !== OK) return d.writeResult;
        d.recordSent(frame, this.monotonic);
        return OK;
      },
      // Segmentation offload where the device spec asks for it (tso): the
      // frame is cut here as Linux would, and the segments recorded.
      netOffload: (handle: number) => (this.netAt(handle)?.spec.tso ? 1 : 0),
      netWriteTso: (handle: number, ptr: number, len: number, mss: number) => {
        const d = this.netAt(handle);
        if (!d || !d.spec.tso) return EINVAL;
        const frame = this.bytes(ptr, len).slice();
        if (d.writeResult !== OK) return d.writeResult;
        d.tsoFrames++;
        for (const f of segmentTso(frame, mss, d.mtu)) d.recordSent(f, this.monotonic);
        return OK;
      },
      netRead: (handle: number, ptr: number, cap: number) => {
        const d = this.netAt(handle);
        if (!d) return -EINVAL;
        const frame = d.take(this.monotonic);
        if (!frame) return -1;
        // Too long for the buffer: consumed and refused, as hvt does.
        if (frame.length > cap) return -EINVAL;
        this.bytes(ptr, frame.length).set(frame);
        return frame.length;
      },
      blockInfo: (handle: number, ptr: number) => {
        const d = this.blockAt(handle);
        if (!d) return -1;
        const v = new DataView(this.memory.buffer, this.bytes(ptr, 10).byteOffset, 10);
        v.setBigUint64(0, BigInt(d.data.length), true);
        v.setUint16(8, d.blockSize, true);
        return 0;
      },
      blockWrite: (handle: number, offset: bigint, ptr: number, len: number) => {
        const d = this.blockAt(handle);
        if (!d || !d.valid(offset, len)) return EINVAL;
        d.data.set(this.bytes(ptr, len), Number(offset));
        return OK;
      },
      blockRead: (handle: number, offset: bigint, ptr: number, len: number) => {
        const d = this.blockAt(handle);
        if (!d || !d.valid(offset, len)) return EINVAL;
        this.bytes(ptr, len).set(d.data.subarray(Number(offset), Number(offset) + len));
        return OK;
      },
      memoryLimit: () => this.memoryLimit,
      exits: () => -1n,
      ...assetImports(this.assets, this.bytes),
    };
  }

  private env() {
    return {
      abort: (msg: number, file: number, line: number, col: number) => {
        this.console += `abort: ${this.string(msg) ?? "(no message)"} at ${this.string(file) ?? "?"}:${line}:${col}\n`;
        this.halt(255);
      },
      seed: () => this.nextRandom() / 2 ** 32 * Number.MAX_SAFE_INTEGER,
      trace: (msg: number, n: number, ...args: number[]) => {
        this.console += `trace: ${this.string(msg)}${n > 0 ? " " + args.slice(0, n).join(", ") : ""}\n`;
      },
    };
  }
}
