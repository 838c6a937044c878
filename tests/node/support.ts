/**
 * Running apps on the node target inside a test: built with the target's
 * build, started in this process on 127.0.0.1 with their console captured,
 * talked to by real tools (curl, socat, dig) over loopback: no namespace,
 * no root, no KVM needed. Every port is a free one above 1024.
 */
import { execFile } from "node:child_process";
import net from "node:net";
import path from "node:path";
import { promisify } from "node:util";
import { ROOT } from "../harness/build.ts";
import { buildNode, type NodeBuild } from "../../toolchain/targets/node/build.ts";
import { NodeImage } from "../../toolchain/targets/node/image.ts";

export const exec = promisify(execFile);

export interface Running {
  image: NodeImage;
  console: () => string;
}

const built = new Map<string, Promise<NodeBuild>>();

/** The node build of the app in `dir` (relative to the repository), once per test file. */
export function build(dir: string): Promise<NodeBuild> {
  let b = built.get(dir);
  if (!b) built.set(dir, (b = buildNode(path.join(ROOT, dir))));
  return b;
}

export async function start(dir: string, cmdline: string, ports = new Map<number, number>()): Promise<Running> {
  const b = await build(dir);
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
