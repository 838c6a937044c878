// Byte buffers shared with the JavaScript side of a test. An entry
// re-exports inputBuffer, outputPtr and outputLen; the test then calls
// h.input(bytes) before and h.output() after a call.

let input = new Uint8Array(0);
let output = new Uint8Array(0);

/** Called by the harness: a fresh buffer of `len` bytes to fill. */
export function inputBuffer(len: i32): usize {
  input = new Uint8Array(len);
  return input.dataStart;
}

/** The bytes the test passed with h.input(). */
export function inputBytes(): Uint8Array {
  return input;
}

/** Hand bytes back to the test (read with h.output()). */
export function setOutput(bytes: Uint8Array): void {
  output = bytes;
}

export function outputPtr(): usize {
  return output.dataStart;
}

export function outputLen(): i32 {
  return output.byteLength;
}
