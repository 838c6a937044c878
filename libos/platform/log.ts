// Logging with levels, chosen at boot with --log=debug|info|warn|error
// (default info). A line reads
//   2024-05-01T12:00:00.000Z INFO  [net] link up, mtu 1500
// with the wall time first so that logs line up with captures.
import { declareArgument, OneOf } from "./args";
import { println } from "./console";
import { isoTime, wallNow } from "./clock";

export enum Level { Debug = 0, Info = 1, Warn = 2, Error = 3 }

const NAMES: string[] = ["DEBUG", "INFO ", "WARN ", "ERROR"];

const logArgument = declareArgument(
  "log", "info", "the least severe log level printed",
  new OneOf(["debug", "info", "warn", "error"]),
);

/** The least severe level printed, as set by --log. */
export function logLevel(): Level {
  return <Level>logArgument.choice;
}

/** A named source of log lines, e.g. new Logger("arp"). */
export class Logger {
  constructor(readonly source: string) {}

  /** Whether a line at `level` would be printed: test this before building
   * an expensive message. */
  enabled(level: Level): bool {
    return level >= logLevel();
  }

  log(level: Level, message: string): void {
    if (!this.enabled(level)) return;
    println(isoTime(wallNow()) + " " + NAMES[level] + " [" + this.source + "] " + message);
  }

  debug(message: string): void { this.log(Level.Debug, message); }
  info(message: string): void { this.log(Level.Info, message); }
  warn(message: string): void { this.log(Level.Warn, message); }
  error(message: string): void { this.log(Level.Error, message); }
}
