// Entry for tests/tcp/*.test.ts: the stack with TCP on the harness's
// "service" device, applications of a few kinds to talk to, and hooks to
// drive connections and look inside them.
import { Limits } from "../../../libos/net/index";
import { Stack } from "../../../libos/stack/index";
import { TcpLayer, TcpConfig, TcpSocket } from "../../../libos/net/tcp/index";
import { ByteSource, CloseReason, Flow, FlowAcceptor, FlowHandler, reasonName } from "../../../libos/flow/index";
import { IpAddress, IpEndpoint } from "../../../libos/wire/index";
import { step, memoryLimit } from "../../../libos/platform/index";
export { inputBuffer, outputPtr, outputLen } from "../../harness/as/io";
import { inputBytes, setOutput } from "../../harness/as/io";

let config: TcpConfig | null = null;
let stack: Stack | null = null;
let tcp: TcpLayer | null = null;

function cfg(): TcpConfig {
  if (config === null) config = TcpConfig.forMemory(memoryLimit());
  return config!;
}

/** Set a TcpConfig field before boot(); false for an unknown name. */
export function setConfig(name: string, value: i64): bool {
  const c = cfg();
  if (name == "rcvBuf") c.rcvBuf = <i32>value;
  else if (name == "sndBuf") c.sndBuf = <i32>value;
  else if (name == "maxConnections") c.maxConnections = <i32>value;
  else if (name == "backlog") c.backlog = <i32>value;
  else if (name == "maxTimeWait") c.maxTimeWait = <i32>value;
  else if (name == "synCookies") c.synCookies = value != 0;
  else if (name == "initialRto") c.initialRto = value;
  else if (name == "minRto") c.minRto = value;
  else if (name == "maxRto") c.maxRto = value;
  else if (name == "maxRetries") c.maxRetries = <i32>value;
  else if (name == "orphanRetries") c.orphanRetries = <i32>value;
  else if (name == "synRetries") c.synRetries = <i32>value;
  else if (name == "delayedAck") c.delayedAck = value;
  else if (name == "timeWait") c.timeWait = value;
  else if (name == "finWait2Timeout") c.finWait2Timeout = value;
  else if (name == "maxPersist") c.maxPersist = value;
  else if (name == "challengeAckLimit") c.challengeAckLimit = <i32>value;
  else if (name == "keepIdle") c.keepIdle = value;
  else if (name == "keepInterval") c.keepInterval = value;
  else if (name == "keepCount") c.keepCount = <i32>value;
  else if (name == "timestamps") c.timestamps = value != 0;
  else if (name == "windowScaling") c.windowScaling = value != 0;
  else if (name == "sack") c.sack = value != 0;
  else return false;
  return true;
}

export function boot(): void {
  stack = Stack.fromBootArguments("service", new Limits());
  tcp = new TcpLayer(stack!.ip, cfg());
  stack!.useTcp(tcp!);
}

export function stepNow(): void { step(false); }

export function counters(): string {
  return stack!.counters();
}

// ---- applications
let events = "";
const conns: Flow[] = [];
/** What each connection's application read, as text. */
const reads: string[] = [];

function idOf(c: Flow): i32 {
  const i = conns.indexOf(c);
  if (i >= 0) return i;
  conns.push(c);
  reads.push("");
  return conns.length - 1;
}

function note(c: Flow, what: string): void {
  events += idOf(c).toString() + " " + what + "\n";
}

/** kind 0 echo: writes back what it reads (as much as fits), closes on
 * the peer's FIN. 1 sink: reads and keeps everything. 2 hold: never
 * reads. 3 source: writes `sourceBytes` bytes of a pattern, as space
 * allows, then shuts down. */
class App extends FlowHandler {
  constructor(readonly kind: i32) { super(); }

  connected(c: Flow): void {
    note(c, "connected");
    if (this.kind == 3) this.pump(c);
  }

  readable(c: Flow): void {
    const data = c.received();
    note(c, "readable " + data.byteLength.toString());
    if (this.kind == 0) {
      c.consume(c.write(data));
    } else if (this.kind == 1) {
      const id = idOf(c);
      reads[id] = reads[id] + String.UTF8.decode(data.slice().buffer);
      c.consume(data.byteLength);
    }
  }

  writable(c: Flow): void {
    note(c, "writable");
    if (this.kind == 3) this.pump(c);
  }

