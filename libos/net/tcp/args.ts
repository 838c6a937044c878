// TCP's boot arguments. Each overrides one default of TcpConfig.forMemory
// (config.ts); 0 (the default) keeps what the memory gives:
//   --tcp-rcvbuf=BYTES --tcp-sndbuf=BYTES   buffers per connection
//   --tcp-max-connections=N --tcp-backlog=N --tcp-time-wait=N
//   --tcp-syncookies=true|false
import { Flag, IntRange, declareArgument, memoryLimit } from "../../platform/index";
import { TcpConfig, backlogFor, bufferBudget } from "./config";

/** The configuration the (parsed) boot arguments and the memory give. */
export function configFromArguments(): TcpConfig {
  // Declared here, when TCP is first used, so that images without TCP do
  // not list them.
  const rcvBufArgument = declareArgument(
    "tcp-rcvbuf", "0", "receive buffer per TCP connection in bytes (0: from the memory)", new IntRange(0, 1 << 24));
  const sndBufArgument = declareArgument(
    "tcp-sndbuf", "0", "send buffer per TCP connection in bytes (0: from the memory)", new IntRange(0, 1 << 24));
  const maxConnectionsArgument = declareArgument(
    "tcp-max-connections", "0", "TCP connections at most (0: from the memory)", new IntRange(0, 1 << 20));
  const backlogArgument = declareArgument(
    "tcp-backlog", "0", "half-open TCP connections per listener (0: half the connections)",
    new IntRange(0, 1 << 20));
  const timeWaitArgument = declareArgument(
    "tcp-time-wait", "-1", "TCP connections kept in TIME-WAIT (-1: as many as connections)",
    new IntRange(-1, 1 << 20));
  const synCookiesArgument = declareArgument(
    "tcp-syncookies", "true", "answer SYNs with cookies when a backlog is full", new Flag());
  const memory = memoryLimit();
  const c = TcpConfig.forMemory(memory);
  // Buffers below 4 KiB would make every segment a window update.
  if (rcvBufArgument.int != 0) c.rcvBuf = <i32>max<i64>(rcvBufArgument.int, 4096);
  if (sndBufArgument.int != 0) c.sndBuf = <i32>max<i64>(sndBufArgument.int, 4096);
  c.applyBudget(bufferBudget(memory));
  if (maxConnectionsArgument.int != 0) {
    c.maxConnections = <i32>maxConnectionsArgument.int;
    c.maxTimeWait = c.maxConnections;
    c.backlog = backlogFor(c.maxConnections);
  }
  if (backlogArgument.int != 0) c.backlog = <i32>backlogArgument.int;
  if (timeWaitArgument.int >= 0) c.maxTimeWait = <i32>timeWaitArgument.int;
  c.synCookies = synCookiesArgument.flag;
  return c;
}
