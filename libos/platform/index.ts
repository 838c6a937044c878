// libos/platform — the image's only contact with the machine.
//
// This layer promises: console output, clocks, boot arguments (declared by
// what uses them, checked by run(), --help), logging, entropy, timers, the
// event loop, device lookup, the network device, exit, the counters
// registry every layer reports to (--stats=SECONDS prints it) and windows
// (the one checked way to move a Uint8Array over another buffer), over the
// boot stub's imports (boot/README.md) and nothing else. No
// other folder declares an import. Everything here is small because every
// unikernel links it; it allocates nothing per frame on the receive path.
// The same code runs under the Node test harness (tests/harness/), which
// implements the imports in JavaScript with a fake clock and frame queues.
//
// A main that drives a device itself (apps use libos/stack instead):
//   const port = declareArgument("port", "80", "TCP port", new IntRange(1, 65535));
//   parseArguments();
//   const net = NetDevice.open("service");
//   if (net === null) fail("no net device 'service' attached");
//   net!.receiver = new MyStack(net!);
//   run();   // checks the arguments (unknown ones stop the image), then loops
export { print, println, printBytes } from "./console";
export { now, wallNow, isoTime, civilDate, NANOSECOND, MICROSECOND, MILLISECOND, SECOND } from "./clock";
export { exit, fail, EXIT_SUCCESS, EXIT_FAILURE } from "./exit";
export {
  Argument, Validator, AnyText, OneOf, IntRange, Flag,
  declareArgument, findArgument, parseArguments, parseWords, checkArguments, usage, commandLine,
} from "./args";
export { Level, Logger, logLevel } from "./log";
export { fillRandom, randomU32, randomU64, entropySource, entropySourceName, entropyFitForKeys } from "./entropy";
export { DeviceType, findDevice } from "./devices";
export { Timer, nextDeadline, armedTimers, fireDue } from "./timers";
export { InputSource, watch, unwatch, step, run, stop, running } from "./loop";
export { NetDevice, NetCounters, FrameReceiver } from "./net";
export { memoryLimit } from "./memory";
export { Counters, CounterVisitor, registerCounters, countersReport, statsLine } from "./counters";
export { Asset, findAsset, assets } from "./assets";
export { moveWindow, newWindow, offsetIn } from "./window";
