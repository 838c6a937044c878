/**
 * Booting an app image inside a test's namespace and waiting until its
 * console says it is ready; plus a UDP probe run by Node inside the
 * namespace, for hand-made (malformed) DNS messages that dig cannot send.
 */
import { startImage, type Running } from "../../toolchain/testing/boot.ts";
import type { Netns } from "../support/netns.ts";
import type { Tender } from "../support/tender.ts";

export type { Running };

/** Boot `image` under `tender` with `args` on the namespace's tap; resolves
 * once the console matches `ready` (morgana/testing's startImage). */
export function bootImage(tender: Tender, ns: Netns, image: string, args: string[], ready: RegExp, timeoutMs = 10_000, mac = "02:00:5e:10:20:53"): Promise<Running> {
  return startImage(tender.path, ns, image, args, ready, timeoutMs, mac);
}

/** Send each hex payload to host:port over UDP from inside `ns`, one at a
 * time, waiting up to `waitMs` for an answer: the answers as hex ("" for
 * none). Bounded: one datagram per payload, the whole run under 30 s. */
export async function udpProbe(ns: Netns, host: string, port: number, payloads: string[], waitMs = 400): Promise<string[]> {
  const script = `
const dgram = require("node:dgram");
const payloads = ${JSON.stringify(payloads)};
const s = dgram.createSocket("udp4");
const out = [];
let i = 0, timer = null;
const next = () => {
  if (i >= payloads.length) { console.log(JSON.stringify(out)); s.close(); return; }
  const p = Buffer.from(payloads[i++], "hex");
  out.push("");
  timer = setTimeout(next, ${waitMs});
  s.send(p, ${port}, ${JSON.stringify(host)});
};
s.on("message", (m) => { if (out.length) out[out.length - 1] = m.toString("hex"); clearTimeout(timer); next(); });
s.bind(0, next);`;
  const r = await ns.exec([process.execPath, "-e", script], { timeoutMs: 30_000 });
  if (r.status !== 0) throw new Error(`udp probe failed: ${r.stderr}`);
  return JSON.parse(r.stdout.trim());
}

/** A DNS query: id, flags, one question (name as dotted text), optional
 * OPT record with `udpSize` and `version`. Hex. */
export function query(name: string, type: number, opts: { id?: number; flags?: number; edns?: { udpSize?: number; version?: number } } = {}): string {
  const labels = name.replace(/\.$/, "").split(".").filter((l) => l.length);
  const qname = Buffer.concat([...labels.map((l) => Buffer.concat([Buffer.of(l.length), Buffer.from(l)])), Buffer.of(0)]);
  const h = Buffer.alloc(12);
  h.writeUInt16BE(opts.id ?? 0x1234, 0);
  h.writeUInt16BE(opts.flags ?? 0, 2);
  h.writeUInt16BE(1, 4);
  h.writeUInt16BE(opts.edns ? 1 : 0, 10);
  const q = Buffer.alloc(4);
  q.writeUInt16BE(type, 0);
  q.writeUInt16BE(1, 2);
  const parts = [h, qname, q];
  if (opts.edns) {
    const opt = Buffer.alloc(11);
    opt.writeUInt16BE(41, 1);
    opt.writeUInt16BE(opts.edns.udpSize ?? 1232, 3);
    opt[6] = opts.edns.version ?? 0;
    parts.push(opt);
  }
  return Buffer.concat(parts).toString("hex");
}