  peerClosed(c: Flow): void {
    note(c, "peerClosed");
    if (this.kind == 0) c.close();
  }

  closed(c: Flow, reason: CloseReason): void {
    note(c, "closed " + reasonName(reason));
  }

  private pump(c: Flow): void {
    const id = idOf(c);
    const src = sources[id];
    src.left -= c.fill(src, src.left);
    if (src.left == 0) c.shutdown();
  }
}

/** A pattern of bytes: byte i is (i * 7 + (i >> 8)) & 0xff. */
class Pattern extends ByteSource {
  at: i32 = 0;
  constructor(public left: i32) { super(); }
  fill(into: Uint8Array): i32 {
    const len = into.byteLength;
    for (let i = 0; i < len; i++) {
      const k = this.at + i;
      into[i] = <u8>((k * 7 + (k >> 8)) & 0xff);
    }
    this.at += len;
    return len;
  }
}

const sources = new Map<i32, Pattern>();
let sourceBytes = 0;

export function setSourceBytes(n: i32): void { sourceBytes = n; }

/** The connection listeners offer when TCP needs room (setSpare). */
let spareId: i32 = -1;

export function setSpare(id: i32): void { spareId = id; }

class Server extends FlowAcceptor {
  constructor(readonly kind: i32, readonly refuse: bool) { super(); }
  spareFlow(): Flow | null {
    if (spareId < 0) return null;
    const c = conns[spareId];
    spareId = -1;
    return c;
  }
  accept(c: Flow): FlowHandler | null {
    const id = idOf(c);
    note(c, "accept " + c.remote.port.toString());
    if (this.refuse) return null;
    if (this.kind == 3) sources.set(id, new Pattern(sourceBytes));
    return new App(this.kind);
  }
}

/** Listen on `port` with applications of `kind`; refuse: accept says no. */
export function listen(port: u16, kind: i32, backlog: i32, refuse: bool): bool {
  return tcp!.listen(port, new Server(kind, refuse), backlog);
}

export function unlisten(port: u16): void {}

/** Connect to dst:port from srcPort with an application of `kind`; the
 * connection's id, or -1. */
export function connect(dst: u32, port: u16, kind: i32, srcPort: u16): i32 {
  const c = tcp!.connect(new IpEndpoint(IpAddress.v4(dst), port), new App(kind), srcPort);
  if (c === null) return -1;
  const id = idOf(c);
  if (kind == 3) sources.set(id, new Pattern(sourceBytes));
  return id;
}

/** Write the input bytes on connection `id`; how many were taken. */
export function write(id: i32): i32 {
  return conns[id].write(inputBytes());
}

export function shutdown(id: i32): void { conns[id].shutdown(); }
export function close(id: i32): void { conns[id].close(); }
export function abort(id: i32): void { conns[id].abort(); }
export function keepAlive(id: i32, on: bool): void { (conns[id] as TcpSocket).setKeepAlive(on); }

/** Consume `n` bytes of what connection `id` holds unread (hold apps). */
export function consume(id: i32, n: i32): void {
  const c = conns[id];
  const data = c.received();
  const k = n < data.byteLength ? n : data.byteLength;
  reads[id] = reads[id] + String.UTF8.decode(data.slice(0, k).buffer);
  c.consume(k);
}

export function unread(id: i32): i32 { return conns[id].unread; }

/** What connection `id`'s application has read so far (and forget it). */
export function takeRead(id: i32): string {
  const r = reads[id];
  reads[id] = "";
  return r;
}

export function events_(): string {
  const e = events;
  events = "";
  return e;
}

export function connectionCount(): i32 { return conns.length; }

/** Connection `id`'s variables as "name=value" words. */
export function info(id: i32): string {
  return (conns[id] as TcpSocket).inspect();
}

/** The layer's state as "name=value" words. */
export function layerInfo(): string {
  const t = tcp!;
  return "active=" + t.active.toString() + " timeWait=" + t.timeWait.toString() +
    " rcvPoolInUse=" + t.rcvPool.inUse.toString() + " sndPoolInUse=" + t.sndPool.inUse.toString() +
    " rcvPoolAllocated=" + t.rcvPool.allocated.toString() + " maxConnections=" + t.config.maxConnections.toString() +
    " rcvBuf=" + t.config.rcvBuf.toString() + " sndBuf=" + t.config.sndBuf.toString() +
    " backlog=" + t.config.backlog.toString();
}
