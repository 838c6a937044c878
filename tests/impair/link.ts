/**
 * An impaired link for end-to-end tests: two network namespaces that the
 * test creates (and removes), joined through the seeded impairment
 * forwarder (impair.c) instead of directly:
 *
 *   guest ns:  tender --tap0--[impair]--vethg ====== vethl-- 10.0.0.1/24  :linux ns
 *                                                           curl, wrk
 *
 * The guest namespace holds no address at all, so its kernel answers
 * nothing; the Linux namespace holds the peer's address and runs the
 * tools. Offloads are off on every interface the forwarder touches, so
 * frames are real frames of at most the MTU. Without impairments
 * (`createLink({})`) the forwarder still runs and passes everything.
 *
 *   const link = await createLink({ seed: 7, loss: 0.05 });
 *   try { ... link.linux.exec(["curl", ...]) ... } finally { await link.destroy(); }
 */
import { execFile, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdir, rename, stat } from "node:fs/promises";
import path from "node:path";
import { promisify } from "node:util";
import { root } from "../../toolchain/root.ts";
import { inNamespace, live, run, type ExecResult } from "../support/netns.ts";

const execFileP = promisify(execFile);
const source = path.join(root, "tests", "impair", "impair.c");
const outDir = path.join(root, "build", "impair");

/** Builds tests/impair/impair.c when it is newer than the binary; its path. */
export async function buildImpair(): Promise<string> {
  const out = path.join(outDir, "impair");
  const fresh = await stat(out).then((o) => stat(source).then((s) => o.mtimeMs >= s.mtimeMs)).catch(() => false);
  if (fresh) return out;
  await mkdir(outDir, { recursive: true });
  const tmp = `${out}.${process.pid}.tmp`;
  await execFileP("gcc", ["-O2", "-Wall", "-Wextra", "-Werror", "-o", tmp, source]);
  await rename(tmp, out);
  return out;
}

export interface Impairments {
  seed?: number;
  loss?: number;
  dup?: number;
  reorder?: number;
  corrupt?: number;
  delayMs?: number;
  jitterMs?: number;
  /** Give the Linux side fd00::1/64 too (IPv6 on, without DAD). */
  ipv6?: boolean;
}

export interface Ns {
  name: string;
  exec(cmd: string[], opts?: { timeoutMs?: number }): Promise<ExecResult>;
  /** Started here; killed (by PID) by destroy() if still running. */
  spawn(cmd: string[]): ChildProcess;
}

export interface Link {
  /** Where the tender runs, with its tap. */
  guest: Ns;
  tap: string;
  /** Where the peer's tools run; its address is 10.0.0.1/24. */
  linux: Ns;
  /** The forwarder's final counters, one line per direction (after destroy). */
  stats: string;
  destroy(): Promise<void>;
}

async function must(cmd: string, args: string[]): Promise<void> {
  const r = await run(cmd, args);
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(" ")} failed: ${r.stderr}`);
}

const namespace = (name: string, children: Set<ChildProcess>): Ns => inNamespace(name, children);

export async function createLink(imp: Impairments): Promise<Link> {
  const impair = await buildImpair();
  const id = `${process.pid}-${randomBytes(3).toString("hex")}`;
  const g = `mgimp-g-${id}`;
  const l = `mgimp-l-${id}`;
  const children = new Set<ChildProcess>();
  const guest = namespace(g, children);
  const linux = namespace(l, children);
  let forwarder: ChildProcess | null = null;
  let forwarderOut = "";
  const link: Link = {
    guest, linux, tap: "tap0", stats: "",
    async destroy() {
      if (forwarder?.pid !== undefined && forwarder.exitCode === null) {
        const done = new Promise((r) => forwarder!.on("close", r));
        process.kill(forwarder.pid, "SIGTERM");
        await Promise.race([done, new Promise((r) => setTimeout(r, 2000))]);
      }
      link.stats = forwarderOut.split("\n").filter((s) => s.includes("in=")).join("\n");
      for (const c of children) if (c.pid !== undefined && c.exitCode === null) process.kill(c.pid, "SIGKILL");
      for (const ns of [g, l]) {
        await run("ip", ["netns", "del", ns]).catch(() => undefined);
        live.delete(ns);
      }
    },
  };
  try {
    for (const ns of [g, l]) {
      await must("ip", ["netns", "add", ns]);
      live.add(ns);
      // No IPv6: its router solicitations would only add noise.
      if (!(imp.ipv6 && ns === l)) await must("ip", ["netns", "exec", ns, "sysctl", "-qw", "net.ipv6.conf.all.disable_ipv6=1", "net.ipv6.conf.default.disable_ipv6=1"]);
      await must("ip", ["-n", ns, "link", "set", "lo", "up"]);
    }
    await must("ip", ["netns", "exec", g, "ip", "tuntap", "add", "dev", "tap0", "mode", "tap"]);
    await must("ip", ["link", "add", "vethg", "netns", g, "type", "veth", "peer", "name", "vethl", "netns", l]);
    await must("ip", ["-n", l, "addr", "add", "10.0.0.1/24", "dev", "vethl"]);
    if (imp.ipv6) {
      await must("ip", ["netns", "exec", l, "sysctl", "-qw", "net.ipv6.conf.vethl.accept_dad=0", "net.ipv6.conf.vethl.router_solicitations=0"]);
      await must("ip", ["-n", l, "-6", "addr", "add", "fd00::1/64", "dev", "vethl", "nodad"]);
    }
    for (const [ns, dev] of [[g, "tap0"], [g, "vethg"], [l, "vethl"]]) {
      // Every frame a real frame: no segmentation or checksum offload.
      await run("ip", ["netns", "exec", ns, "ethtool", "-K", dev, "tso", "off", "gso", "off", "gro", "off", "tx", "off"]);
      await must("ip", ["-n", ns, "link", "set", dev, "up"]);
    }
    const args = ["--a", "tap0", "--b", "vethg", "--seed", String(imp.seed ?? 1)];
    if (imp.loss) args.push("--loss", String(imp.loss));
    if (imp.dup) args.push("--dup", String(imp.dup));
    if (imp.reorder) args.push("--reorder", String(imp.reorder));
    if (imp.corrupt) args.push("--corrupt", String(imp.corrupt));
    if (imp.delayMs) args.push("--delay", String(imp.delayMs));
    if (imp.jitterMs) args.push("--jitter", String(imp.jitterMs));
    forwarder = guest.spawn([impair, ...args]);
    forwarder.stdout!.setEncoding("utf8").on("data", (d: string) => (forwarderOut += d));
    forwarder.stderr!.setEncoding("utf8").on("data", (d: string) => (forwarderOut += d));
    const deadline = Date.now() + 5000;
    while (!forwarderOut.includes("ready")) {
      if (Date.now() > deadline || forwarder.exitCode !== null) throw new Error(`impair did not start: ${forwarderOut}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  } catch (err) {
    await link.destroy();
    throw err;
  }
  return link;
}
