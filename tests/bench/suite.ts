/**
 * What a benchmark suite is. A suite is one file exporting a `Suite`; list
 * it in index.ts and `npm run bench -- NAME` runs it. It measures, checks
 * that what it measured did the right work (a benchmark never passes or
 * fails: a wrong result is an error, not a slow number), and returns plain
 * tables. Timings are only ever compared within one run, side by side.
 */
export interface Table {
  title: string;
  head: string[];
  rows: string[][];
  /** Lines printed under the table: method, targets met or missed. */
  notes?: string[];
}

export interface SuiteContext {
  /** Progress lines (stderr, so stdout holds only the tables). */
  log(line: string): void;
  /** `--rounds N`: how many interleaved rounds of measurement (suites pick
   * their own default when undefined). */
  rounds?: number;
}

export interface Suite {
  name: string;
  about: string;
  run(ctx: SuiteContext): Promise<Table[]>;
}

/** Right-aligned columns except the first; a rule under the head. */
export function formatTable(t: Table): string {
  const widths = t.head.map((h, i) => Math.max(h.length, ...t.rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join("  ").trimEnd();
  return [
    t.title,
    line(t.head),
    widths.map((w) => "-".repeat(w)).join("  "),
    ...t.rows.map(line),
    ...(t.notes ?? []),
  ].join("\n");
}
