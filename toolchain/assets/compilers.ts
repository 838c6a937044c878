/**
 * Build-time asset compilers, by the name app.json gives in
 * `assets.compiler`. A compiler takes the files of the assets folder and
 * returns the assets to embed; it reports a bad input file with a
 * BuildError located at the file, line and column.
 */
import type { Asset, AssetFile } from "./index.ts";
import { compileZones } from "./dns-zones.ts";
import { compileWebsite } from "./website.ts";

export type AssetCompiler = (files: AssetFile[], dir: string) => Asset[];

export const compilers: Record<string, AssetCompiler> = {
  /** RFC 1035 master files to the zone tables apps/dns serves. */
  "dns-zones": compileZones,
  /** A static site: gzip variants and an index of validators (apps/website). */
  website: compileWebsite,
};
