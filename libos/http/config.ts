// The HTTP server's limits, each with the status a client gets when it
// goes past it (RFC 9110 §15.5, RFC 6585 §5).
import { SECOND } from "../platform/index";

export class HttpConfig {
  /** The request line, CRLF included; longer: 414 URI Too Long. */
  maxRequestLine: i32 = 8192;
  /** The header section after the request line; larger: 431. */
  maxHeaderBytes: i32 = 16384;
  /** Header fields in one request; more: 431. */
  maxHeaders: i32 = 64;
  /** A request body, decoded; larger: 413 Content Too Large. */
  maxBody: i32 = 65536;
  /** A request must be complete this long after its first byte (slow
   * senders hold memory: 408 and close). */
  requestTimeout: i64 = 10 * SECOND;
  /** A persistent connection is closed after this long without a request. */
  idleTimeout: i64 = 15 * SECOND;
  /** A response that makes no progress this long (the client stopped
   * reading) is given up: the connection is aborted. */
  sendTimeout: i64 = 30 * SECOND;
  /** Requests served on one connection before it is closed; 0: no limit. */
  maxRequests: i32 = 0;
  /** The Server field of responses, empty for none. */
  serverName: string = "Morgana";
}
