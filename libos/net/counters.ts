// Counters: every layer counts what it took in, sent out, and dropped, by
// reason, in plain u64 fields (incrementing one costs nothing on the fast
// path). `list()` prints them as "name=value" words for logs and tests.

export abstract class Counters {
  /** Every counter as " name=value" words. */
  abstract list(): string;

  protected item(name: string, value: u64): string {
    return " " + name + "=" + value.toString();
  }
}
