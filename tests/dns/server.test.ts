// apps/dns under the Node harness, as one Wasm module with the harness's
// platform imports: UDP queries and answers through the whole stack, DNS
// over TCP with pipelined queries (RFC 7766), the rate limit's slips and
// drops, and hostile queries, all with a fake clock.
import { describe, expect, test } from "vitest";
import path from "node:path";
import { Harness } from "../harness/index.ts";
import { compileZones } from "../../toolchain/assets/dns-zones.ts";
import { readAssetFolder } from "../../toolchain/assets/index.ts";
import { PEER, PEER_MAC, US, US_MAC, arp, ethernet, ipFrame, udp } from "../net/helpers.ts";
import { parseSegment, tcpFrame } from "../tcp/helpers.ts";
import { query } from "./boot.ts";
import { parseMessage } from "./message.ts";

const zonesDir = path.join(path.dirname(new URL(import.meta.url).pathname), "../../apps/dns/zones");
const assets = compileZones(readAssetFolder(zonesDir), zonesDir);
const MS = 1_000_000n;

async function boot(args = ""): Promise<Harness> {
  const h = await Harness.start("tests/dns/as/dnsapp.ts", {
    devices: [{ name: "service", type: "net", mac: US_MAC }],
    cmdline: `--ipv4=${US}/24 ${args}`.trim(),
    assets,
  });
  expect(h.exitStatus, h.console).toBe(null);
  expect(h.console).toMatch(/\[dns\] serving 1 zone\(s\), 20 names on 10\.99\.1\.1:53, UDP and TCP/);
  // Teach it the peer's MAC so that answers go out at once.
  deliver(h, ethernet(US_MAC, PEER_MAC, 0x0806, arp(1, PEER_MAC, PEER, "00:00:00:00:00:00", US)));
  h.net().takeSent();
  return h;
}

function deliver(h: Harness, frame: Uint8Array): Uint8Array[] {
  h.net().deliver(frame, h.monotonic);
  h.call("turn");
  expect(h.exitStatus, h.console).toBe(null);
  return h.net().takeSent();
}

/** The UDP payload of each frame sent. */
const udpPayloads = (frames: Uint8Array[]) => frames.filter((f) => f[23] === 17).map((f) => f.subarray(42));
const rcode = (m: Uint8Array) => m[3] & 0xf;
const ancount = (m: Uint8Array) => (m[6] << 8) | m[7];

describe("apps/dns over UDP (harness)", () => {
  test("a query through the whole stack gets its answer, from port 53 to the asking port", async () => {
    const h = await boot();
    const sent = deliver(h, ipFrame({ protocol: 17, src: PEER, dst: US }, udp(PEER, US, 40000, 53, Buffer.from(query("web.morgana.test", 1), "hex"))));
    expect(sent.length).toBe(1);
    const f = sent[0];
    expect((f[34] << 8) | f[35]).toBe(53);
    expect((f[36] << 8) | f[37]).toBe(40000);
    const [m] = udpPayloads(sent);
    expect(rcode(m)).toBe(0);
    expect(ancount(m)).toBe(2);
  });

  test("the rate limit: within it all answered, over it every other one slips (TC, no records), the rest dropped", async () => {
    const h = await boot("--dns-rate-limit=5");
    const q = Buffer.from(query("web.morgana.test", 1), "hex");
    const answers: Uint8Array[] = [];
    for (let i = 0; i < 11; i++) answers.push(...udpPayloads(deliver(h, ipFrame({ protocol: 17, src: PEER, dst: US }, udp(PEER, US, 40000 + i, 53, q)))));
    // 5 answered, then 6 over the limit: 3 slips, 3 drops.
    expect(answers.length).toBe(8);
    expect(answers.slice(0, 5).every((m) => ancount(m) === 2 && (m[2] & 2) === 0)).toBe(true);
    expect(answers.slice(5).every((m) => ancount(m) === 0 && (m[2] & 2) === 2)).toBe(true);
    // A second later the bucket has refilled.
    h.advance(1000n * MS);
    expect(udpPayloads(deliver(h, ipFrame({ protocol: 17, src: PEER, dst: US }, udp(PEER, US, 41000, 53, q))))[0][7]).toBe(2);
  });
});

