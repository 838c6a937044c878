// lines: a TCP line server on port 7000 (docs/tutorial.md, part 1). Each
// line "PING" is answered "PONG N", N counting the connection's lines. It
// checks the flow's write space before each answer and, when there is none,
// stops and waits for `writable`: the pattern that never stalls, however
// many commands a client pipelines (tests/e2e/lines.test.ts sends 100,000).
import { Flow, FlowAcceptor, FlowHandler } from "morgana/flow";
import { Stack } from "morgana/stack";
import "morgana/net/tcp"; // TCP in the image: stack.tcp
import { Logger, fail, run } from "morgana/platform";

const NEWLINE: u8 = 10;

class Lines extends FlowHandler {
  count: i32 = 0;
  /** The client sent its last command: close once all are answered. */
  done: bool = false;

  readable(f: Flow): void { this.serve(f); }
  writable(f: Flow): void { this.serve(f); }
  peerClosed(f: Flow): void {
    this.done = true;
    this.serve(f);
  }

  serve(f: Flow): void {
    const data = f.received();
    let used = 0;
    while (true) {
      const nl = data.indexOf(NEWLINE, used);
      if (nl < 0) break;
      const answer = "PONG " + (this.count + 1).toString() + "\n";
      if (f.writeSpace < answer.length) break; // `writable` brings us back
      f.writeString(answer);
      this.count++;
      used = nl + 1;
    }
    f.consume(used);
    // Closing with commands unread would drop them: only once none is left.
    if (this.done && data.indexOf(NEWLINE, used) < 0) f.close();
  }
}

class LineServer extends FlowAcceptor {
  accept(f: Flow): FlowHandler | null { return new Lines(); }
}

const stack = Stack.fromBootArguments();
if (!stack.tcp.listen(7000, new LineServer())) fail("port 7000 is taken");
new Logger("lines").info("serving lines on port 7000");
run();
