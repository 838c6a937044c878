/**
 * `morgana run APP|DIR [--watch] [--bind ADDRESS] [--map-port GUEST=HOST]...
 *  [--OPTION DIR] [-- BOOT ARGUMENTS]`: build APP for the node target and
 * run it in this process, on host sockets. Boot arguments are the same as
 * on hvt (--port=8080, --log=debug, --stats=5). --watch rebuilds and
 * restarts when a file under the app's folder or libos changes; a build error is
 * printed and the last good image keeps running.
 *
 * Exit status: the image's (0, 1, 255) without --watch.
 */
import { watch } from "node:fs";
import path from "node:path";
import { root } from "../../root.ts";
import { BuildError } from "../../diagnostics.ts";
import { buildNode } from "./build.ts";
import type { TlsFiles } from "../../tls/credentials.ts";
import { NodeImage } from "./image.ts";

export interface RunOptions {
  /** The app's folder (main.ts, app.json). */
  appDir: string;
  bootArgs: string[];
  watch: boolean;
  bind: string;
  ports: Map<number, number>;
  assetDirs: Record<string, string>;
  /** --tls-ca: trust anchors for the TLS client (toolchain/cert/anchors.ts). */
  tlsCa?: string;
  /** --tls-cert/--tls-key (apps with "tls": true). */
  tls?: TlsFiles;
}

/** `--map-port 53=5353`: the guest's port 53 is the host's 5353. */
export function parsePortMap(values: string[]): Map<number, number> {
  const ports = new Map<number, number>();
  for (const v of values) {
    const m = /^(\d+)[=:](\d+)$/.exec(v);
    const [g, h] = m ? [+m[1], +m[2]] : [0, 0];
    if (!m || g < 1 || g > 65535 || h < 1 || h > 65535) {
      throw new Error(`--map-port takes GUEST=HOST, two ports from 1 to 65535, not "${v}"`);
    }
    ports.set(g, h);
  }
  return ports;
}

/** Only IPv4 addresses: the guest's stack over host sockets is IPv4 today. */
export function checkBind(address: string): string {
  if (!/^\d+\.\d+\.\d+\.\d+$/.test(address)) throw new Error(`--bind takes an IPv4 address, not "${address}"`);
  return address;
}

const log = (line: string) => console.error(`morgana run: ${line}`);

/** Build the app; null after printing a build error. */
async function build(o: RunOptions): Promise<(() => NodeImage) | null> {
  try {
    const b = await buildNode(o.appDir, { assetDirs: o.assetDirs, tls: o.tls, tlsCa: o.tlsCa });
    for (const w of b.warnings) log(`warning: ${w}`);
    log(`${b.name} built in ${(b.ms / 1000).toFixed(2)} s (wasm ${(b.wasm.length / 1024).toFixed(0)} KB), on ${o.bind}`);
    const module = await WebAssembly.compile(b.wasm as Uint8Array<ArrayBuffer>);
    return () => new NodeImage(module, { cmdline: o.bootArgs.join(" "), assets: b.assets, sourceMap: b.sourceMap, bind: o.bind, ports: o.ports });
  } catch (e) {
    if (e instanceof BuildError) {
      console.error(e.format());
      return null;
    }
    throw e;
  }
}

/** Run until the image exits (its status), or for ever with --watch. */
export async function runApp(o: RunOptions): Promise<number> {
  const first = await build(o);
  let image = first ? first() : null;
  if (!o.watch) return image ? image.exited : 1;
  let timer: NodeJS.Timeout | null = null;
  // The old image serves until the new one is built; a failed build
  // leaves it running.
  const restart = async () => {
    timer = null;
    log("a source changed: rebuilding");
    const next = await build(o);
    if (!next) return;
    image?.stop();
    image = next();
  };
  for (const dir of [o.appDir, path.join(root, "libos"), ...Object.values(o.assetDirs)]) {
    // Editors write a file in several steps: one rebuild per burst.
    watch(dir, { recursive: true }, () => {
      if (timer) clearTimeout(timer);
      timer = setTimeout(() => void restart(), 50);
    });
  }
  return new Promise(() => {}); // until interrupted
}
