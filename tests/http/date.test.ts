// HTTP dates (RFC 9110 §5.6.7) against JavaScript's Date.toUTCString, which
// writes the same IMF-fixdate: leap days, century years, the epoch, instants
// before it, and the round trip through the parser.
import { beforeAll, expect, test } from "vitest";
import { Harness } from "../harness/index.ts";

let h: Harness;
beforeAll(async () => {
  h = await Harness.start("tests/http/as/http.ts");
});

const format = (s: number) => h.string(h.call("httpDate", BigInt(s)))!;
/** 2026-11-22, for RFC 850's two-digit years. */
const NOW = 1_795_305_600;
const parse = (t: string, now = NOW) => Number(h.call("readHttpDate", h.newString(t), BigInt(now)));

const instants = [
  0, -1, 86_399, 86_400, 784_111_777, // RFC 9110's own example, Sun, 06 Nov 1994 08:49:37 GMT
  951_782_400, // 2000-02-29, a leap day in a century year divisible by 400
  4_107_542_400, // 2100-03-01, after 2100's missing leap day
  1_709_251_199, 1_798_761_600, -2_208_988_800, // 1900-01-01
];

test("formats like Date.toUTCString, at the edges of days, months, leap years and eras", () => {
  for (const s of instants) expect(format(s), String(s)).toBe(new Date(s * 1000).toUTCString());
});

test("formats and reads back every day of 400 years at a varying time of day", () => {
  for (let day = -25_000; day < 25_000 + 146_097; day += 37) {
    const s = day * 86_400 + ((day * 7919) % 86_400 + 86_400) % 86_400;
    const text = format(s);
    if (text !== new Date(s * 1000).toUTCString()) expect(text, String(s)).toBe(new Date(s * 1000).toUTCString());
    if (s >= 0 && parse(text) !== s) expect(parse(text), text).toBe(s);
  }
});

test("reads all three forms a recipient must accept (RFC 9110 §5.6.7); broken dates are -1", () => {
  expect(parse("Sun, 06 Nov 1994 08:49:37 GMT")).toBe(784_111_777);
  expect(parse("Sunday, 06-Nov-94 08:49:37 GMT")).toBe(784_111_777);
  expect(parse("Sun Nov  6 08:49:37 1994")).toBe(784_111_777);
  expect(parse("Thu Nov 26 08:49:37 2026")).toBe(Date.UTC(2026, 10, 26, 8, 49, 37) / 1000);
  for (const t of ["Sun, 06 Nov 1994 08:49:37 UTC", "Sun, 06 Foo 1994 08:49:37 GMT", "Sun, 6 Nov 1994 08:49:37 GMT", "",
    "Sun, 06 Nov 1994T08:49:37 GMT", "Sunday, 06-Nov-1994 08:49:37 GMT", "Sonntag, 06-Nov-94 08:49:37 GMT",
    "Sunday, 06-Nov-94 08:49:37 UTC", "Sun Nov 6 08:49:37 1994", "Sun Nov  6 08.49.37 1994"]) expect(parse(t), t).toBe(-1);
});

test("an RFC 850 two-digit year is the one at most 50 years ahead (RFC 9110 §5.6.7)", () => {
  const year = (t: string) => new Date(parse(t) * 1000).getUTCFullYear();
  expect(year("Friday, 01-Jan-76 00:00:00 GMT")).toBe(2076); // 50 years ahead of 2026
  expect(year("Thursday, 01-Jan-77 00:00:00 GMT")).toBe(1977);
  expect(year("Saturday, 01-Jan-00 00:00:00 GMT")).toBe(2000);
});
