// The host's socket events into the stack: the event loop reports
// HOST_HANDLE ready while events wait (level, as a net device's frames),
// and each wake-up takes a bounded number of them, so timers run between
// under a flood, as the net device's RX_BUDGET ensures on hvt.
import { CloseReason } from "../flow/index";
import { InputSource, watch } from "../platform/index";
import {
  EVENT_ACCEPTED, EVENT_CLOSED, EVENT_CONNECTED, EVENT_DATAGRAM, EVENT_NONE, EVENT_PEER_CLOSED,
  EVENT_READABLE, EVENT_WRITABLE, EV_LEN, EV_PORT, EV_REMOTE_ADDR, EV_REMOTE_PORT, EV_SIZE, EV_SOCK,
  HOST_HANDLE, hostEvent,
} from "./abi";
import { HostStreams } from "./tcp";
import { HostIpLayer } from "./udp";

/** Events taken per wake-up at most. */
const EVENT_BUDGET: i32 = 64;

export class HostEvents extends InputSource {
  private readonly record: ArrayBuffer = new ArrayBuffer(EV_SIZE);

  constructor(readonly ip: HostIpLayer, readonly tcp: HostStreams) {
    super();
    watch(HOST_HANDLE, this);
  }

  ready(): void {
    const r = changetype<usize>(this.record);
    for (let budget = EVENT_BUDGET; budget > 0; budget--) {
      const kind = hostEvent(r);
      if (kind == EVENT_NONE) return;
      const sock = load<i32>(r, EV_SOCK);
      const port = <u16>load<u32>(r, EV_PORT);
      const addr = load<u32>(r, EV_REMOTE_ADDR);
      const remotePort = <u16>load<u32>(r, EV_REMOTE_PORT);
      if (kind == EVENT_DATAGRAM) {
        this.ip.deliver(port, addr, remotePort);
      } else if (kind == EVENT_ACCEPTED) {
        this.tcp.accepted(sock, port, addr, remotePort);
      } else {
        this.flowEvent(kind, sock, load<i32>(r, EV_LEN));
      }
    }
  }

  private flowEvent(kind: i32, sock: i32, len: i32): void {
    const f = this.tcp.flow(sock);
    if (f === null) return; // aborted by us meanwhile
    if (kind == EVENT_CONNECTED) f.open();
    else if (kind == EVENT_READABLE) f.readable();
    else if (kind == EVENT_WRITABLE) f.writable();
    else if (kind == EVENT_PEER_CLOSED) f.peerClosed();
    else if (kind == EVENT_CLOSED) f.ended(<CloseReason>len);
  }
}
