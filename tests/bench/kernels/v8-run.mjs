// Times a kernel's .wasm under Node's V8, like driver.c does natively:
// usage: node --no-liftoff v8-run.mjs FILE.wasm REPS. One untimed call,
// then REPS timed calls, one "CHECKSUM NANOSECONDS" line each. The
// suite runs Node with --no-liftoff so that every function is compiled by
// TurboFan from the start: V8's best code, without tier-up in the timings.
import { readFileSync } from "node:fs";

const [file, repsArg] = process.argv.slice(2);
const env = {
  // AssemblyScript's abort(message, file, line, column): a kernel that
  // aborts has failed; the suite reports the exit status.
  abort(_m, _f, line, col) {
    throw new Error(`abort at ${line}:${col}`);
  },
};
const { instance } = await WebAssembly.instantiate(readFileSync(file), { env });
const run = instance.exports.run;
run();
for (let i = 0; i < Number(repsArg); i++) {
  const t0 = process.hrtime.bigint();
  const sum = run() >>> 0;
  const t1 = process.hrtime.bigint();
  console.log(`${sum} ${t1 - t0}`);
}
