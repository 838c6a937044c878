// The HTTP server's counters, printed like the network layers' ones.
import { CounterVisitor, Counters } from "../platform/index";

export class HttpCounters extends Counters {
  connections: u64 = 0;
  /** Connections open now (a gauge). */
  open: u64 = 0;
  requests: u64 = 0;
  status2xx: u64 = 0;
  status3xx: u64 = 0;
  status4xx: u64 = 0;
  status5xx: u64 = 0;
  /** Requests refused for their form or size (400, 408, 413, 414, 431,
   * 501, 505), each closing its connection. */
  errors: u64 = 0;
  requestTimeouts: u64 = 0;
  idleTimeouts: u64 = 0;
  sendTimeouts: u64 = 0;
  /** Requests answered after the handler returned (asynchronously). */
  deferred: u64 = 0;
  /** Handlers that did not answer within the request timeout (503). */
  handlerTimeouts: u64 = 0;
  /** Connections that ended by a reset or a timeout rather than closing. */
  closedAbnormally: u64 = 0;
  bodyBytes: u64 = 0;
  /** Idle connections given up to the transport for new clients when it
   * had no room (spareFlow). */
  idleReclaimed: u64 = 0;

  visit(v: CounterVisitor): void {
    v.count("connections", this.connections);
    v.gauge("open", this.open);
    v.count("requests", this.requests);
    v.count("status2xx", this.status2xx);
    v.count("status3xx", this.status3xx);
    v.count("status4xx", this.status4xx);
    v.count("status5xx", this.status5xx);
    v.count("errors", this.errors);
    v.count("requestTimeouts", this.requestTimeouts);
    v.count("idleTimeouts", this.idleTimeouts);
    v.count("sendTimeouts", this.sendTimeouts);
    v.count("deferred", this.deferred);
    v.count("handlerTimeouts", this.handlerTimeouts);
    v.count("closedAbnormally", this.closedAbnormally);
    v.count("bodyBytes", this.bodyBytes);
    v.count("idleReclaimed", this.idleReclaimed);
  }
}
