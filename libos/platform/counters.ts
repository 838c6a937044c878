// Counters: every layer counts what it took in, sent out, and dropped, by
// reason, in plain u64 fields (incrementing one costs nothing on the fast
// path), and declares them once, in `visit(v)`: each counter's name and
// kind (v.count for counts, v.gauge for levels), shown to a visitor.
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

/** What a layer's counters are shown to, one value at a time. */
export abstract class CounterVisitor {
  /** A count: only ever grows (frames in, drops by reason, requests). */
  abstract count(name: string, value: u64): void;
  /** A level: goes up and down (connections open, buffers taken). */
  gauge(name: string, value: u64): void {
    this.count(name, value);
  }
}

/** A layer's counters, declared once in `visit` (name and kind of each). */
export abstract class Counters {
  abstract visit(v: CounterVisitor): void;

  /** Every counter as " name=value" words. */
  list(): string {
    const w = words;
    w.prefix = " ";
    w.text = "";
    this.visit(w);
    return w.text;
  }
}

/** Writes " PREFIXname=value" words. */
class Words extends CounterVisitor {
  prefix: string = " ";
  text: string = "";
  count(name: string, value: u64): void {
    this.text += this.prefix + name + "=" + value.toString();
  }
}
const words = new Words();

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
  const w = words;
  for (let i = 0; i < names.length; i++) {
    w.prefix = " " + names[i] + ".";
    w.text = "";
    sets[i].visit(w);
    text += w.text;
  }
  return text;
}
