// The node target's event loop, turned by Node. A Wasm call cannot wait
// for Node's events, so when run() first has to wait, the host's poll
// leaves the image's start by throwing (as Emscripten leaves main() for
// the browser's loop) and from then on calls `hostTurn` each time a
// deadline passes or a socket has news: one turn that never waits. The
// frames left behind by that throw never run again; nothing in run()
// follows its loop but the return.
import { nextDeadline, running, step } from "../platform/index";

/** One turn of the loop without waiting; the next deadline (monotonic
 * ns, i64.MAX_VALUE for none), or -1 when run() would have returned. */
export function hostTurn(): i64 {
  step(false);
  return running() ? nextDeadline() : -1;
}
