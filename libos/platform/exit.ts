// Stopping the image. Exit statuses follow Solo5: 0 success, 1 failure,
// 255 abort (traps and AssemblyScript aborts, reported by the boot stub).
import { exit as halt } from "./abi";
import { println } from "./console";

export const EXIT_SUCCESS: i32 = 0;
export const EXIT_FAILURE: i32 = 1;

/** Halt with this status. Never returns. */
export function exit(status: i32): void {
  halt(status);
  unreachable(); // the import never returns; this tells the compiler so
}

/** Print `message` on the console and halt with status 1. */
export function fail(message: string): void {
  println(message);
  exit(EXIT_FAILURE);
}
