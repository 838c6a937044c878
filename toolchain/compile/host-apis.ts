/**
 * What a TypeScript developer writes first and a unikernel does not have:
 * host APIs (console, timers, the clock, the process, the network as a
 * browser or Node offers it) and the language features AssemblyScript
 * lacks (closures, exceptions). Each is caught at compile time, located at
 * the use, and answered with what to write instead, rather than failing
 * later as a link error about a missing C symbol.
 *
 * Two ways in: asc reports a name it does not know (setTimeout, fetch,
 * require) or a feature it does not implement (closures, try/catch); or
 * the module compiles but imports a function the boot stub does not
 * provide (asc's standard library turns console.log, Date.now, process.*
 * and performance.now into imports from "env").
 */
import type { SourceLocation } from "../diagnostics.ts";

/** The platform library, as an app in this repository imports it (a
 * project of its own imports "morgana/platform"). */
const platform = "libos/platform";

interface HostApi {
  /** The global the API hangs off, or the function's name. */
  name: string;
  instead: string;
}

const hostApis: HostApi[] = [
  { name: "console", instead: `println(text) from ${platform}, or a Logger from ${platform} for levelled logs` },
  { name: "Date", instead: `wallNow() (wall clock) or now() (monotonic), in nanoseconds, from ${platform}; isoTime(ns) formats one` },
  { name: "performance", instead: `now() from ${platform} (monotonic nanoseconds)` },
  {
    name: "setTimeout",
    instead: `a Timer from ${platform}: class Tick extends Timer { fire(now: i64): void { ... } }, armed with tick.armAt(now() + 100 * MILLISECOND), then run()`,
  },
  { name: "setInterval", instead: `a Timer from ${platform} that re-arms itself in fire(); see setTimeout` },
  { name: "fetch", instead: "a TCP connection from libos/net/tcp (Morgana has no HTTP client); see apps/website for the server side" },
  { name: "process", instead: `commandLine(), declareArgument() and parseArguments() for arguments, exit(status) from ${platform}; a unikernel has no environment` },
  { name: "require", instead: `an import statement, e.g. import { println } from "../../${platform}"` },
  { name: "XMLHttpRequest", instead: "a TCP connection from libos/net/tcp" },
  { name: "WebSocket", instead: "a TCP connection from libos/net/tcp" },
  { name: "window", instead: "nothing: a unikernel has no browser window" },
  { name: "document", instead: "nothing: a unikernel has no DOM" },
];

const hostApi = (name: string) => hostApis.find((h) => h.name === name);

/** The message for a use of host API `name`. */
export function hostApiMessage(name: string, what = name): string {
  const h = hostApi(name);
  return `${what} is a host API, and a unikernel has no host: use ${h ? h.instead : `an API from ${platform} instead`}`;
}

const closures =
  "AssemblyScript has no closures: a function cannot use a local variable or parameter of the function around it. " +
  "Pass what it needs explicitly: make it a method of a handler class that holds that state " +
  "(class OnLine implements LineHandler { constructor(private count: i32) {} onLine(line: string): void { ... } }), " +
  "or keep the state in a top-level variable";

const exceptions =
  "AssemblyScript has no exceptions: there is no try/catch, and throw stops the image. " +
  "Return an error value instead (a null, an error code, or a result object) and check it where the function is called";

/** A better message for an asc diagnostic, or undefined to keep asc's. */
export function explainDiagnostic(code: number, message: string, lineText: string): string | undefined {
  if (code === 2304) {
    const name = /Cannot find name '([^']+)'/.exec(message)?.[1];
    if (name && hostApi(name)) return hostApiMessage(name);
  }
  if (code === 100 && /Closures/.test(message)) return closures;
  if (code === 100 && /Exceptions/.test(message)) return exceptions;
  // asc reads an arrow function whose parameters lack types as a
  // parenthesised expression and stops at the arrow.
  if (code === 1110 && lineText.includes("=>")) {
    return `${message} An arrow function needs a type on every parameter and its result: (x: i32): i32 => x + 1. ${closures}`;
  }
  return undefined;
}

/** Imports the boot stub provides besides the platform's own ("morgana"). */
const provided = new Set(["env.abort", "env.seed", "env.trace"]);

export interface Import {
  module: string;
  field: string;
}

/** Imports no target provides: host APIs. */
export function hostImports(imports: Import[]): Import[] {
  return imports.filter((i) => i.module !== "morgana" && !provided.has(`${i.module}.${i.field}`));
}

/** Where `field` (e.g. "console.log") is first used in `sources` (files
 * asc read, by path; the standard library's are skipped). */
export function findUse(field: string, sources: Map<string, string | null>): SourceLocation | undefined {
  const pattern = new RegExp(`\\b${field.split(".").map((p) => p.replace(/[^A-Za-z0-9_$]/g, "\\$&")).join("\\s*\\.\\s*")}\\b`);
  for (const [file, text] of sources) {
    if (text === null || file.startsWith("~lib")) continue;
    const m = pattern.exec(text);
    if (!m) continue;
    const before = text.slice(0, m.index).split("\n");
    return { file, line: before.length, column: before[before.length - 1].length + 1 };
  }
  return undefined;
}
