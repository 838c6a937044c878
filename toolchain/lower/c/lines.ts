/**
 * Appending many lines at once. `out.push(...lines)` passes every line as
 * an argument, and V8 runs out of stack past about a hundred thousand
 * arguments (a function of 42,000 statements crashed the lowering that
 * way): generated code has no bound on its number of lines, so they are
 * appended one by one.
 */
export function append(out: string[], lines: readonly string[]): void {
  for (const l of lines) out.push(l);
}
