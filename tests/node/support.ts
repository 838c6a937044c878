/**
 * Running apps on the node target inside a test: built with the target's
 * build, started in this process on 127.0.0.1 with their console captured,
 * talked to by real tools (curl, socat, dig) over loopback: no namespace,
 * no root, no KVM needed. Every port is a free one above 1024.
 */
import { execFile, spawn } from "node:child_process";
import { cpSync, readFileSync, rmSync } from "node:fs";
import net from "node:net";
import path from "node:path";
import { promisify } from "node:util";
import { ROOT } from "../harness/index.ts";
import { buildNode, type NodeBuild } from "../../toolchain/targets/node/build.ts";
import { NodeImage } from "../../toolchain/targets/node/image.ts";
import type { TlsFiles } from "../../toolchain/tls/credentials.ts";

export const exec = promisify(execFile);

export interface Running {
  image: NodeImage;
  console: () => string;
}

const built = new Map<string, Promise<NodeBuild>>();

/** The node build of the app in `dir` (relative to the repository), once
 * per test file (and per TLS credentials). */
export function build(dir: string, tls?: TlsFiles): Promise<NodeBuild> {
  const key = tls ? `${dir}\0${tls.cert}` : dir;
  let b = built.get(key);
  if (!b) built.set(key, (b = buildNode(path.join(ROOT, dir), { tls })));
  return b;
}

export async function start(dir: string, cmdline: string, ports = new Map<number, number>(), tls?: TlsFiles): Promise<Running> {
  const b = await build(dir, tls);
  let out = "";
  const module = await WebAssembly.compile(b.wasm as Uint8Array<ArrayBuffer>);
  const image = new NodeImage(module, {
    cmdline, assets: b.assets, sourceMap: b.sourceMap, ports,
    write: (bytes) => (out += Buffer.from(bytes).toString("utf8")),
  });
  return { image, console: () => out };
}

/** A TCP and UDP port above 1024 that nothing uses now (the kernel's pick). */
export async function freePort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, "127.0.0.1", r));
  const port = (s.address() as net.AddressInfo).port;
  await new Promise((r) => s.close(r));
  return port;
}

/** Wait until `text` shows in the console (the image logs once it serves). */
export async function waitFor(r: Running, text: string, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!r.console().includes(text)) {
    if (Date.now() > end) throw new Error(`no "${text}" on the console after ${ms} ms; it says:\n${r.console()}`);
    await new Promise((res) => setTimeout(res, 20));
  }
}

export interface RunCommand {
  /** Everything it printed so far, stdout and stderr. */
  output: () => string;
  /** Wait until `text` shows in its output; throws if it exits first. */
  until: (text: string, ms?: number) => Promise<void>;
  /** End it, by its PID. */
  stop: () => void;
}

/** `morgana run ARGS…` as a process of its own. */
export function morganaRun(args: string[]): RunCommand {
  const child = spawn(process.execPath, [path.join(ROOT, "toolchain/bin/morgana.mjs"), "run", ...args], { stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  child.stdout.on("data", (d) => (out += d));
  child.stderr.on("data", (d) => (out += d));
  return {
    output: () => out,
    until: async (text, ms = 60_000) => {
      const end = Date.now() + ms;
      while (!out.includes(text)) {
        if (Date.now() > end || child.exitCode !== null) throw new Error(`no "${text}" from morgana run ${args.join(" ")}:\n${out}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    stop: () => {
      if (child.exitCode === null) process.kill(child.pid!);
    },
  };
}

/** A fresh copy of apps/NAME at build/COPY, two folders deep as apps/NAME
 * is, so that its imports of libos resolve: for editing under --watch.
 * Its folder, its main.ts and that file's text. */
export function copyApp(name: string, copy: string): { dir: string; main: string; source: string } {
  const dir = path.join(ROOT, "build", copy);
  rmSync(dir, { recursive: true, force: true });
  cpSync(path.join(ROOT, "apps", name), dir, { recursive: true });
  const main = path.join(dir, "main.ts");
  return { dir, main, source: readFileSync(main, "utf8") };
}
