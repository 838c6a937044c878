// Certificate validity times (RFC 5280 §4.1.2.5) as seconds since the
// Unix epoch. Only the forms RFC 5280 allows are accepted: UTCTime
// YYMMDDHHMMSSZ (§4.1.2.5.1: YY >= 50 is 19YY, else 20YY) and
// GeneralizedTime YYYYMMDDHHMMSSZ (§4.1.2.5.2: no fractions, always Z).
import { DerReader, TAG_GENERALIZED_TIME, TAG_UTC_TIME } from "./der";
import { X509Error } from "./error";

/** Returned with the reader's status set when the time is malformed. */
export const BAD_TIME: i64 = i64.MIN_VALUE;

/** Read a Time (UTCTime or GeneralizedTime); epoch seconds or BAD_TIME. */
export function readTime(r: DerReader): i64 {
  const at = r.pos;
  if (!r.read()) return BAD_TIME;
  let year: i32;
  let p = r.body;
  if (r.tag == TAG_UTC_TIME && r.len == 13) {
    const yy = digits(r, p, 2);
    year = yy < 0 ? -1 : yy >= 50 ? 1900 + yy : 2000 + yy;
    p += 2;
  } else if (r.tag == TAG_GENERALIZED_TIME && r.len == 15) {
    year = digits(r, p, 4);
    p += 4;
  } else {
    r.fail(X509Error.Malformed, at);
    return BAD_TIME;
  }
  const month = digits(r, p, 2), day = digits(r, p + 2, 2);
  const hour = digits(r, p + 4, 2), minute = digits(r, p + 6, 2), second = digits(r, p + 8, 2);
  const valid = year >= 0 && month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month) &&
    hour >= 0 && hour <= 23 && minute >= 0 && minute <= 59 && second >= 0 && second <= 59 &&
    r.buf[p + 10] == 0x5a; // 'Z'
  if (!valid) {
    r.fail(X509Error.Malformed, at);
    return BAD_TIME;
  }
  return daysFromCivil(year, month, day) * 86_400 + <i64>(hour * 3600 + minute * 60 + second);
}

/** `n` ASCII digits at `p` as a number, or -1. */
function digits(r: DerReader, p: i32, n: i32): i32 {
  let v = 0;
  for (let i = 0; i < n; i++) {
    const c = <i32>r.buf[p + i] - 0x30;
    if (c < 0 || c > 9) return -1;
    v = v * 10 + c;
  }
  return v;
}

function daysInMonth(year: i32, month: i32): i32 {
  if (month == 2) return (year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)) ? 29 : 28;
  return month == 4 || month == 6 || month == 9 || month == 11 ? 30 : 31;
}

/** Days from 1970-01-01 to this Gregorian date: the inverse of
 * platform's civilDate, counting years from March 1st so the leap day
 * ends the year. */
export function daysFromCivil(year: i32, month: i32, day: i32): i64 {
  const y = <i64>(month <= 2 ? year - 1 : year);
  const era = (y >= 0 ? y : y - 399) / 400;
  const yoe = y - era * 400;
  const mp = <i64>(month > 2 ? month - 3 : month + 9);
  const doy = (153 * mp + 2) / 5 + <i64>day - 1;
  const doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146_097 + doe - 719_468;
}
