/**
 * Booting a real image for an end-to-end test: in a network namespace made
 * for the test (netns.ts), on a tap whose Linux side is the test's host,
 * under the tender that boots that kind of image, the test talking to it
 * with real tools. Everything is removed by stop(), also when the test fails.
 *
 *   const why = bootSkipReason("dist/demo.hvt");   // "" when it can run here
 *   const vm = await bootInNetns("dist/demo.hvt", { ready: /echoing UDP/ });
 *   try {
 *     await vm.exec(["sh", "-c", `echo hi | socat - UDP:${vm.address}:7`]);
 *   } finally {
 *     await vm.stop();
 *   }
 *
 * Needs root, iproute2 and /dev/net/tun (the namespace), and /dev/kvm for an
 * hvt image; bootSkipReason says which is missing so a test can skip
 * visibly. The tender: $MORGANA_TENDER if set, else Morgana's own for .hvt
 * (built with gcc on first use), solo5-spt from the PATH for .spt.
 */
import type { ChildProcess } from "node:child_process";
import { execFileSync } from "node:child_process";
import { accessSync, constants } from "node:fs";
import { buildTender } from "../tender/build.ts";
import { createNetns, hasNetns, type ExecResult, type Netns } from "./netns.ts";

function kvmUsable(): boolean {
  try {
    accessSync("/dev/kvm", constants.R_OK | constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

/** Whether /dev/kvm can be opened for reading and writing. */
export const hasKvm: boolean = kvmUsable();

const onPath = (cmd: string): boolean => {
  try {
    execFileSync("sh", ["-c", `command -v ${cmd}`], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
};

/** Why `image` cannot be booted on a tap here ("" when it can). */
export function bootSkipReason(image: string): string {
  if (!hasNetns) return "needs root, iproute2 (ip) and /dev/net/tun for a network namespace with a tap";
  if (process.env.MORGANA_TENDER) return image.endsWith(".hvt") && !hasKvm ? "/dev/kvm is not available (or not read/writable)" : "";
  if (image.endsWith(".spt")) return onPath("solo5-spt") ? "" : "an .spt image needs solo5-spt on the PATH (or MORGANA_TENDER)";
  if (!hasKvm) return "/dev/kvm is not available (or not read/writable)";
  return onPath("gcc") ? "" : "Morgana's tender is built with gcc: apt-get install gcc";
}

/** An image running under a tender, its console read as it runs. */
export interface Running {
  child: ChildProcess;
  /** Everything it printed so far, stdout and stderr together. */
  output(): string;
  /** Its exit status, once it exits (null if killed). */
  exited: Promise<number | null>;
}

/**
 * Starts `image` under `tender` inside `ns`, its "service" device on the
 * namespace's tap with MAC `mac`, and resolves once its console matches
 * `ready`; rejects if it exits first or is not ready after `timeoutMs`.
 */
export async function startImage(tender: string, ns: Netns, image: string, args: string[], ready: RegExp, timeoutMs = 10_000, mac = "02:00:5e:10:20:53", mem = 64): Promise<Running> {
  const child = ns.spawn([tender, `--mem=${mem}`, `--net:service=${ns.tap}`, `--net-mac:service=${mac}`, "--", image, ...args]);
  let out = "";
  child.stdout!.setEncoding("utf8").on("data", (d: string) => (out += d));
  child.stderr!.setEncoding("utf8").on("data", (d: string) => (out += d));
  const exited = new Promise<number | null>((resolve) => child.on("close", (status) => resolve(status)));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${image} not ready after ${timeoutMs} ms:\n${out}`)), timeoutMs);
    const check = () => {
      if (ready.test(out)) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout!.on("data", check);
    child.stderr!.on("data", check);
    exited.then((status) => {
      clearTimeout(timer);
      reject(new Error(`${image} exited with ${status}:\n${out}`));
    });
  });
  return { child, output: () => out, exited };
}

export interface BootOptions {
  /** The image's boot arguments (default: --ipv4=ADDRESS/24). */
  args?: string[];
  /** The console text that says the image is ready (default: its first line). */
  ready?: RegExp;
  /** The image's address (default 10.0.0.2); the host side is 10.0.0.1/24. */
  address?: string;
  /** Guest memory in MiB (default 64). */
  mem?: number;
  /** The tender binary (default: see the file's comment). */
  tender?: string;
  timeoutMs?: number;
}

/** An image booted by bootInNetns. */
export interface Booted extends Running {
  /** The image's address, e.g. "10.0.0.2". */
  address: string;
  /** The Linux side's address, e.g. "10.0.0.1". */
  hostAddress: string;
  /** The namespace, for running more there. */
  ns: Netns;
  /** Runs a command in the namespace (curl, dig, socat…) to completion. */
  exec(cmd: string[], opts?: { timeoutMs?: number }): Promise<ExecResult>;
  /** Kills the tender, removes the tap and the namespace. */
  stop(): Promise<void>;
}

async function tenderFor(image: string): Promise<string> {
  if (process.env.MORGANA_TENDER) return process.env.MORGANA_TENDER;
  return image.endsWith(".spt") ? "solo5-spt" : buildTender();
}

/** Boots `image` in a namespace of its own (see the file's comment). */
export async function bootInNetns(image: string, opts: BootOptions = {}): Promise<Booted> {
  const why = bootSkipReason(image);
  if (why) throw new Error(`cannot boot ${image} here: ${why} (check bootSkipReason first)`);
  const address = opts.address ?? "10.0.0.2";
  const tender = opts.tender ?? (await tenderFor(image));
  const ns = await createNetns();
  // A MAC of our own per boot: the locally administered 02: prefix.
  const mac = `02:${[...crypto.getRandomValues(new Uint8Array(5))].map((b) => b.toString(16).padStart(2, "0")).join(":")}`;
  try {
    const run = await startImage(tender, ns, image, opts.args ?? [`--ipv4=${address}/24`], opts.ready ?? /\n/, opts.timeoutMs, mac, opts.mem);
    return { ...run, address, hostAddress: ns.hostAddr.split("/")[0], ns, exec: ns.exec, stop: () => ns.destroy() };
  } catch (e) {
    await ns.destroy();
    throw e;
  }
}
