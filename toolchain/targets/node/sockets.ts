/**
 * The host-socket imports of the node target (libos/hostnet/abi.ts): TCP
 * listeners and connections and UDP sockets of this Node process, bound to
 * one host address (127.0.0.1 unless `--bind` says otherwise), each guest
 * port mapped to a host port (itself unless `--map-port` says otherwise).
 *
 * What happens on a socket is queued as an event; the image's poll reports
 * the queue as input on HOST_HANDLE and takes the events one by one, so
 * the guest sees them in the order Node saw them. Received bytes wait here
 * until the guest reads them; a connection whose unread bytes pass
 * PAUSE_AT is paused (TCP's window closes on the peer) until they are read.
 */
import dgram from "node:dgram";
import net from "node:net";

export const HOST_HANDLE = 63;
const EVENT = { accepted: 1, connected: 2, readable: 3, writable: 4, peerClosed: 5, closed: 6, datagram: 7 } as const;
/** libos/flow CloseReason. */
const REASON = { normal: 0, reset: 1, refused: 2, timeout: 3 } as const;
/** What hostTcpWriteSpace offers beyond what Node still holds. */
const SEND_BUFFER = 65536;
const PAUSE_AT = 262144;

interface HostEvent {
  kind: number;
  sock: number;
  port: number;
  addr: number;
  remotePort: number;
  len: number;
  payload?: Buffer;
}

interface Connection {
  socket: net.Socket;
  unread: Buffer[];
  unreadBytes: number;
  /** A readable event is queued and not yet taken. */
  readQueued: boolean;
  /** The guest reads no more (hostTcpClose): what arrives is dropped. */
  closedByGuest: boolean;
  error?: NodeJS.ErrnoException;
}

export interface SocketOptions {
  /** The host address every socket binds to (IPv4). */
  bind: string;
  /** Guest port -> host port. */
  ports: Map<number, number>;
  /** A failure the guest cannot be told of (a port taken): stop. */
  fatal: (message: string) => void;
  /** Called when an event is queued, to turn the loop. */
  wake: () => void;
}

/** An IPv4 address as the guest's u32 (first octet highest); 0 if not IPv4. */
export function v4Number(text: string | undefined): number {
  const m = /^(?:::ffff:)?(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text ?? "");
  return m ? ((+m[1] << 24) | (+m[2] << 16) | (+m[3] << 8) | +m[4]) >>> 0 : 0;
}

export function v4Text(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join(".");
}

export class HostSockets {
  private readonly events: HostEvent[] = [];
  private readonly servers = new Map<number, net.Server>();
  private readonly udp = new Map<number, dgram.Socket>();
  private readonly conns = new Map<number, Connection>();
  private nextSock = 1;
  private datagram: Buffer | null = null;

  constructor(private readonly opts: SocketOptions, private readonly memory: () => ArrayBuffer) {}

  get pending(): boolean {
    return this.events.length > 0;
  }

  /** Close every socket (the image stopped). */
  closeAll(): void {
    for (const s of this.servers.values()) s.close();
    for (const u of this.udp.values()) u.close();
    for (const c of this.conns.values()) c.socket.destroy();
    this.servers.clear();
    this.udp.clear();
    this.conns.clear();
    this.events.length = 0;
  }

  imports() {
    const bytes = (ptr: number, len: number) => new Uint8Array(this.memory(), ptr, len);
    return {
      hostAddress: () => v4Number(this.opts.bind),
      hostEvent: (ptr: number) => {
        const e = this.events.shift();
        if (!e) return 0;
        const v = new DataView(this.memory(), ptr, 20);
        [e.sock, e.port, e.addr, e.remotePort, e.len].forEach((x, i) => v.setUint32(i * 4, x >>> 0, true));
        if (e.kind === EVENT.readable) {
          const c = this.conns.get(e.sock);
          if (c) c.readQueued = false;
        }
        // Kept until now so that bytes queued before the close are read.
        if (e.kind === EVENT.closed) this.conns.delete(e.sock);
        this.datagram = e.payload ?? null;
        return e.kind;
      },
      hostTcpListen: (port: number) => this.listen(port),
      hostTcpUnlisten: (port: number) => {
        this.servers.get(port)?.close();
        this.servers.delete(port);
      },
      hostTcpConnect: (addr: number, port: number) => {
        const socket = net.connect({ host: v4Text(addr), port, localAddress: this.opts.bind, allowHalfOpen: true });
        const sock = this.adopt(socket);
        socket.once("connect", () => this.push({ kind: EVENT.connected, sock }));
        return sock;
      },
      hostTcpRead: (sock: number, ptr: number, cap: number) => this.read(sock, bytes(ptr, cap)),
      hostTcpWriteSpace: (sock: number) => {
        const s = this.conns.get(sock)?.socket;
        return s && s.writable ? Math.max(0, SEND_BUFFER - s.writableLength) : 0;
      },
      hostTcpUnsent: (sock: number) => this.conns.get(sock)?.socket.writableLength ?? 0,
      hostTcpWrite: (sock: number, ptr: number, len: number) => {
        const s = this.conns.get(sock)?.socket;
        if (!s || !s.writable) return 0;
        s.write(Buffer.from(bytes(ptr, len))); // a copy: the guest reuses its buffer
        return len;
      },
      hostTcpShutdown: (sock: number) => {
        this.conns.get(sock)?.socket.end();
      },
      hostTcpClose: (sock: number) => {
        const c = this.conns.get(sock);
        if (!c) return;
        c.closedByGuest = true;
        c.unread = [];
        c.unreadBytes = 0;
        c.socket.end();
        c.socket.resume();
      },
      hostTcpAbort: (sock: number) => {
        this.conns.get(sock)?.socket.resetAndDestroy();
        this.conns.delete(sock);
      },
      hostUdpBind: (port: number) => this.bindUdp(port),
      hostUdpUnbind: (port: number) => {
        this.udp.get(port)?.close();
        this.udp.delete(port);
      },
      hostUdpSend: (srcPort: number, addr: number, port: number, ptr: number, len: number) => {
        const u = this.udp.get(srcPort);
        if (!u) return -1;
        u.send(Buffer.from(bytes(ptr, len)), port, v4Text(addr));
        return 0;
      },
      hostUdpRead: (ptr: number, cap: number) => {
        const d = this.datagram;
        if (!d) return -1;
        bytes(ptr, Math.min(cap, d.length)).set(d.subarray(0, cap));
        return d.length;
      },
    };
  }

