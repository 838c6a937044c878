/** Small statistics and number formatting for benchmark tables. */

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

export function minimum(xs: number[]): number {
  return Math.min(...xs);
}

export function geomean(xs: number[]): number {
  return Math.exp(xs.reduce((a, x) => a + Math.log(x), 0) / xs.length);
}

export const ms = (ns: number) => (ns / 1e6).toFixed(1);
export const us = (ns: number) => (ns / 1e3).toFixed(0);
export const ratio = (x: number) => `${x.toFixed(2)}x`;
