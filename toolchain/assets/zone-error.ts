/** A mistake in a master file, at its line and column (1-based). */
export class ZoneError extends Error {
  constructor(message: string, readonly line: number, readonly column: number) {
    super(message);
  }
}
