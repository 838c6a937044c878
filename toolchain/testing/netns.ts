/**
 * Network namespaces for tests that send traffic. Every such test creates
 * its own namespace with a tap device inside (the Linux side of the link
 * gets an address, 10.0.0.1/24 by default), runs the tender and the Linux
 * tools inside it, and removes it afterwards — also when the test fails or
 * the process exits — so no traffic ever leaves namespaces the test made.
 *
 *   const ns = await createNetns();            // tap0 up, 10.0.0.1/24
 *   try {
 *     await runImage(img, { netns: ns.name, tenderArgs: [`--net:service=${ns.tap}`] });
 *     await ns.exec(["ping", "-c", "1", "-W", "1", "10.0.0.2"]);
 *   } finally {
 *     await ns.destroy();
 *   }
 *
 * or `await withNetns(async (ns) => { ... })`, which destroys it for you.
 * Needs root, iproute2 (`ip`) and /dev/net/tun; `hasNetns` says whether
 * they are there (skip visibly when not, as with KVM).
 */
import { execFile, execFileSync, spawn, type ChildProcess } from "node:child_process";
import { accessSync, constants } from "node:fs";
import { randomBytes } from "node:crypto";

function netnsUsable(): boolean {
  try {
    accessSync("/dev/net/tun", constants.R_OK | constants.W_OK);
    if (process.getuid?.() !== 0) return false;
    execFileSync("ip", ["-V"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

/** Whether this process can create namespaces with tap devices. */
export const hasNetns: boolean = netnsUsable();

export function warnNoNetns(suite: string): void {
  if (!hasNetns)
    console.warn(`${suite}: skipped: needs root, iproute2 (ip) and /dev/net/tun`);
}

export interface ExecResult {
  status: number;
  stdout: string;
  stderr: string;
}

export interface Netns {
  /** The namespace's name, for `ip netns exec NAME` and runImage's netns. */
  name: string;
  /** The tap device inside it, up, for --net:NAME=TAP. */
  tap: string;
  /** The Linux side's address with prefix, e.g. 10.0.0.1/24. */
  hostAddr: string;
  /** Its IPv6 address with prefix when one was asked for (fd00::1/64). */
  hostAddr6?: string;
  /** Runs a command inside the namespace to completion (killed after
   * timeoutMs, default 30 s, which rejects). Resolves whatever its status. */
  exec(cmd: string[], opts?: { timeoutMs?: number }): Promise<ExecResult>;
  /** Starts a command inside the namespace; the caller waits for or kills
   * it (by its PID). It is killed by destroy() if still running. */
  spawn(cmd: string[]): ChildProcess;
  /** Kills what spawn() started, deletes the tap and the namespace. */
  destroy(): Promise<void>;
}

/** Runs a command to completion, whatever its status; killed (by its PID)
 * and rejected after `timeoutMs`. */
export function run(cmd: string, args: string[], timeoutMs = 30_000): Promise<ExecResult> {
  return new Promise((resolve, reject) => {
    execFile(cmd, args, { timeout: timeoutMs, killSignal: "SIGKILL", maxBuffer: 64 << 20 }, (err, stdout, stderr) => {
      const e = err as { killed?: boolean; code?: unknown; message: string } | null;
      const code = e ? e.code : 0;
      if (e?.killed || typeof code !== "number")
        return reject(new Error(`${cmd} ${args.join(" ")}: ${e?.killed ? `killed after ${timeoutMs} ms` : e?.message}\n${stderr}`));
      resolve({ status: code, stdout, stderr });
    });
  });
}

async function ip(args: string[]): Promise<void> {
  const r = await run("ip", args);
  if (r.status !== 0) throw new Error(`ip ${args.join(" ")} failed: ${r.stderr}`);
}

/** Running commands in namespace `name`: exec to completion, spawn to
 * run on (each child kept in `children` until it closes, for killing). */
export function inNamespace(name: string, children: Set<ChildProcess>): Pick<Netns, "name" | "exec" | "spawn"> {
  const inNs = (cmd: string[]) => ["netns", "exec", name, ...cmd];
  return {
    name,
    exec: (cmd, o) => run("ip", inNs(cmd), o?.timeoutMs),
    spawn(cmd) {
      const child = spawn("ip", inNs(cmd), { stdio: ["ignore", "pipe", "pipe"] });
      children.add(child);
      child.on("close", () => children.delete(child));
      return child;
    },
  };
}

/** Namespaces not yet destroyed, removed on exit if a test forgot (add
 * one made by other means, delete it once removed). */
export const live = new Set<string>();
process.on("exit", () => {
  for (const name of live) {
    try {
      execFileSync("ip", ["netns", "del", name], { stdio: "ignore" });
    } catch {
      /* already gone */
    }
  }
});

/**
 * Creates a uniquely named namespace holding an up tap device with
 * `hostAddr` on it, and loopback up.
 */
export async function createNetns(opts: { tap?: string; hostAddr?: string; hostAddr6?: string } = {}): Promise<Netns> {
  const name = `morgana-${process.pid}-${randomBytes(4).toString("hex")}`;
  const tap = opts.tap ?? "tap0";
  const hostAddr = opts.hostAddr ?? "10.0.0.1/24";
  await ip(["netns", "add", name]);
  live.add(name);
  const children = new Set<ChildProcess>();
  const inNs = (cmd: string[]) => ["netns", "exec", name, ...cmd];
  const ns: Netns = {
    tap,
    hostAddr,
    hostAddr6: opts.hostAddr6,
    ...inNamespace(name, children),
    async destroy() {
      for (const child of children) if (child.pid !== undefined && child.exitCode === null) process.kill(child.pid, "SIGKILL");
      await run("ip", inNs(["ip", "link", "del", tap])).catch(() => undefined);
      await ip(["netns", "del", name]).catch(() => undefined);
      live.delete(name);
    },
  };
  try {
    await ip(inNs(["ip", "link", "set", "lo", "up"]));
    await ip(inNs(["ip", "tuntap", "add", "dev", tap, "mode", "tap"]));
    await ip(inNs(["ip", "addr", "add", hostAddr, "dev", tap]));
    if (opts.hostAddr6) {
      // No DAD on the Linux side: its addresses (link-local included) are
      // usable at once, and its probes do not clutter what tests capture.
      await ip(inNs(["sysctl", "-qw", `net.ipv6.conf.${tap}.accept_dad=0`, `net.ipv6.conf.${tap}.accept_ra=0`]));
      await ip(inNs(["ip", "-6", "addr", "add", opts.hostAddr6, "dev", tap, "nodad"]));
    }
    await ip(inNs(["ip", "link", "set", "dev", tap, "up"]));
  } catch (err) {
    await ns.destroy();
    throw err;
  }
  return ns;
}

/** Runs `fn` with a fresh namespace and always destroys it afterwards. */
export async function withNetns<T>(
  fn: (ns: Netns) => Promise<T>,
  opts?: { tap?: string; hostAddr?: string; hostAddr6?: string },
): Promise<T> {
  const ns = await createNetns(opts);
  try {
    return await fn(ns);
  } finally {
    await ns.destroy();
  }
}