describe("apps/dns over TCP (harness)", () => {
  test("pipelined queries on one connection are answered in order (RFC 7766 §6.2.1)", async () => {
    const h = await boot();
    const port = 43000;
    const synAck = deliver(h, tcpFrame({ srcPort: port, dstPort: 53, flags: "S", seq: 1000, opts: { mss: 1460 } })).map(parseSegment);
    expect(synAck[0].flags).toBe("SA");
    const iss = synAck[0].seq;
    const frame = (id: number, name: string, type: number) => {
      const q = Buffer.from(query(name, type, { id }), "hex");
      return Buffer.concat([Buffer.of(q.length >> 8, q.length & 0xff), q]);
    };
    const data = Buffer.concat([frame(1, "web.morgana.test", 1), frame(2, "nothing.morgana.test", 1), frame(3, "big.morgana.test", 16)]);
    deliver(h, tcpFrame({ srcPort: port, dstPort: 53, seq: 1001, ack: iss + 1 }));
    const out = deliver(h, tcpFrame({ srcPort: port, dstPort: 53, flags: "P", seq: 1001, ack: iss + 1, data })).map(parseSegment);
    const stream = Buffer.concat(out.filter((s) => s.data.length).map((s) => Buffer.from(s.data)));
    const messages: Buffer[] = [];
    for (let i = 0; i + 2 <= stream.length;) {
      const len = (stream[i] << 8) | stream[i + 1];
      messages.push(stream.subarray(i + 2, i + 2 + len));
      i += 2 + len;
    }
    expect(messages.map((m) => (m[0] << 8) | m[1])).toEqual([1, 2, 3]);
    expect(messages.map((m) => rcode(m))).toEqual([0, 3, 0]);
    // Over TCP the seven long TXT strings fit: no TC.
    expect(ancount(messages[2])).toBe(7);
    expect(messages[2][2] & 2).toBe(0);
  });
});

describe("the Authority under hostile queries (harness)", () => {
  test("100,000 mutated and truncated queries: never a trap, every answer well formed and within the limit; then the canary answers", async () => {
    const h = await boot();
    const bases = [query("www.morgana.test", 1, { edns: {} }), query("host.sub.morgana.test", 1), query("big.morgana.test", 16, { edns: { udpSize: 4096 } }),
      query("nothing.morgana.test", 28), query("alias.morgana.test", 255, { edns: {} })].map((x) => Buffer.from(x, "hex"));
    let seed = 99;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) >>> 0) >>> 8);
    let answered = 0;
    for (let i = 0; i < 100000; i++) {
      const m = Buffer.from(bases[i % bases.length]);
      for (let k = 0; k <= rnd() % 4; k++) m[rnd() % m.length] = rnd() & 0xff;
      const cut = m.subarray(0, rnd() % 8 === 0 ? rnd() % m.length : m.length);
      h.input(cut);
      const tcp = (i & 1) === 1;
      const n = h.call("answer", tcp) as number;
      expect(h.exitStatus, h.console + "\ninput " + Buffer.from(cut).toString("hex") + " tcp " + tcp).toBe(null);
      if (n === 0) continue;
      answered++;
      const a = h.output();
      expect(n).toBeLessThanOrEqual(tcp ? 65535 : 1232);
      expect(a[0] * 256 + a[1]).toBe(cut[0] * 256 + cut[1]); // the query's id
      expect(a[2] & 0x80).toBe(0x80); // QR
      expect(a[3] & 0x80).toBe(0); // RA never
      parseMessage(a); // well formed, compression pointers included
    }
    expect(answered).toBeGreaterThan(50000);
    // The canary: a plain query still gets its plain answer.
    h.input(Buffer.from(query("web.morgana.test", 1), "hex"));
    expect(h.call("answer", false)).toBeGreaterThan(0);
    const canary = parseMessage(h.output());
    expect([canary.rcode, canary.answer.length]).toEqual([0, 2]);
  });
});
