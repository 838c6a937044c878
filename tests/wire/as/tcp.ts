// Entry for tests/wire/tcp.test.ts: libos/wire's TCP view and
// representation, driven with bytes from the JS side. Emit fills its
// buffer with 0xA5 first, so a byte left unwritten shows up.
import { WireError, wireErrorName } from "../../../libos/wire/index";
import { TcpPacket, TcpRepr } from "../../../libos/wire/tcp";
export { inputBuffer, outputPtr, outputLen } from "../../harness/as/io";
import { inputBytes, setOutput } from "../../harness/as/io";

/** The view's fields of the input segment, or the check's error. */
export function tcpView(): string {
  const p = new TcpPacket(inputBytes());
  const e = p.check();
  if (e != WireError.Ok) return "error: " + wireErrorName(e);
  return "src=" + p.srcPort.toString() + " dst=" + p.dstPort.toString() + " seq=" + p.seq.toString() +
    " ack=" + p.ack.toString() + " hl=" + p.headerLen.toString() + " flags=0x" + p.flags.toString(16) +
    " win=" + p.window.toString() + " urg=" + p.urgent.toString() + " options=" + p.options.length.toString() +
    " payload=" + p.payload.length.toString();
}

/** The representation parsed from the input (carried src -> dst). */
export function tcpParse(src: u32, dst: u32, verify: bool): string {
  const r = new TcpRepr();
  const e = r.parse(new TcpPacket(inputBytes()), src, dst, verify);
  if (e != WireError.Ok) return "error: " + wireErrorName(e);
  let s = r.toString();
  const o = r.options;
  for (let i = 0; i < o.sackCount; i++) s += " [" + o.sack[2 * i].toString() + "," + o.sack[2 * i + 1].toString() + ")";
  return s;
}

/** Parse the input, emit the representation again into a 0xA5-filled
 * buffer one byte longer than it needs: the bytes (the last must stay
 * 0xA5). */
export function tcpRoundTrip(src: u32, dst: u32): i32 {
  const r = new TcpRepr();
  const e = r.parse(new TcpPacket(inputBytes()), src, dst);
  if (e != WireError.Ok) return -1;
  // A copy of the payload, so emit copies it rather than finding it in place.
  r.payload = r.payload.slice();
  const out = new Uint8Array(r.bufferLen() + 1);
  out.fill(0xa5);
  r.emit(new TcpPacket(out), src, dst);
  setOutput(out);
  return r.bufferLen();
}

/** A segment built from fields: SACK blocks [l0, r0), [l1, r1) when n > 0. */
export function tcpBuild(src: u32, dst: u32, sackN: i32, l0: u32, r0: u32, l1: u32, r1: u32): void {
  const r = new TcpRepr();
  r.srcPort = 80;
  r.dstPort = 40000;
  r.seq = 1;
  r.ack = 2;
  r.flags = 0x10;
  r.window = 512;
  r.options.timestamps = true;
  r.options.tsVal = 7;
  r.options.tsEcr = 9;
  r.options.sackCount = sackN;
  r.options.sack[0] = l0;
  r.options.sack[1] = r0;
  r.options.sack[2] = l1;
  r.options.sack[3] = r1;
  r.payload = inputBytes();
  const out = new Uint8Array(r.bufferLen());
  out.fill(0xa5);
  r.emit(new TcpPacket(out), src, dst);
  setOutput(out);
}
