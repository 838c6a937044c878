// The client side of the HTTP tests: a harnessed stack with an HTTP server
// (tests/http/as/http.ts, `kind` choosing the handler), a connection to
// port 80 made by hand, and helpers that send bytes as segments and keep
// the acknowledgement number up with what the server sent.
import { TcpTest, type Segment } from "../tcp/helpers.ts";

export const ENTRY = "tests/http/as/http.ts";

export interface ClientOptions {
  /** HttpConfig and TcpConfig fields, set before boot. */
  config?: Record<string, number | bigint>;
  /** 0 the website, 1 Describe, 2 Async (tests/http/as/http.ts). */
  kind?: number;
  assets?: { name: string; bytes: Uint8Array }[];
  /** The image's command line instead of the default --ipv4. */
  cmdline?: string;
}

export async function httpClient(o: ClientOptions = {}) {
  const t = await TcpTest.boot({ entry: ENTRY, bootArg: o.kind ?? 1, config: o.config ?? {}, assets: o.assets, ...(o.cmdline ? { cmdline: o.cmdline } : {}) });
  const { our, peer } = t.handshake(80, { mss: 1460 });
  let seq = peer;
  let ack = our;
  /** What the server sent is what the next segment acknowledges. */
  const track = (out: Segment[]) => {
    for (const s of out) {
      const end = s.seq + s.data.length + (s.flags.includes("F") ? 1 : 0);
      if (end - ack > 0) ack = end;
    }
    return out;
  };
  /** Send bytes as one segment (advertising `win`); what came back. */
  const send = (data: string, win = 65535) => {
    const out = t.send(t.seg({ seq, ack, data, win }));
    seq += Buffer.byteLength(data, "latin1");
    return track(out);
  };
  return {
    t, send, track,
    ack: () => track(t.send(t.seg({ seq, ack }))),
    advance: (ns: bigint) => track(t.advance(ns)),
    seq: () => seq,
    our: () => ack,
  };
}

/** The segments' bytes as text. */
export const text = (out: Segment[]) => out.map((s) => s.text).join("");
/** The status codes of the responses in `t`, in order. */
export const statuses = (t: string) => [...t.matchAll(/^HTTP\/1\.1 (\d+)/gm)].map((m) => m[1]);
