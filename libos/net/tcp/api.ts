// The connection states of RFC 9293 §3.3.2 (TcpSocket.state), and why a
// connection ended. The events themselves are the Flow's (FlowHandler).

/** RFC 9293 §3.3.2. LISTEN is a listener's, not a connection's. */
export enum TcpState {
  Closed = 0,
  SynSent,
  SynReceived,
  Established,
  FinWait1,
  FinWait2,
  CloseWait,
  Closing,
  LastAck,
  TimeWait,
}

const STATE_NAMES: string[] = [
  "CLOSED", "SYN-SENT", "SYN-RECEIVED", "ESTABLISHED", "FIN-WAIT-1", "FIN-WAIT-2", "CLOSE-WAIT",
  "CLOSING", "LAST-ACK", "TIME-WAIT",
];

export function stateName(s: TcpState): string {
  return STATE_NAMES[<i32>s];
}

// Why a connection ended: the Flow's reasons (libos/flow).
export { CloseReason, reasonName } from "../../flow/index";
