/**
 * Builds the tender's test guests with gcc into build/test/tender/: the one
 * guest program (guest.c) linked with notes.c compiled under the -D flags
 * of a variant (see notes.c), using this folder's linker script. Outputs are
 * written under a temporary name and renamed, so test files may build the
 * same guest at the same time.
 */
import { execFile, type ChildProcess } from "node:child_process";
import { mkdir, rename, rm } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { Netns } from "../../support/netns.ts";

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, "../../..");
export const outDir = path.join(root, "build", "test", "tender");

const cflags = [
  "-O2", "-mgeneral-regs-only", "-ffreestanding", "-fno-pic", "-fno-pie",
  "-fno-stack-protector", "-fno-asynchronous-unwind-tables", "-fcf-protection=none",
  "-mno-red-zone", "-Wall", "-Wextra", "-Werror", "-I", path.join(root, "boot"),
];
const ldflags = [
  "-nostdlib", "-static", "-no-pie", "-Wl,-T," + path.join(here, "guest.ld"),
  "-Wl,-z,max-page-size=0x1000", "-Wl,--build-id=none", "-Wl,-z,noexecstack",
];

function gcc(args: string[]): Promise<void> {
  return new Promise((resolve, reject) =>
    execFile("gcc", args, (err, _out, stderr) =>
      err ? reject(new Error(`gcc ${args.join(" ")}\n${stderr}`)) : resolve(),
    ),
  );
}

let unique = 0;
const tmpName = (file: string) => `${file}.${process.pid}.${unique++}.tmp`;

let guestObject: Promise<string> | undefined;
function buildGuestObject(): Promise<string> {
  guestObject ??= (async () => {
    await mkdir(outDir, { recursive: true });
    const out = path.join(outDir, "guest.o");
    const tmp = tmpName(out);
    await gcc([...cflags, "-c", path.join(here, "guest.c"), "-o", tmp]);
    await rename(tmp, out);
    return out;
  })();
  return guestObject;
}

/**
 * Links build/test/tender/NAME.hvt with the notes built under `defines`
 * (e.g. ["DEVICES=NET"], ["NO_ABI"]) and returns its path.
 */
export async function buildGuest(name: string, defines: string[] = []): Promise<string> {
  const guest = await buildGuestObject();
  const notes = tmpName(path.join(outDir, `${name}.notes.o`));
  const d = defines.map((x) => `-D${x}`);
  await gcc([...cflags, ...d, "-c", path.join(here, "notes.c"), "-o", notes]);
  const out = path.join(outDir, `${name}.hvt`);
  const tmp = tmpName(out);
  try {
    await gcc([...ldflags, "-o", tmp, guest, notes]);
    await rename(tmp, out);
  } finally {
    await rm(notes, { force: true });
  }
  return out;
}

/** Builds the Linux-side packet tool (tests/tender/host/pkt.c); its path. */
export async function buildPktTool(): Promise<string> {
  await mkdir(outDir, { recursive: true });
  const out = path.join(outDir, "pkt");
  const tmp = tmpName(out);
  await gcc(["-O2", "-Wall", "-Wextra", "-Werror", "-o", tmp, path.join(here, "..", "host", "pkt.c")]);
  await rename(tmp, out);
  return out;
}

/** Starts pkt in the namespace; resolves `ready` once its socket is bound,
 * `done` when it exits. */
export function startPkt(ns: Netns, pkt: string, args: string[]) {
  const child: ChildProcess = ns.spawn([pkt, ...args]);
  let stdout = "";
  let stderr = "";
  const ready = new Promise<void>((resolve, reject) => {
    child.stdout!.setEncoding("utf8").on("data", (d: string) => {
      stdout += d;
      if (stdout.startsWith("ready\n")) resolve();
    });
    child.stderr!.setEncoding("utf8").on("data", (d: string) => (stderr += d));
    child.on("close", () => reject(new Error(`pkt exited before it was ready: ${stderr}`)));
  });
  const done = new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) =>
    child.on("close", (status) => resolve({ status, stdout, stderr })),
  );
  return { ready, done };
}

/** The `key=value` lines a test guest prints, as a record. */
export function values(stdout: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of stdout.split("\n")) {
    const m = /^([a-z0-9_]+)=(.*)$/.exec(line);
    if (m) out[m[1]] = m[2];
  }
  return out;
}