  private push(e: Partial<HostEvent> & { kind: number }): void {
    this.events.push({ sock: 0, port: 0, addr: 0, remotePort: 0, len: 0, ...e });
    this.opts.wake();
  }

  private hostPort(port: number): number {
    return this.opts.ports.get(port) ?? port;
  }

  private where(proto: string, port: number): string {
    const host = this.hostPort(port);
    const mapped = host === port ? "" : ` (guest port ${port})`;
    return `${proto} ${this.opts.bind}:${host}${mapped}`;
  }

  private failed(proto: string, port: number, e: NodeJS.ErrnoException): void {
    const hint = e.code === "EACCES"
      ? `: ports below 1024 need root; map it to a higher one, e.g. --map-port ${port}=${port + 8000}`
      : e.code === "EADDRINUSE" ? ": something else listens there; stop it or use --map-port" : "";
    this.opts.fatal(`morgana run: cannot open ${this.where(proto, port)}: ${e.code ?? e.message}${hint}`);
  }

  private listen(port: number): number {
    if (this.servers.has(port)) return -1;
    const server = net.createServer({ allowHalfOpen: true }, (socket) => {
      const sock = this.adopt(socket);
      this.push({ kind: EVENT.accepted, sock, port, addr: v4Number(socket.remoteAddress), remotePort: socket.remotePort ?? 0 });
    });
    server.on("error", (e) => this.failed("TCP", port, e));
    server.listen(this.hostPort(port), this.opts.bind);
    this.servers.set(port, server);
    return 0;
  }

  private bindUdp(port: number): number {
    if (this.udp.has(port)) return -1;
    const u = dgram.createSocket("udp4");
    u.on("error", (e) => this.failed("UDP", port, e));
    u.on("message", (payload, from) => {
      this.push({ kind: EVENT.datagram, port, addr: v4Number(from.address), remotePort: from.port, len: payload.length, payload });
    });
    u.bind(this.hostPort(port), this.opts.bind);
    this.udp.set(port, u);
    return 0;
  }

  /** A new connection's handle, its events wired to the queue. */
  private adopt(socket: net.Socket): number {
    const sock = this.nextSock++;
    const c: Connection = { socket, unread: [], unreadBytes: 0, readQueued: false, closedByGuest: false };
    this.conns.set(sock, c);
    socket.setNoDelay(true);
    socket.on("data", (chunk: Buffer) => {
      if (c.closedByGuest) return;
      c.unread.push(chunk);
      c.unreadBytes += chunk.length;
      if (c.unreadBytes >= PAUSE_AT) socket.pause();
      if (!c.readQueued) {
        c.readQueued = true;
        this.push({ kind: EVENT.readable, sock });
      }
    });
    socket.on("end", () => this.push({ kind: EVENT.peerClosed, sock }));
    socket.on("drain", () => this.push({ kind: EVENT.writable, sock }));
    socket.on("error", (e: NodeJS.ErrnoException) => (c.error = e));
    socket.on("close", () => {
      if (this.conns.get(sock) !== c) return; // aborted by the guest
      this.push({ kind: EVENT.closed, sock, len: closeReason(c.error) });
    });
    return sock;
  }

  private read(sock: number, into: Uint8Array): number {
    const c = this.conns.get(sock);
    if (!c) return 0;
    let n = 0;
    while (n < into.length && c.unread.length > 0) {
      const chunk = c.unread[0];
      const k = Math.min(chunk.length, into.length - n);
      into.set(chunk.subarray(0, k), n);
      n += k;
      if (k === chunk.length) c.unread.shift();
      else c.unread[0] = chunk.subarray(k);
    }
    c.unreadBytes -= n;
    if (c.unreadBytes < PAUSE_AT && c.socket.isPaused()) c.socket.resume();
    return n;
  }
}

function closeReason(e: NodeJS.ErrnoException | undefined): number {
  if (!e) return REASON.normal;
  if (e.code === "ECONNREFUSED") return REASON.refused;
  if (e.code === "ETIMEDOUT") return REASON.timeout;
  return REASON.reset;
}
