// Console output: strings go out as UTF-8 through the `puts` import.
import { puts } from "./abi";

/** Write a string as it is (no newline added). */
export function print(text: string): void {
  const bytes = String.UTF8.encode(text);
  puts(changetype<usize>(bytes), bytes.byteLength);
}

/** Write a string and a newline. One `puts` per line, so lines written by
 * different parts of the program never interleave mid-line. */
export function println(text: string): void {
  print(text + "\n");
}

/** Write raw bytes. */
export function printBytes(bytes: Uint8Array): void {
  puts(bytes.dataStart, bytes.byteLength);
}
