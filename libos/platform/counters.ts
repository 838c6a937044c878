// Counters: every layer counts what it took in, sent out, and dropped, by
// reason, in plain u64 fields (incrementing one costs nothing on the fast
// path), and declares them once, in `list()`, as "name=value" words.
//
// One registry: a layer that exists registers its counters under its name
// (registerCounters), and everything that prints them visits the registry:
// `countersReport()` (a line per layer: "udp datagramsIn=3 …") and the
// platform's `--stats=SECONDS` line, printed that often by the event loop:
//
//   stats memory.heap=1048576 memory.limit=… ethernet.framesIn=… … http.requests=…
//
// one line per interval, every registered layer's words prefixed with its
// name, in the order the layers registered. Tests and benchmarks read it.
import { memoryLimit } from "./memory";

export abstract class Counters {
  /** Every counter as " name=value" words. */
  abstract list(): string;

  protected item(name: string, value: u64): string {
    return " " + name + "=" + value.toString();
  }
}

const names: string[] = [];
const sets: Counters[] = [];

/** List `c` under `name` in every report from now on (a second set under
 * the same name replaces the first: one per layer). */
export function registerCounters(name: string, c: Counters): void {
  const i = names.indexOf(name);
  if (i >= 0) {
    sets[i] = c;
    return;
  }
  names.push(name);
  sets.push(c);
}

/** Every registered layer's counters, a line each: "udp datagramsIn=3 …". */
export function countersReport(): string {
  let text = "";
  for (let i = 0; i < names.length; i++) text += names[i] + sets[i].list() + "\n";
  return text;
}

/** The --stats line: "stats memory.heap=N … layer.name=value …". */
export function statsLine(): string {
  let text = "stats memory.heap=" + (<i64>memory.size() << 16).toString() + " memory.limit=" + memoryLimit().toString();
  for (let i = 0; i < names.length; i++) {
    const prefix = " " + names[i] + ".";
    text += sets[i].list().replaceAll(" ", prefix);
  }
  return text;
}
