// Entry for tests/platform/loop.test.ts: timers, the event loop and the net
// device. Timers and the receiver append to a text log the test reads.
import {
  Timer, step, run, stop, NetDevice, FrameReceiver, armedTimers, nextDeadline, now,
} from "../../../libos/platform/index";
export { inputBuffer, outputPtr, outputLen } from "../../harness/as/io";
import { inputBytes } from "../../harness/as/io";

let events = "";
function note(s: string): void {
  events += (events.length > 0 ? " " : "") + s;
}

/** Notes "id@time" when it fires; may re-arm itself or stop the loop. */
class Recorder extends Timer {
  rearmEvery: i64 = 0;
  remaining: i32 = 0;
  stopLoop: bool = false;
  cancels: i32 = -1;
  constructor(readonly id: i32) { super(); }
  fire(time: i64): void {
    note(this.id.toString() + "@" + time.toString());
    if (this.cancels >= 0) timer(this.cancels).cancel();
    if (this.remaining > 0) {
      this.remaining--;
      this.armAt(this.deadline + this.rearmEvery);
    }
    if (this.stopLoop) stop();
  }
}

const timers: Recorder[] = [];
function timer(id: i32): Recorder {
  while (timers.length <= id) timers.push(new Recorder(timers.length));
  return timers[id];
}

export function armAt(id: i32, deadline: i64): void { timer(id).armAt(deadline); }
export function armAfter(id: i32, delay: i64): void { timer(id).armAfter(delay); }
export function cancel(id: i32): void { timer(id).cancel(); }
export function isArmed(id: i32): bool { return timer(id).armed; }
export function repeat(id: i32, every: i64, times: i32): void {
  const t = timer(id);
  t.rearmEvery = every;
  t.remaining = times;
}
export function stopOnFire(id: i32): void { timer(id).stopLoop = true; }
export function cancelOnFire(id: i32, other: i32): void { timer(id).cancels = other; }
export function armedCount(): i32 { return armedTimers(); }
export function deadline(): i64 { return nextDeadline(); }
export function events_(): string { return events; }
export function clearEvents(): void { events = ""; }
export function stepWait(): void { step(true); }
export function stepNow(): void { step(false); }
export function runLoop(): void { run(); }
export function monotonicNow(): i64 { return now(); }

/** Notes "rx:LEN:FIRSTBYTE"; echoes a frame back when its first byte is 0xEE. */
class Receiver extends FrameReceiver {
  constructor(readonly dev: NetDevice) { super(); }
  receive(frame: Uint8Array): void {
    note("rx:" + frame.length.toString() + ":" + frame[0].toString());
    if (frame[0] == 0xee) this.dev.transmit(frame);
  }
}

let dev: NetDevice | null = null;
export function openNet(name: string): bool {
  dev = NetDevice.open(name);
  return dev !== null;
}
export function attachReceiver(): void { dev!.receiver = new Receiver(dev!); }
export function mtu(): i32 { return dev!.mtu; }
export function macByte(i: i32): u8 { return dev!.mac[i]; }
/** Send the bytes last passed with h.input(); the transmit result. */
export function send(): bool { return dev!.transmit(inputBytes()); }
export function sendPrefix(len: i32): bool { return dev!.transmit(inputBytes(), len); }
export function counter(which: string): u64 {
  const c = dev!.counters;
  if (which == "framesIn") return c.framesIn;
  if (which == "bytesIn") return c.bytesIn;
  if (which == "framesOut") return c.framesOut;
  if (which == "bytesOut") return c.bytesOut;
  if (which == "dropNoReceiver") return c.dropNoReceiver;
  if (which == "dropReadError") return c.dropReadError;
  if (which == "dropTooLong") return c.dropTooLong;
  if (which == "dropWriteError") return c.dropWriteError;
  return 0xffffffffffffffff;
}
