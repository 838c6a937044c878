/**
 * The `website` asset compiler (apps/website): every file of the site as
 * it is, plus what the server would otherwise compute at run time:
 *
 * - a gzip variant `NAME.gz` of every compressible file (text, HTML, CSS,
 *   JavaScript, SVG, JSON, XML, …) that has none in the folder already and
 *   that gzip makes at least 10% smaller; compressed at level 9 with no
 *   name and time in the gzip header, so the same file always gives the
 *   same bytes;
 * - one index asset named `/site-index` (no request path can name it: a
 *   normalised path never starts with '/'), one line per asset:
 *   `NAME \t ETAG \t MTIME \n`, where ETAG is the first 16 hex digits of
 *   the SHA-256 of the asset's bytes (a strong validator: it changes when
 *   the bytes do, RFC 9110 §8.8.3) and MTIME the file's modification time
 *   in seconds (for Last-Modified; a generated .gz has its source's).
 */
import { createHash } from "node:crypto";
import { statSync } from "node:fs";
import path from "node:path";
import { gzipSync } from "node:zlib";
import type { Asset, AssetFile } from "./index.ts";

export const SITE_INDEX = "/site-index";

const COMPRESSIBLE = new Set([
  "html", "htm", "css", "js", "mjs", "json", "xml", "svg", "txt", "md", "csv", "map", "ico", "wasm", "webmanifest",
]);

export function compileWebsite(files: AssetFile[], dir: string): Asset[] {
  const out: Asset[] = [];
  const lines: string[] = [];
  const names = new Set(files.map((f) => f.path));
  const note = (name: string, bytes: Uint8Array, mtime: number) => {
    out.push({ name, bytes });
    const etag = createHash("sha256").update(bytes).digest("hex").slice(0, 16);
    lines.push(`${name}\t${etag}\t${mtime}`);
  };
  for (const f of files) {
    const mtime = Math.floor(statSync(path.join(dir, f.path)).mtimeMs / 1000);
    note(f.path, f.bytes, mtime);
    const ext = path.extname(f.path).slice(1).toLowerCase();
    const gz = `${f.path}.gz`;
    if (!COMPRESSIBLE.has(ext) || names.has(gz)) continue;
    const packed = gzipSync(f.bytes, { level: 9 });
    if (packed.length <= f.bytes.length * 0.9) note(gz, packed, mtime);
  }
  out.push({ name: SITE_INDEX, bytes: new TextEncoder().encode(lines.join("\n") + "\n") });
  return out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}
