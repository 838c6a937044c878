// A JSON text (RFC 8259) written piece by piece into a growing UTF-8
// buffer, commas and colons placed for the caller:
//
//   const w = new JsonWriter();
//   w.beginObject().key("id").number(7).key("tags").beginArray().string("a").endArray().endObject();
//   if (w.error != JsonError.None) { res.sendText(500, jsonErrorText(w.error)); return; }
//   res.sendText(200, w.toString(), "application/json");
//
// (or res.sendBytes(200, w.toBytes()) after res.header("Content-Type",
// "application/json"), which skips a round trip through a string).
//
// Misuse — a value without its key inside an object, a key outside one,
// an end that does not match its begin, a second top-level value — is
// not written: the writer stops in an error state that `error` reports,
// and toString()/toBytes() give nothing rather than invalid JSON. So does
// an unfinished text, and one that would grow past `maxBytes`.
//
// Strings are escaped as RFC 8259 §7 requires and as JavaScript's
// JSON.stringify does, byte for byte: '"' and '\' escaped, controls as
// \b \f \n \r \t or \u00XX, lone surrogates as \uDXXX (lower-case hex),
// everything else as UTF-8. Numbers that JSON cannot express (NaN,
// ±Infinity) are written as null.

export enum JsonError {
  None = 0,
  /** A value inside an object with no key before it. */
  ValueWithoutKey = 1,
  /** key() outside an object, or twice in a row. */
  MisplacedKey = 2,
  /** An end with nothing open, or closing the other kind. */
  Unbalanced = 3,
  /** A second value at the top level. */
  SecondValue = 4,
  /** Containers still open, a key without its value, or nothing written. */
  Unfinished = 5,
  /** The text would be longer than maxBytes. */
  TooLarge = 6,
}

export function jsonErrorText(e: JsonError): string {
  switch (e) {
    case JsonError.None: return "no error";
    case JsonError.ValueWithoutKey: return "JsonWriter: a value inside an object needs key() first";
    case JsonError.MisplacedKey: return "JsonWriter: key() belongs inside an object, once before each value";
    case JsonError.Unbalanced: return "JsonWriter: an end does not match the begin it closes";
    case JsonError.SecondValue: return "JsonWriter: a JSON text holds one top-level value; wrap several in an array";
    case JsonError.Unfinished: return "JsonWriter: the text is unfinished (open containers or a key without value)";
    case JsonError.TooLarge: return "JsonWriter: the text grew past maxBytes";
  }
  return "JsonWriter: unknown error";
}

const OBJECT: u8 = 1;
const ARRAY: u8 = 2;

export class JsonWriter {
  private buf: Uint8Array = new Uint8Array(64);
  private len: i32 = 0;
  /** The open containers, innermost last. */
  private readonly open: u8[] = [];
  /** Whether the innermost container has a member already (comma next). */
  private filled: bool = false;
  /** A key was written and waits for its value. */
  private keyed: bool = false;
  /** The top-level value was begun (the text is complete once nothing
   * is open). */
  private done: bool = false;
  private failed: JsonError = JsonError.None;

  /** `maxBytes` bounds the text: beyond it the writer stops (TooLarge). */
  constructor(readonly maxBytes: i32 = 1 << 30) {}

  /** What is wrong, None when the text is complete and valid. */
  get error(): JsonError {
    if (this.failed != JsonError.None) return this.failed;
    return this.done && this.open.length == 0 ? JsonError.None : JsonError.Unfinished;
  }

  /** Bytes written so far. */
  get length(): i32 {
    return this.len;
  }

  /** Start again, empty (the buffer is kept). */
  reset(): JsonWriter {
    this.len = 0;
    this.open.length = 0;
    this.filled = false;
    this.keyed = false;
    this.done = false;
    this.failed = JsonError.None;
    return this;
  }

  /** The text; "" unless `error` is None. */
  toString(): string {
    if (this.error != JsonError.None) return "";
    return String.UTF8.decodeUnsafe(this.buf.dataStart, this.len);
  }

  /** The text as UTF-8 (a copy); empty unless `error` is None. */
  toBytes(): Uint8Array {
    if (this.error != JsonError.None) return new Uint8Array(0);
    return this.buf.slice(0, this.len);
  }

  beginObject(): JsonWriter {
    if (this.value()) this.begin(OBJECT, 123); // '{'
    return this;
  }

  endObject(): JsonWriter {
    this.end(OBJECT, 125); // '}'
    return this;
  }

  beginArray(): JsonWriter {
    if (this.value()) this.begin(ARRAY, 91); // '['
    return this;
  }

  endArray(): JsonWriter {
    this.end(ARRAY, 93); // ']'
    return this;
  }

  /** The name of the next member of the current object. */
  key(name: string): JsonWriter {
    if (this.failed != JsonError.None) return this;
    const n = this.open.length;
    if (n == 0 || unchecked(this.open[n - 1]) != OBJECT || this.keyed) return this.fail(JsonError.MisplacedKey);
    if (this.filled) this.byte(44); // ','
    this.quoted(name);
    this.byte(58); // ':'
    this.keyed = true;
    return this;
  }

  string(s: string): JsonWriter {
    if (this.value()) this.quoted(s);
    return this;
  }

