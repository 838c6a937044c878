// The site: every embedded asset with what a response about it needs (media
// type, validators, its gzip variant), built once at start from the
// assets and the index the `website` asset compiler wrote
// (toolchain/assets/website.ts). An image built without that index still
// serves its files, with ETags made from size and position and no
// Last-Modified.
import { Asset, assets, findAsset } from "../../libos/platform/index";
import { formatHttpDate } from "../../libos/http/index";
import { mediaType } from "./mime";

const INDEX = "/site-index";

export class SiteFile {
  /** Its gzip variant, when the site has one (NAME.gz). */
  gz: SiteFile | null = null;
  /** Last-Modified, formatted once. */
  private modified: string | null = null;

  constructor(
    readonly asset: Asset,
    /** The ETag field value, quoted: "…" (strong). */
    readonly etag: string,
    /** Modification time in seconds since the epoch, -1 if unknown. */
    readonly mtime: i64,
    readonly type: string,
  ) {}

  get size(): i32 { return this.asset.size; }

  /** The Last-Modified field value (mtime >= 0 only). */
  get lastModified(): string {
    let m = this.modified;
    if (m === null) {
      m = formatHttpDate(this.mtime);
      this.modified = m;
    }
    return m;
  }
}

export class Site {
  readonly files: Map<string, SiteFile> = new Map<string, SiteFile>();
  /** 404.html, served with status 404 when present. */
  notFound: SiteFile | null = null;

  static load(): Site {
    const site = new Site();
    const etags = new Map<string, string>();
    const mtimes = new Map<string, i64>();
    const index = findAsset(INDEX);
    if (index !== null) readIndex(index, etags, mtimes);
    const all = assets();
    for (let i = 0; i < all.length; i++) {
      const a = all[i];
      if (a.name == INDEX) continue;
      const etag = etags.has(a.name) ? "\"" + etags.get(a.name) + "\"" :
        "\"" + a.size.toString(16) + "-" + a.index.toString(16) + "\"";
      const mtime = mtimes.has(a.name) ? mtimes.get(a.name) : -1;
      site.files.set(a.name, new SiteFile(a, etag, mtime, mediaType(a.name)));
    }
    // Pair each file with NAME.gz.
    const names = site.files.keys();
    for (let i = 0; i < names.length; i++) {
      const n = names[i];
      if (site.files.has(n + ".gz")) site.files.get(n).gz = site.files.get(n + ".gz");
    }
    if (site.files.has("404.html")) site.notFound = site.files.get("404.html");
    return site;
  }

  find(name: string): SiteFile | null {
    return this.files.has(name) ? this.files.get(name) : null;
  }

  get count(): i32 { return this.files.size; }
}

/** Lines "NAME \t ETAG \t MTIME". */
function readIndex(a: Asset, etags: Map<string, string>, mtimes: Map<string, i64>): void {
  const text = String.UTF8.decode(a.bytes().buffer);
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const f = lines[i].split("\t");
    if (f.length != 3) continue;
    etags.set(f[0], f[1]);
    mtimes.set(f[0], I64.parseInt(f[2], 10));
  }
}
