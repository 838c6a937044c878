// The event loop. The image is one thread of cooperative code: it sleeps in
// `poll` until the earliest timer is due or a device has input, hands the
// input to the device's source, fires the due timers, and sleeps again.
// Nothing preempts a handler, so handlers must return quickly.
//
// `run()` loops until `stop()` or until nothing can ever happen again (no
// timer armed, no device watched). `step()` is one turn of the loop, for
// test harnesses that drive the image themselves.
import { poll, netRead } from "./abi";
import { now, SECOND } from "./clock";
import { Timer, fireDue, nextDeadline, armedTimers } from "./timers";
import { IntRange, checkArguments, declareArgument } from "./args";
import { println } from "./console";
import { statsLine } from "./counters";
import { registerExitCounters } from "./exits";

/** A device whose input the loop dispatches: the net device implements it. */
export abstract class InputSource {
  /** The device has input; take some of it now, a bounded amount, so that
   * timers run between (poll reports the device again while input is
   * left: readiness is level, not edge). */
  abstract ready(): void;
}

// One slot per manifest handle (Solo5 allows at most 64 devices).
const MAX_HANDLES = 64;
const sources = new StaticArray<InputSource | null>(MAX_HANDLES);
let watched = 0;
let stopping = false;

/** Dispatch input on `handle` to `source`. */
export function watch(handle: i32, source: InputSource): void {
  if (<u32>handle >= <u32>MAX_HANDLES) return;
  if (sources[handle] === null) watched++;
  sources[handle] = source;
}

export function unwatch(handle: i32): void {
  if (<u32>handle >= <u32>MAX_HANDLES || sources[handle] === null) return;
  sources[handle] = null;
  watched--;
}

/** Make run() return after the current turn. */
export function stop(): void {
  stopping = true;
}

/** One turn: poll (until the next timer when `wait`, else only for what is
 * ready now), dispatch device input, fire the due timers. */
export function step(wait: bool = true): void {
  const ready = poll(wait ? nextDeadline() : 0);
  dispatch(ready);
  fireDue(now());
}

/** Prints the --stats line every `every` nanoseconds. */
class StatsTimer extends Timer {
  constructor(readonly every: i64) { super(); }
  fire(time: i64): void {
    println(statsLine());
    this.armAfter(this.every);
  }
}

/** Turn until stop() or until nothing is left to wait for. Before the
 * first turn, the boot arguments are checked (checkArguments: an unknown
 * one stops the image, --help lists them) and --stats starts. */
export function run(): void {
  const stats = declareArgument("stats", "0",
    "print every registered counter on one \"stats …\" line every this many seconds; 0: never",
    new IntRange(0, 86400));
  checkArguments();
  if (stats.int > 0) {
    registerExitCounters();
    new StatsTimer(stats.int * SECOND).armAfter(stats.int * SECOND);
  }
  stopping = false;
  while (running()) step(true);
}

/** Whether run() would go on turning: not stopped, and a timer armed or a
 * device watched. The node target, which turns the loop from Node's own
 * event loop (libos/hostnet/turn.ts), asks this after each turn. */
export function running(): bool {
  return !stopping && (watched > 0 || armedTimers() > 0);
}

function dispatch(ready: i64): void {
  while (ready != 0) {
    const handle = <i32>ctz(ready);
    ready &= ready - 1;
    const source = handle < MAX_HANDLES ? sources[handle] : null;
    if (source !== null) source.ready();
    else discard(handle);
  }
}

// Only net devices report input. One attached but never opened would be
// reported ready on every poll, turning the loop into a busy wait, so its
// frames are read and dropped (the tender truncates to the buffer).
const scratch = memory.data(64);
function discard(handle: i32): void {
  while (netRead(handle, scratch, 64) >= 0) {}
}
