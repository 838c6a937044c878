// Clocks. Monotonic time (since boot) is for timers and intervals; wall time
// (since the Unix epoch) is only for display, since it may jump.
import { monotonic, walltime } from "./abi";

export const NANOSECOND: i64 = 1;
export const MICROSECOND: i64 = 1_000;
export const MILLISECOND: i64 = 1_000_000;
export const SECOND: i64 = 1_000_000_000;

/** Nanoseconds since boot; never goes backwards. */
export function now(): i64 {
  return monotonic();
}

/** Nanoseconds since 1970-01-01T00:00:00Z. */
export function wallNow(): i64 {
  return walltime();
}

/** `ns` since the epoch as ISO 8601 in UTC with milliseconds, the same text
 * as JavaScript's Date.toISOString: 2024-02-29T23:59:59.999Z. (An i64 of
 * nanoseconds spans the years 1677 to 2262, always four digits.) */
export function isoTime(ns: i64): string {
  // Floor division, so instants before 1970 land in the right second.
  let ms = ns / MILLISECOND;
  if (ns % MILLISECOND < 0) ms -= 1;
  let days = ms / 86_400_000;
  let msOfDay = ms % 86_400_000;
  if (msOfDay < 0) { msOfDay += 86_400_000; days -= 1; }

  const date = civilDate(days);
  const year = date / 10_000, month = date / 100 % 100, day = date % 100;

  return pad(year, 4) + "-" + pad(month, 2) + "-" + pad(day, 2) +
    "T" + pad(msOfDay / 3_600_000, 2) + ":" + pad(msOfDay / 60_000 % 60, 2) +
    ":" + pad(msOfDay / 1_000 % 60, 2) + "." + pad(msOfDay % 1_000, 3) + "Z";
}

/** The Gregorian date `days` after 1970-01-01, as year * 10000 + month *
 * 100 + day (2024-02-29 is 20240229). Years are counted from March 1st so
 * the leap day is the last day of the year; the 400-year cycle has 146097
 * days. */
export function civilDate(days: i64): i64 {
  const z = days + 719_468;
  const era = (z >= 0 ? z : z - 146_096) / 146_097;
  const doe = z - era * 146_097;
  const yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
  const doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const mp = (5 * doy + 2) / 153;
  const day = doy - (153 * mp + 2) / 5 + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  const year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  return year * 10_000 + month * 100 + day;
}

/** Decimal with leading zeros to `width` digits. */
function pad(value: i64, width: i32): string {
  return value.toString().padStart(width, "0");
}
