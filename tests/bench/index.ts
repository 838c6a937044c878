/**
 * `npm run bench [-- SUITE...] [--rounds N] [--list]`: runs the named
 * benchmark suites (all of them without a name) one after the other and
 * prints their tables. Adding a suite: write tests/bench/NAME.ts (or a
 * folder) exporting a `Suite` (see suite.ts) and add it to `suites` below.
 */
import { formatTable, type Suite } from "./suite.ts";
import { kernels } from "./kernels/suite.ts";
import { hello } from "./hello.ts";
import { dns } from "./dns.ts";
import { dnsDiff } from "./dns-diff.ts";
import { website } from "./website.ts";
import { ipv6 } from "./ipv6.ts";
import { versus } from "./versus.ts";
import { net } from "../net/bench/suite.ts";
import { build } from "./build.ts";
import { nodeEdit } from "./node-edit.ts";
import { tls } from "./tls.ts";
import { targets } from "./targets.ts";
import { testssl } from "./testssl.ts";

const suites: Suite[] = [kernels, hello, net, dns, dnsDiff, website, ipv6, build, versus, nodeEdit, tls, targets, testssl];

async function main(argv: string[]): Promise<number> {
  const names: string[] = [];
  let rounds: number | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--list") {
      for (const s of suites) console.log(`${s.name.padEnd(10)} ${s.about}`);
      return 0;
    } else if (a === "--rounds" || a.startsWith("--rounds=")) {
      const v = a.includes("=") ? a.slice(a.indexOf("=") + 1) : argv[++i];
      rounds = Number(v);
      if (!Number.isInteger(rounds) || rounds < 1) {
        console.error(`--rounds needs a positive integer, not ${v}`);
        return 2;
      }
    } else if (a.startsWith("-")) {
      console.error(`unknown option ${a} (known: --rounds N, --list)`);
      return 2;
    } else names.push(a);
  }
  const chosen = names.length ? names.map((n) => suites.find((s) => s.name === n)) : suites;
  const unknown = names.filter((_, i) => !chosen[i]);
  if (unknown.length) {
    console.error(`unknown suite ${unknown.join(", ")} (suites: ${suites.map((s) => s.name).join(", ")})`);
    return 2;
  }
  let failed = 0;
  for (const s of chosen as Suite[]) {
    console.error(`== ${s.name}: ${s.about}`);
    try {
      const tables = await s.run({ log: (l) => console.error(`  ${l}`), rounds });
      for (const t of tables) console.log(formatTable(t) + "\n");
    } catch (e) {
      failed++;
      console.error(`suite ${s.name} failed: ${(e as Error).stack ?? e}`);
    }
  }
  return failed ? 1 : 0;
}

process.exitCode = await main(process.argv.slice(2));
