/**
 * Boot to first answer on each target: the website (GET /index.html, 200)
 * and dns (a UDP query for morgana.test SOA) started by first-answer.c,
 * which times from its fork of the tender (or Node) to the first answer:
 *
 * - hvt under Morgana's tender, solo5-hvt 0.12.1 (Solo5's ring, and the
 *   image's --net-rings=false) and solo5-hvt 0.9.3, on a tap (the
 *   client's neighbour entry set by hand, so ARP does not count);
 * - spt under solo5-spt 0.12.1, on a tap;
 * - node: the Wasm built beforehand (`--target node`), run by Node as
 *   `morgana run` runs it once built (tests/bench/node-boot.ts: Node's
 *   start, the TypeScript loader, compiling the Wasm), on 127.0.0.1.
 *
 * Rounds interleave the targets; medians and minimums in milliseconds.
 * Every query goes to a namespace made here (loopback inside it for node).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { ChildProcess } from "node:child_process";
import { buildApp } from "../../toolchain/build/index.ts";
import { buildNodeApp } from "../../toolchain/targets/node/build.ts";
import { defaultTenderPath } from "../../toolchain/tender/build.ts";
import { root } from "../../toolchain/root.ts";
import { createNetns } from "../support/netns.ts";
import { hasKvm, tenders } from "../support/tender.ts";
import { buildFirstAnswer, startTimed, type Probe } from "./first-answer.ts";
import { median, minimum } from "./stats.ts";
import type { Suite, Table } from "./suite.ts";

const MAC = "02:00:5e:00:53:09";
const APPS = [
  { name: "website", probe: (addr: string): Probe => ({ kind: "http", addr, port: 80, what: "/index.html" }) },
  { name: "dns", probe: (addr: string): Probe => ({ kind: "dns", addr, port: 53, what: "morgana.test" }) },
];

interface Way {
  name: string;
  target: "hvt" | "spt" | "node";
  /** The command that serves `image` (tap `tap` for hvt and spt). */
  command(image: string, app: string, tap: string): string[];
}

function ways(): Way[] {
  const onTap = (tender: string, guestArgs: string[] = []) => (image: string, _app: string, tap: string) =>
    [tender, "--mem=64", `--net:service=${tap}`, `--net-mac:service=${MAC}`, "--", image, "--ipv4=10.0.0.2/24", ...guestArgs];
  const list: Way[] = [{ name: "hvt, Morgana's tender", target: "hvt", command: onTap(defaultTenderPath) }];
  for (const t of tenders("smoke").filter((t) => !t.bundled && !t.missing)) {
    list.push({ name: t.target === "hvt" ? `hvt, ${t.name}` : `spt, ${t.name}`, target: t.target, command: onTap(t.path) });
    if (t.name === "solo5-hvt 0.12.1")
      list.push({ name: `hvt, ${t.name}, --net-rings=false`, target: "hvt", command: onTap(t.path, ["--net-rings=false"]) });
  }
  list.push({
    name: "node", target: "node",
    command: (image, app) => [process.execPath, path.join(root, "toolchain/bin/run-ts.mjs"), path.join(root, "tests/bench/node-boot.ts"),
      image, path.join(root, "apps", app)],
  });
  return list;
}

function kill(c: ChildProcess | null): void {
  if (c?.pid !== undefined && c.exitCode === null) process.kill(c.pid, "SIGTERM");
}

export const targets: Suite = {
  name: "targets",
  about: "boot to first answer on each target (hvt on three tenders, spt, node): website and dns",
  async run(ctx) {
    if (!hasKvm) throw new Error("needs /dev/kvm");
    const rounds = ctx.rounds ?? 5;
    const list = ways();
    const images = new Map<string, string>();
    for (const app of APPS) {
      ctx.log(`building ${app.name} for hvt, spt and node`);
      const dir = path.join(root, "apps", app.name);
      images.set(`${app.name}.hvt`, (await buildApp(dir)).image);
      images.set(`${app.name}.spt`, (await buildApp(dir, { target: "spt" })).image);
      images.set(`${app.name}.node`, await buildNodeApp(dir));
    }
    const work = mkdtempSync(path.join(tmpdir(), "bench-targets-"));
    const probe = buildFirstAnswer(work);
    const ms = new Map<string, number[]>();
    try {
      for (let round = 1; round <= rounds; round++) {
        for (const app of APPS) {
          for (const w of list) {
            const ns = await createNetns();
            let child: ChildProcess | null = null;
            try {
              const addr = w.target === "node" ? "127.0.0.1" : "10.0.0.2";
              if (w.target !== "node") await ns.exec(["ip", "neigh", "replace", "10.0.0.2", "lladdr", MAC, "dev", ns.tap, "nud", "permanent"]);
              const timed = startTimed(probe, ns, app.probe(addr), w.command(images.get(`${app.name}.${w.target}`)!, app.name, ns.tap));
              child = timed.child;
              const t = await timed.answered;
              const key = `${app.name}\0${w.name}`;
              ms.set(key, [...(ms.get(key) ?? []), t]);
              ctx.log(`round ${round}: ${app.name}, ${w.name}: ${t.toFixed(1)} ms`);
            } finally {
              kill(child);
              await ns.destroy();
            }
          }
        }
      }
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
    const cell = (app: string, w: Way) => {
      const v = ms.get(`${app}\0${w.name}`) ?? [];
      return v.length ? `${median(v).toFixed(1)} (${minimum(v).toFixed(1)})` : "-";
    };
    const table: Table = {
      title: `Boot to first answer, ms: median (minimum) of ${rounds} interleaved rounds`,
      head: ["target", ...APPS.map((a) => a.name)],
      rows: list.map((w) => [w.name, ...APPS.map((a) => cell(a.name, w))]),
      notes: [
        "from first-answer.c's fork of the tender (node: of Node) to the first 200 to GET /index.html, or NOERROR to a UDP query for morgana.test SOA",
        "hvt and spt on a tap in a namespace of their own (--mem=64); node on 127.0.0.1 there, its Wasm built beforehand (no compile counted)",
      ],
    };
    return [table];
  },
};
