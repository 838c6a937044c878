/**
 * The attack suite's crafted-frame peer (peer.py, Python with raw sockets)
 * run inside a test's namespace, and the check made after every case: a
 * normal client is still served.
 */
import path from "node:path";
import { expect } from "vitest";
import type { Netns } from "../support/netns.ts";

const PEER = path.join(import.meta.dirname, "peer.py");

export interface PeerResult {
  sent: number;
  received: number;
}

/** Run peer.py with `args` in `ns` (bounded by its own count and wait,
 * and killed after `timeoutMs`). */
export async function peer(ns: Netns, args: (string | number)[], timeoutMs = 30_000): Promise<PeerResult> {
  const r = await ns.exec(["/usr/bin/python3", PEER, ...args.map(String)], { timeoutMs });
  const m = r.stdout.match(/sent (\d+) received (\d+)/);
  if (!m) throw new Error(`peer.py ${args.join(" ")}: no result (status ${r.status}):\n${r.stdout}${r.stderr}`);
  return { sent: Number(m[1]), received: Number(m[2]) };
}

/** A normal UDP client (socat) gets its echo from 10.0.0.2:7. */
export async function echoServed(ns: Netns): Promise<void> {
  const r = await ns.exec(["sh", "-c", "printf 'normal client' | socat -T 2 - UDP:10.0.0.2:7"], { timeoutMs: 10_000 });
  expect(r.stdout).toBe("normal client");
}
