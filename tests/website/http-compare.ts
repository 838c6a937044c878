/**
 * Reading the raw answers of the nginx conformance suite and comparing
 * two servers' answers to the same request on what matters to a client:
 * the status, the framing and validators, where redirects go, which
 * methods are allowed, whether the connection stays open, and the bytes
 * of a 200 or 206 body. Date, Server, the ETag's value (each server makes
 * its own) and the text of error bodies are each server's own.
 */
export interface Answer {
  status: number;
  /** Lower-case names; repeated fields joined with ", ". */
  headers: Record<string, string>;
  body: Buffer;
  /** Names of fields sent more than once (lower case). */
  repeated: string[];
}

/** The responses in `bytes`, in order; `heads` are the positions that
 * answer HEAD requests (no body whatever Content-Length says). */
export function readAnswers(bytes: Buffer, heads: number[] = []): Answer[] {
  const out: Answer[] = [];
  let at = 0;
  while (at < bytes.length) {
    const end = bytes.indexOf("\r\n\r\n", at);
    if (end < 0) throw new Error(`an answer without the end of its header section: ${JSON.stringify(bytes.subarray(at, at + 200).toString("latin1"))}`);
    const lines = bytes.subarray(at, end).toString("latin1").split("\r\n");
    const m = /^HTTP\/1\.[01] (\d{3})/.exec(lines[0]);
    if (!m) throw new Error(`not a status line: ${JSON.stringify(lines[0])}`);
    const headers: Record<string, string> = {};
    const repeated: string[] = [];
    for (const l of lines.slice(1)) {
      const i = l.indexOf(":");
      const k = l.slice(0, i).toLowerCase();
      const v = l.slice(i + 1).trim();
      if (k in headers) repeated.push(k);
      headers[k] = k in headers ? `${headers[k]}, ${v}` : v;
    }
    const status = Number(m[1]);
    at = end + 4;
    // RFC 9112 §6.3: no body for HEAD, 1xx, 204, 304.
    const bodyless = heads.includes(out.length) || status < 200 || status === 204 || status === 304;
    let len = bodyless ? 0 : headers["content-length"] !== undefined ? Number(headers["content-length"]) : bytes.length - at;
    len = Math.min(len, bytes.length - at);
    out.push({ status, headers, body: bytes.subarray(at, at + len), repeated });
    at += len;
  }
  return out;
}

/** One server's whole answer to one request. */
export interface Exchange {
  answers: Answer[];
  /** Whether the server closed the connection (else it stayed open). */
  closed: boolean;
}

const withBody = (s: number) => s === 200 || s === 206;
/** Statuses whose fields describe the file asked for (404: the site's 404.html). */
const aboutTheFile = (s: number) => withBody(s) || s === 304 || s === 404;

/**
 * How `ours` differs from `theirs`, as "aspect: ours | theirs" lines; the
 * aspect (the text before the colon) is what the list of deliberate
 * differences names.
 */
export function differences(ours: Exchange, theirs: Exchange): string[] {
  const d: string[] = [];
  const note = (aspect: string, a: unknown, b: unknown) => {
    if (a !== b) d.push(`${aspect}: ${String(a)} | ${String(b)}`);
  };
  note("answers", ours.answers.length, theirs.answers.length);
  note("open", !ours.closed, !theirs.closed);
  const n = Math.min(ours.answers.length, theirs.answers.length);
  for (let i = 0; i < n; i++) {
    const a = ours.answers[i];
    const b = theirs.answers[i];
    const at = n > 1 ? ` #${i + 1}` : "";
    note(`status${at}`, a.status, b.status);
    note(`repeated fields${at}`, a.repeated.join(" "), b.repeated.join(" "));
    if (a.status !== b.status) continue;
    const field = (name: string) => note(`${name}${at}`, a.headers[name], b.headers[name]);
    if (aboutTheFile(a.status)) {
      if (a.status !== 304) field("content-length");
      field("content-type");
      field("last-modified");
      note(`etag${at}`, "etag" in a.headers, "etag" in b.headers);
    }
    field("content-range");
    field("location");
    field("allow");
    note(`connection-close${at}`, /close/i.test(a.headers.connection ?? ""), /close/i.test(b.headers.connection ?? ""));
    if (withBody(a.status)) note(`body${at}`, a.body.toString("base64"), b.body.toString("base64"));
  }
  return d;
}

/** The aspect a difference line is about ("status", "allow #2", …). */
export const aspectOf = (line: string) => line.slice(0, line.indexOf(":"));

/** `date` (an IMF-fixdate) in the obsolete RFC 850 and asctime forms (RFC 9110 §5.6.7). */
export function dateForms(date: string): { date850: string; asctime: string } {
  const t = new Date(date);
  if (Number.isNaN(t.getTime())) throw new Error(`not an HTTP date: ${date}`);
  const days = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];
  const months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
  const p2 = (x: number) => String(x).padStart(2, "0");
  const time = `${p2(t.getUTCHours())}:${p2(t.getUTCMinutes())}:${p2(t.getUTCSeconds())}`;
  const mon = months[t.getUTCMonth()];
  return {
    date850: `${days[t.getUTCDay()]}, ${p2(t.getUTCDate())}-${mon}-${p2(t.getUTCFullYear() % 100)} ${time} GMT`,
    asctime: `${days[t.getUTCDay()].slice(0, 3)} ${mon} ${String(t.getUTCDate()).padStart(2, " ")} ${time} ${t.getUTCFullYear()}`,
  };
}
