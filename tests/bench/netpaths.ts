/**
 * The two ways an image moves frames on Morgana's tender, for suites that
 * compare them side by side in one run: through the net rings the tender
 * offers (the default), and one hypercall per frame, as on solo5-hvt
 * (`--x-no-net-rings`). Under $MORGANA_TENDER (maybe a real solo5-hvt,
 * which knows no --x- option) there is only the one path it gives.
 */
export interface NetPath {
  /** For table rows and progress lines. */
  name: string;
  /** Tender options before KERNEL. */
  tenderArgs: string[];
}

export function netPaths(): NetPath[] {
  if (process.env.MORGANA_TENDER) return [{ name: "$MORGANA_TENDER", tenderArgs: [] }];
  return [
    { name: "net rings", tenderArgs: [] },
    { name: "hypercalls", tenderArgs: ["--x-no-net-rings"] },
  ];
}
