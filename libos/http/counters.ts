// The HTTP server's counters, printed like the network layers' ones.
import { Counters } from "../platform/index";

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

  list(): string {
    return this.item("connections", this.connections) + this.item("open", this.open) + this.item("requests", this.requests) +
      this.item("status2xx", this.status2xx) + this.item("status3xx", this.status3xx) +
      this.item("status4xx", this.status4xx) + this.item("status5xx", this.status5xx) +
      this.item("errors", this.errors) + this.item("requestTimeouts", this.requestTimeouts) +
      this.item("idleTimeouts", this.idleTimeouts) + this.item("sendTimeouts", this.sendTimeouts) +
      this.item("deferred", this.deferred) + this.item("handlerTimeouts", this.handlerTimeouts) +
      this.item("closedAbnormally", this.closedAbnormally) + this.item("bodyBytes", this.bodyBytes) +
      this.item("idleReclaimed", this.idleReclaimed);
  }
}
