// DNS over TCP (RFC 1035 §4.2.2, RFC 7766): each message preceded by its
// length in two bytes. Queries on one connection are answered in order as
// they arrive, several per segment if the client pipelines them (RFC 7766
// §6.2.1); an answer that does not fit the send buffer waits for space
// (the query stays unread, so the window closes on a client that does not
// read). A connection idle for `idleTimeout` is closed (§6.2.3), and one
// whose message is shorter than a DNS header is closed at once, as no
// answer can be framed for it.
//
// Written against Flow (libos/flow) only: it serves DNS over TCP or, with
// TLS beneath, DNS over TLS (RFC 7858) alike.
import { Timer, SECOND, moveWindow, newWindow } from "../platform/index";
import { Flow, FlowAcceptor, FlowHandler, CloseReason } from "../flow/index";
import { Authority } from "./authority";

const FRAME = 65535 + 2;

export class DnsTcpServer extends FlowAcceptor {
  /** One answer at a time is built here, behind its 2-byte length. */
  readonly out: Uint8Array = new Uint8Array(FRAME);
  readonly body: Uint8Array = newWindow();
  readonly query: Uint8Array = newWindow();
  connections: u64 = 0;

  constructor(readonly authority: Authority, readonly idleTimeout: i64 = 10 * SECOND) {
    super();
    moveWindow(this.body, this.out, 2, FRAME - 2);
  }

  accept(c: Flow): FlowHandler | null {
    this.connections++;
    return new DnsTcpConnection(this, c);
  }
}

class IdleTimer extends Timer {
  constructor(readonly c: Flow) { super(); }
  fire(now: i64): void { this.c.close(); }
}

class DnsTcpConnection extends FlowHandler {
  private readonly idle: IdleTimer;

  constructor(readonly server: DnsTcpServer, c: Flow) {
    super();
    this.idle = new IdleTimer(c);
    this.idle.armAfter(server.idleTimeout);
  }

  readable(c: Flow): void {
    this.idle.armAfter(this.server.idleTimeout);
    this.answerAll(c);
  }

  writable(c: Flow): void {
    this.answerAll(c);
  }

  peerClosed(c: Flow): void {
    this.answerAll(c);
    c.close();
  }

  closed(c: Flow, reason: CloseReason): void {
    this.idle.cancel();
  }

  private answerAll(c: Flow): void {
    const s = this.server;
    while (c.isOpen) {
      const data = c.received();
      if (data.byteLength < 2) return;
      const len = (<i32>data[0] << 8) | <i32>data[1];
      if (len < 12) {
        c.close();
        return;
      }
      if (data.byteLength < 2 + len) return;
      const n = s.authority.answer(moveWindow(s.query, data, 2, len), len, s.body, true);
      if (n > 0) {
        if (c.writeSpace < n + 2) return; // wait for writable()
        s.out[0] = <u8>(n >> 8);
        s.out[1] = <u8>n;
        c.write(s.out, 0, n + 2);
      }
      c.consume(2 + len);
    }
  }
}
