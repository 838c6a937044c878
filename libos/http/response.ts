// Responses (RFC 9110 §15, RFC 9112 §4, §6): the status line and header
// section are written into one scratch buffer and handed to TCP in one
// write; the body follows, streamed from a BodySource as the send buffer
// empties (backpressure: nothing is held besides what TCP holds).
//
// A response may be sent after the handler returns (after a timer, a DNS
// lookup, a backend's answer): the HttpResponse stays valid until it is
// sent, and the server writes it the moment it is, in pipelined order.
//
// The server adds Date (RFC 9110 §6.6.1), Server, Content-Length and,
// when the connection will close, Connection: close (or keep-alive for an
// HTTP/1.0 client that asked for it). A HEAD response carries the fields
// of the GET one and no body (RFC 9110 §9.3.2); 1xx, 204 and 304 have no
// body either (RFC 9110 §6.4.1).
import { ByteSource } from "../flow/index";

/** A response body, produced on demand: an asset read straight into the
 * send buffer, bytes in memory, … `fill(into)` writes up to
 * `into.byteLength` bytes at its start and says how many. */
export abstract class BodySource extends ByteSource {}

/** A body of bytes in memory. */
export class BytesSource extends BodySource {
  at: i32 = 0;
  constructor(readonly bytes: Uint8Array) { super(); }
  fill(into: Uint8Array): i32 {
    let n = this.bytes.byteLength - this.at;
    if (n > into.byteLength) n = into.byteLength;
    memory.copy(into.dataStart, this.bytes.dataStart + <usize>this.at, n);
    this.at += n;
    return n;
  }
}

/** Who is waiting for a response (the server's connection). */
export interface ResponseSink {
  responded(res: HttpResponse): void;
}

/** The reason phrase of a status (RFC 9110 §15), "" for unknown ones. */
export function reasonPhrase(status: i32): string {
  switch (status) {
    case 100: return "Continue";
    case 200: return "OK";
    case 204: return "No Content";
    case 206: return "Partial Content";
    case 301: return "Moved Permanently";
    case 304: return "Not Modified";
    case 400: return "Bad Request";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 408: return "Request Timeout";
    case 411: return "Length Required";
    case 412: return "Precondition Failed";
    case 413: return "Content Too Large";
    case 414: return "URI Too Long";
    case 416: return "Range Not Satisfiable";
    case 417: return "Expectation Failed";
    case 431: return "Request Header Fields Too Large";
    case 500: return "Internal Server Error";
    case 501: return "Not Implemented";
    case 503: return "Service Unavailable";
    case 505: return "HTTP Version Not Supported";
  }
  return "";
}

/** Bytes appended to a fixed buffer; what does not fit is counted as an
 * overflow rather than written. */
export class HeadWriter {
  readonly buf: Uint8Array;
  length: i32 = 0;
  overflow: bool = false;

  constructor(capacity: i32) {
    this.buf = new Uint8Array(capacity);
  }

  reset(): void {
    this.length = 0;
    this.overflow = false;
  }

  /** ASCII text; CR, LF and other controls become spaces and non-ASCII
   * '?', so that no value can end a field early (header injection). */
  text(s: string): HeadWriter {
    const n = s.length;
    if (this.length + n > this.buf.byteLength) {
      this.overflow = true;
      return this;
    }
    const p = this.buf.dataStart + <usize>this.length;
    for (let i = 0; i < n; i++) {
      let c = s.charCodeAt(i);
      if (c < 32 && c != 9) c = 32;
      else if (c >= 127) c = 63;
      store<u8>(p + <usize>i, <u8>c);
    }
    this.length += n;
    return this;
  }

  number(v: i64): HeadWriter {
    if (v < 0) return this.text("-").number(-v);
    // Digits backwards into a small scratch, then forwards.
    let digits = 1;
    for (let x = v / 10; x > 0; x /= 10) digits++;
    if (this.length + digits > this.buf.byteLength) {
      this.overflow = true;
      return this;
    }
    const p = this.buf.dataStart + <usize>this.length;
    let x = v;
    for (let i = digits - 1; i >= 0; i--) {
      store<u8>(p + <usize>i, <u8>(48 + x % 10));
      x /= 10;
    }
    this.length += digits;
    return this;
  }

  crlf(): HeadWriter {
    if (this.length + 2 > this.buf.byteLength) {
      this.overflow = true;
      return this;
    }
    store<u16>(this.buf.dataStart + <usize>this.length, 0x0a0d);
    this.length += 2;
    return this;
  }

  field(name: string, value: string): HeadWriter {
    return this.text(name).text(": ").text(value).crlf();
  }
}

/** What a handler fills in for one request: status, fields, body. The
 * handler may answer during `handle` or later; the object stays valid
 * until it has answered (one of the send… methods, once). */
export class HttpResponse {
  status: i32 = 200;
  /** The application's fields, already as "Name: value\r\n" lines. */
  readonly fields: HeadWriter;
  /** The body and its length; length -1 with no body. */
  body: BodySource | null = null;
  length: i64 = -1;
  /** The handler chose to close the connection after this response. */
  close: bool = false;
  sent: bool = false;
  /** The connection waiting for this answer; null once the connection
   * is gone (then sending does nothing: see `abandoned`). */
  sink: ResponseSink | null = null;

  constructor(capacity: i32) {
    this.fields = new HeadWriter(capacity);
  }

  /** The client went away (or the server timed the handler out) before
   * this answer: an asynchronous handler may stop its work. */
  get abandoned(): bool {
    return this.sink === null && !this.sent;
  }

  reset(): void {
    this.status = 200;
    this.fields.reset();
    this.body = null;
    this.length = -1;
    this.close = false;
    this.sent = false;
  }

  /** Add a header field. */
  header(name: string, value: string): HttpResponse {
    this.fields.field(name, value);
    return this;
  }

  /** Answer with `status`, `length` bytes of body from `src`. */
  send(status: i32, src: BodySource | null, length: i64): void {
    if (this.sent) return; // one answer per request
    this.status = status;
    this.body = src;
    this.length = src === null ? 0 : length;
    this.sent = true;
    const sink = this.sink;
    if (sink !== null) sink.responded(this);
  }

  /** Answer with a body in memory. */
  sendBytes(status: i32, bytes: Uint8Array): void {
    this.send(status, new BytesSource(bytes), bytes.byteLength);
  }

  /** Answer with text (UTF-8) and its content type. */
  sendText(status: i32, text: string, contentType: string = "text/plain; charset=utf-8"): void {
    this.header("Content-Type", contentType);
    this.sendBytes(status, Uint8Array.wrap(String.UTF8.encode(text)));
  }

  /** Answer with no body (Content-Length: 0, or none for 204/304). */
  sendEmpty(status: i32): void {
    this.send(status, null, 0);
  }
}
