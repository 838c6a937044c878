// Timers: objects with a deadline on the monotonic clock and a `fire`
// method (AssemblyScript has no closures, so a timer is a subclass that
// carries its own state). Armed timers sit in a binary min-heap ordered by
// (deadline, arming order), so timers with equal deadlines fire in the order
// they were armed; each timer knows its heap slot, so cancelling and
// re-arming are O(log n).
import { now } from "./clock";

export abstract class Timer {
  /** When it fires, in monotonic nanoseconds; meaningful while armed. */
  deadline: i64 = 0;
  /** Arming order, the tie-break between equal deadlines. */
  order: u64 = 0; // internal to this file
  /** Slot in the heap; DUE while it waits in the batch fireDue is firing;
   * -1 when not armed. */
  slot: i32 = -1; // internal to this file

  /** Called once per arming, at or after the deadline, by the event loop. */
  abstract fire(now: i64): void;

  get armed(): bool { return this.slot != -1; }

  /** Fire at `deadline` (monotonic ns). Re-arming an armed timer moves it. */
  armAt(deadline: i64): void {
    this.cancel();
    this.deadline = deadline;
    this.order = nextOrder++;
    insert(this);
  }

  /** Fire `delay` ns from now. */
  armAfter(delay: i64): void {
    this.armAt(now() + delay);
  }

  /** Disarm; harmless when not armed. */
  cancel(): void {
    if (this.slot >= 0) remove(this);
    else this.slot = -1; // also takes it out of a batch being fired
  }

  // Heap order: earlier deadline first, then earlier arming.
  @inline static before(a: Timer, b: Timer): bool {
    return a.deadline < b.deadline || (a.deadline == b.deadline && a.order < b.order);
  }
}

const heap: Timer[] = [];
let nextOrder: u64 = 0;
/** Timers due in the current fireDue call, taken out of the heap. */
const batch: Timer[] = [];
const DUE: i32 = -2;

/** The earliest deadline, or i64.MAX_VALUE when no timer is armed. */
export function nextDeadline(): i64 {
  return heap.length > 0 ? unchecked(heap[0]).deadline : i64.MAX_VALUE;
}

export function armedTimers(): i32 {
  return heap.length;
}

/** Fire every timer due at `time`, earliest first; returns how many fired.
 * The due timers are taken out of the heap first, then fired: a timer
 * armed (or re-armed) by a handler during this call waits for the next
 * call even if already due, so a handler re-arming for "now" cannot keep
 * the loop from polling, nor, by re-arming for a time already past, keep
 * the other due timers from firing. A handler may cancel or re-arm a timer
 * of the batch that has not fired yet: it then does not fire now. */
export function fireDue(time: i64): i32 {
  while (heap.length > 0 && unchecked(heap[0]).deadline <= time) {
    const top = unchecked(heap[0]);
    remove(top);
    top.slot = DUE;
    batch.push(top);
  }
  let fired = 0;
  for (let i = 0; i < batch.length; i++) {
    const t = unchecked(batch[i]);
    if (t.slot != DUE) continue; // cancelled or re-armed by an earlier handler
    t.slot = -1;
    t.fire(time);
    fired++;
  }
  batch.length = 0;
  return fired;
}

function insert(t: Timer): void {
  const i = heap.length;
  heap.push(t);
  t.slot = i;
  siftUp(i);
}

function remove(t: Timer): void {
  const i = t.slot;
  const last = heap.pop();
  t.slot = -1;
  if (last === t) return;
  heap[i] = last;
  last.slot = i;
  // The moved timer may belong above or below slot i.
  siftUp(i);
  siftDown(last.slot);
}

function siftUp(i: i32): void {
  const t = heap[i];
  while (i > 0) {
    const parent = (i - 1) >> 1;
    const p = heap[parent];
    if (!Timer.before(t, p)) break;
    heap[i] = p;
    p.slot = i;
    i = parent;
  }
  heap[i] = t;
  t.slot = i;
}

function siftDown(i: i32): void {
  const n = heap.length;
  const t = heap[i];
  while (true) {
    let child = 2 * i + 1;
    if (child >= n) break;
    if (child + 1 < n && Timer.before(heap[child + 1], heap[child])) child++;
    const c = heap[child];
    if (!Timer.before(c, t)) break;
    heap[i] = c;
    c.slot = i;
    i = child;
  }
  heap[i] = t;
  t.slot = i;
}
