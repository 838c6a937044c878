// Exits to the tender, counted by the boot stub per kind (the `exits`
// import): the `exits.*` words of the --stats line, so a benchmark can
// divide them by requests served on any hvt tender, Solo5's included.
// Registered by run() where the target counts them (hvt; not spt, whose
// calls are system calls, nor the node target).
import { exits } from "./abi";
import { CounterVisitor, Counters, registerCounters } from "./counters";

// The hvt hypercall numbers (boot/hvt_abi.h); 0 is a kick of the thread
// that serves Solo5 0.12's ring, 8 (halt) is never seen running.
const NAMES: string[] = ["ringKick", "walltime", "puts", "poll", "blockWrite", "blockRead", "netWrite", "netRead"];

class ExitCounters extends Counters {
  visit(v: CounterVisitor): void {
    let total: u64 = 0;
    for (let k = 0; k < NAMES.length; k++) {
      const n = <u64>exits(k);
      total += n;
      v.count(NAMES[k], n);
    }
    v.count("total", total);
  }
}

/** Lists the exit counters under "exits" where the target counts them. */
export function registerExitCounters(): void {
  if (exits(0) >= 0) registerCounters("exits", new ExitCounters());
}
