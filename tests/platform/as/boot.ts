// Entry for tests/platform/boot.test.ts: boot arguments, the logger, clocks,
// entropy. The top level declares arguments and parses the command line the
// harness was given, as an application's main would.
import {
  declareArgument, parseArguments, checkArguments, IntRange, Flag, OneOf, Logger, Level,
  isoTime, now, wallNow, randomU32, fillRandom, memoryLimit, findDevice, DeviceType,
} from "../../../libos/platform/index";
export { inputBuffer, outputPtr, outputLen } from "../../harness/as/io";
import { setOutput } from "../../harness/as/io";

const port = declareArgument("port", "80", "TCP port to listen on", new IntRange(1, 65535));
const verbose = declareArgument("verbose", "false", "say more", new Flag());
const name = declareArgument("name", "morgana", "the host name");
const mode = declareArgument("mode", "fast", "how to run", new OneOf(["fast", "safe"]));
parseArguments();
// Declared after parsing, as a component made later declares its own.
const late = declareArgument("late", "0", "declared after parsing", new IntRange(0, 9));
// What run() does before its first turn.
checkArguments();

export function lateValue(): i64 { return late.int; }

export function portValue(): i64 { return port.int; }
export function verboseValue(): bool { return verbose.flag; }
export function nameValue(): string { return name.value; }
export function modeChoice(): i32 { return mode.choice; }
export function portGiven(): bool { return port.given; }

const log = new Logger("test");
export function logEveryLevel(): void {
  log.debug("a debug line");
  log.info("an info line");
  log.warn("a warn line");
  log.error("an error line");
}
export function debugEnabled(): bool { return log.enabled(Level.Debug); }

export function iso(ns: i64): string { return isoTime(ns); }
export function monotonicNow(): i64 { return now(); }
export function wallclockNow(): i64 { return wallNow(); }

export function random32(): u32 { return randomU32(); }
export function randomBytes(len: i32): void {
  const b = new Uint8Array(len);
  fillRandom(b);
  setOutput(b);
}
export function limit(): i64 { return memoryLimit(); }
export function netHandle(name: string): i32 { return findDevice(name, DeviceType.Net); }
export function lookupNet(): i32 { return findDevice("service", DeviceType.Net); }
export function lookupBlockNamedService(): i32 { return findDevice("service", DeviceType.Block); }
export function lookupMissing(): i32 { return findDevice("nothere", DeviceType.Net); }
