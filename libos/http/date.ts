// HTTP dates (RFC 9110 §5.6.7): the IMF-fixdate form, "Sun, 06 Nov 1994
// 08:49:37 GMT", written for Date and Last-Modified; read back from
// If-Modified-Since and the like in all three forms a recipient must
// accept: IMF-fixdate, RFC 850 ("Sunday, 06-Nov-94 08:49:37 GMT") and
// asctime ("Sun Nov  6 08:49:37 1994"). A date that does not parse is
// ignored, as §13.1.3 asks.
//
// The wall clock is one hypercall per reading on hvt, so HttpClock reads
// it once a minute and follows the monotonic clock in between; the Date
// text is rebuilt once a second.
import { SECOND, civilDate, now, wallNow } from "../platform/index";

const WEEKDAYS: string[] = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"];

const DAYS: string[] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"]; // 1970-01-01 was a Thursday
const MONTHS: string[] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/** Seconds since the epoch as IMF-fixdate. */
export function formatHttpDate(seconds: i64): string {
  let days = seconds / 86400;
  let rem = seconds % 86400;
  if (rem < 0) { rem += 86400; days -= 1; }
  const weekday = DAYS[<i32>(((days % 7) + 7) % 7)];
  const date = civilDate(days);
  const year = date / 10_000, month = date / 100 % 100, day = date % 100;
  return weekday + ", " + two(day) + " " + MONTHS[<i32>month - 1] + " " + year.toString().padStart(4, "0") + " " +
    two(rem / 3600) + ":" + two(rem / 60 % 60) + ":" + two(rem % 60) + " GMT";
}

function two(n: i64): string {
  return n < 10 ? "0" + n.toString() : n.toString();
}

/** An HTTP date in any of its three forms as seconds since the epoch, or
 * -1 if it is none. `nowSeconds` places RFC 850's two-digit years (the
 * wall clock unless given). */
export function parseHttpDate(s: string, nowSeconds: i64 = -1): i64 {
  if (s.length == 29 && s.charAt(3) == ",") return imfFixdate(s);
  if (s.length == 24 && s.charAt(3) == " ") return asctime(s);
  const comma = s.indexOf(", ");
  if (comma > 0 && WEEKDAYS.includes(s.substring(0, comma))) return rfc850(s.substring(comma + 2), nowSeconds);
  return -1;
}

/** "Sun, 06 Nov 1994 08:49:37 GMT": 29 characters at fixed places. */
function imfFixdate(s: string): i64 {
  if (s.charAt(4) != " " || s.charAt(7) != " " || s.charAt(11) != " " || s.charAt(16) != " " || s.substring(25) != " GMT") return -1;
  return instant(digits(s, 12, 4), MONTHS.indexOf(s.substring(8, 11)), digits(s, 5, 2), s, 17);
}

/** "Sun Nov  6 08:49:37 1994": the day padded with a space, no zone. */
function asctime(s: string): i64 {
  if (s.charAt(7) != " " || s.charAt(10) != " " || s.charAt(19) != " ") return -1;
  const day = s.charAt(8) == " " ? digits(s, 9, 1) : digits(s, 8, 2);
  return instant(digits(s, 20, 4), MONTHS.indexOf(s.substring(4, 7)), day, s, 11);
}

/** "06-Nov-94 08:49:37 GMT" (after the weekday): a two-digit year is the
 * one that is not more than 50 years in the future (RFC 9110 §5.6.7). */
function rfc850(s: string, nowSeconds: i64): i64 {
  if (s.length != 22 || s.charAt(2) != "-" || s.charAt(6) != "-" || s.charAt(9) != " " || s.substring(18) != " GMT") return -1;
  const yy = digits(s, 7, 2);
  if (yy < 0) return -1;
  const t = nowSeconds >= 0 ? nowSeconds : wallNow() / SECOND;
  const thisYear = <i32>(civilDate(t / 86400) / 10_000);
  let year = thisYear - thisYear % 100 + yy;
  if (year > thisYear + 50) year -= 100;
  return instant(year, MONTHS.indexOf(s.substring(3, 6)), digits(s, 0, 2), s, 10);
}

/** Seconds since the epoch of a civil date (`month` 0-11) and the
 * "hh:mm:ss" at `at` in `s`; -1 if a field is out of range. */
function instant(year: i32, month: i32, day: i32, s: string, at: i32): i64 {
  if (s.charAt(at + 2) != ":" || s.charAt(at + 5) != ":") return -1;
  const h = digits(s, at, 2);
  const m = digits(s, at + 3, 2);
  const sec = digits(s, at + 6, 2);
  if (month < 0 || day < 1 || day > 31 || year < 0 || h < 0 || h > 23 || m < 0 || m > 59 || sec < 0 || sec > 60) return -1;
  // Days from civil (inverse of civilDate).
  const y = <i64>(month < 2 ? year - 1 : year);
  const era = (y >= 0 ? y : y - 399) / 400;
  const yoe = y - era * 400;
  const mp = <i64>(month < 2 ? month + 10 : month - 2);
  const doy = (153 * mp + 2) / 5 + <i64>day - 1;
  const doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  const days = era * 146_097 + doe - 719_468;
  return days * 86400 + <i64>h * 3600 + <i64>m * 60 + <i64>sec;
}

function digits(s: string, at: i32, n: i32): i32 {
  let v = 0;
  for (let i = at; i < at + n; i++) {
    const c = s.charCodeAt(i) - 48;
    if (<u32>c > 9) return -1;
    v = v * 10 + c;
  }
  return v;
}

/** The wall clock for Date fields, at the cost of one wall-clock read a
 * minute. */
export class HttpClock {
  private offset: i64 = 0;
  private synced: i64 = i64.MIN_VALUE;
  private second: i64 = i64.MIN_VALUE;
  private text: string = "";

  /** Wall time in seconds since the epoch. */
  seconds(): i64 {
    const t = now();
    if (t - this.synced >= 60 * SECOND || this.synced == i64.MIN_VALUE) {
      this.offset = wallNow() - t;
      this.synced = t;
    }
    return (t + this.offset) / SECOND;
  }

  /** The Date field value for now, rebuilt once a second. */
  date(): string {
    const s = this.seconds();
    if (s != this.second) {
      this.second = s;
      this.text = formatHttpDate(s);
    }
    return this.text;
  }
}