  /** An integer (i32, u64, …) as its decimal digits; a float as digits
   * that read back as the same f64 (AssemblyScript's Grisu2: mostly what
   * JavaScript writes, at times a digit longer), null for NaN and
   * ±Infinity (JSON has no such numbers, RFC 8259 §6). */
  number<T>(v: T): JsonWriter {
    if (!isInteger<T>() && !isFloat<T>()) ERROR("JsonWriter.number takes an integer or a float");
    if (isBoolean<T>()) ERROR("JsonWriter.number: use bool() for a boolean");
    if (!this.value()) return this;
    if (isFloat<T>()) {
      const f = <f64>v;
      if (!isFinite(f)) this.ascii("null");
      else if (f == 0) this.ascii("0"); // -0 too, as JavaScript writes it
      else {
        // "3" and "1e+21" as JavaScript writes them, not "3.0".
        const s = f.toString();
        this.ascii(s.endsWith(".0") ? s.substring(0, s.length - 2) : s);
      }
    } else {
      this.ascii(v.toString());
    }
    return this;
  }

  bool(b: bool): JsonWriter {
    if (this.value()) this.ascii(b ? "true" : "false");
    return this;
  }

  null(): JsonWriter {
    if (this.value()) this.ascii("null");
    return this;
  }

  /** Before a value: check it may come here, place the comma; false
   * when it may not (the writer is then failed). */
  private value(): bool {
    if (this.failed != JsonError.None) return false;
    const n = this.open.length;
    if (n == 0) {
      // The top-level value: once begun, a text is done when it closes.
      if (this.done) {
        this.fail(JsonError.SecondValue);
        return false;
      }
      this.done = true;
      return true;
    }
    if (unchecked(this.open[n - 1]) == OBJECT) {
      if (!this.keyed) {
        this.fail(JsonError.ValueWithoutKey);
        return false;
      }
      this.keyed = false;
    } else if (this.filled) {
      this.byte(44); // ','
    }
    this.filled = true;
    return true;
  }

  private begin(kind: u8, c: u8): void {
    this.byte(c);
    this.open.push(kind);
    this.filled = false;
  }

  private end(kind: u8, c: u8): void {
    if (this.failed != JsonError.None) return;
    const n = this.open.length;
    if (n == 0 || unchecked(this.open[n - 1]) != kind || this.keyed) {
      this.fail(this.keyed ? JsonError.Unfinished : JsonError.Unbalanced);
      return;
    }
    this.byte(c);
    this.open.pop();
    // The container just closed was a member of its parent.
    this.filled = true;
  }

  private fail(e: JsonError): JsonWriter {
    if (this.failed == JsonError.None) this.failed = e;
    return this;
  }

  /** A string in quotes, escaped (RFC 8259 §7). */
  private quoted(s: string): void {
    this.byte(34);
    const n = s.length;
    for (let i = 0; i < n; i++) {
      const c = <u32>s.charCodeAt(i);
      if (c < 0x80) {
        if (c == 34 || c == 92) {
          this.byte(92);
          this.byte(<u8>c);
        } else if (c < 0x20) {
          this.control(c);
        } else {
          this.byte(<u8>c);
        }
      } else if (c < 0x800) {
        this.byte(<u8>(0xc0 | c >> 6));
        this.byte(<u8>(0x80 | c & 63));
      } else if ((c & 0xf800) != 0xd800) {
        this.utf8x3(c);
      } else {
        const d = i + 1 < n ? <u32>s.charCodeAt(i + 1) : 0;
        if (c < 0xdc00 && (d & 0xfc00) == 0xdc00) {
          const cp = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
          this.byte(<u8>(0xf0 | cp >> 18));
          this.byte(<u8>(0x80 | cp >> 12 & 63));
          this.byte(<u8>(0x80 | cp >> 6 & 63));
          this.byte(<u8>(0x80 | cp & 63));
          i++;
        } else {
          this.hex4(c); // a lone surrogate: no UTF-8 for it
        }
      }
    }
    this.byte(34);
  }

  private control(c: u32): void {
    let short: u32 = 0;
    if (c == 8) short = 98; // \b
    else if (c == 9) short = 116; // \t
    else if (c == 10) short = 110; // \n
    else if (c == 12) short = 102; // \f
    else if (c == 13) short = 114; // \r
    if (short != 0) {
      this.byte(92);
      this.byte(<u8>short);
    } else {
      this.hex4(c);
    }
  }

  /** \uXXXX in lower-case hex. */
  private hex4(c: u32): void {
    this.byte(92);
    this.byte(117);
    for (let shift = 12; shift >= 0; shift -= 4) {
      const d = c >> shift & 15;
      this.byte(<u8>(d < 10 ? 48 + d : 87 + d));
    }
  }

  private utf8x3(c: u32): void {
    this.byte(<u8>(0xe0 | c >> 12));
    this.byte(<u8>(0x80 | c >> 6 & 63));
    this.byte(<u8>(0x80 | c & 63));
  }

  private ascii(s: string): void {
    for (let i = 0; i < s.length; i++) this.byte(<u8>s.charCodeAt(i));
  }

  private byte(c: u8): void {
    if (this.len >= this.maxBytes) {
      this.fail(JsonError.TooLarge);
      return;
    }
    if (this.len >= this.buf.byteLength) {
      const grown = new Uint8Array(min(this.maxBytes, this.buf.byteLength * 2));
      memory.copy(grown.dataStart, this.buf.dataStart, this.len);
      this.buf = grown;
    }
    unchecked(this.buf[this.len++] = c);
  }
}
