// The TLS client against hostile servers, in the harness: its first
// flight checked field by field, then a well-formed ServerHello (a real
// X25519 share) and thousands of mutations of it and of the records after
// it. Every answer ends in a failure with a reason (or waits for more
// bytes), never a trap.
import { generateKeyPairSync } from "node:crypto";
import { beforeAll, describe, expect, test } from "vitest";
import { Harness } from "../harness/index.ts";

let h: Harness;
beforeAll(async () => {
  h = await Harness.start("tests/tlsclient/as/client.ts");
});

function feed(bytes: Uint8Array): string {
  h.input(bytes);
  const r = h.string(h.call("feed"));
  if (h.exitStatus !== null) throw new Error(`feed stopped the image:\n${h.console}`);
  return r!;
}

const record = (type: number, body: number[]) => [type, 3, 3, body.length >> 8, body.length & 0xff, ...body];
const u16 = (n: number) => [n >> 8, n & 0xff];

/** A ServerHello choosing TLS_AES_128_GCM_SHA256 and X25519, a
 * change_cipher_spec, and one record that cannot decrypt. */
function serverFlight(): Uint8Array {
  const { publicKey } = generateKeyPairSync("x25519");
  const share = [...publicKey.export({ type: "spki", format: "der" }).subarray(-32)];
  const exts = [...u16(43), ...u16(2), 3, 4, ...u16(51), ...u16(36), 0x00, 0x1d, ...u16(32), ...share];
  const body = [3, 3, ...Array(32).fill(7), 32, ...Array(32).fill(0), 0x13, 0x01, 0, ...u16(exts.length), ...exts];
  const hs = [2, 0, body.length >> 8, body.length & 0xff, ...body];
  return Uint8Array.from([...record(22, hs), ...record(20, [1]), ...record(23, Array(40).fill(0x5a))]);
}

describe("the first flight", () => {
  test("one ClientHello record: TLS 1.3 only, the three suites, both groups and shares, SNI, ALPN, the binding's signatures", () => {
    h.call("firstFlight");
    const b = Buffer.from(h.output());
    expect(b[0]).toBe(22); // handshake record
    expect(b[5]).toBe(1); // ClientHello
    expect(b.readUInt16BE(3)).toBe(b.length - 5);
    const hex = b.toString("hex");
    expect(hex).toContain("0006130113031302"); // cipher_suites: AES-128-GCM, ChaCha20, AES-256-GCM
    expect(hex).toContain("002b0003020304"); // supported_versions: TLS 1.3 only
    expect(hex).toContain("000a00060004001d0017"); // supported_groups: x25519, secp256r1
    // signature_algorithms: what the binding verifies (ECDSA P-256, Ed25519,
    // RSA-PSS, and RSA PKCS #1 v1.5 for certificates only).
    expect(hex).toContain("000d000e000c040308070804080504010501");
    expect(hex).toContain(Buffer.from("www.test").toString("hex")); // SNI
    expect(hex).toContain("0010000b000908687474702f312e31"); // ALPN http/1.1
    expect(hex).toMatch(/0033[0-9a-f]{4}[0-9a-f]{4}001d0020[0-9a-f]{64}0017004104/); // key_share: X25519 then P-256
  });
});

describe("hostile servers", () => {
  test("a good ServerHello is taken: the next record fails only its decryption", () => {
    expect(feed(serverFlight())).toBe("a record from the server does not decrypt (bad_record_mac)");
  });

  test("a TLS 1.2 ServerHello, a suite not offered, a share for another group", () => {
    const f = serverFlight();
    const v = f.slice();
    // Offsets: record (5) + handshake (4) + version (2) + random (32) +
    // session id (1 + 32): the suite at 76, extensions from 81.
    v[86] = 0x03; // supported_versions 0x0304 -> 0x0303
    expect(feed(v)).toBe("the server does not speak TLS 1.3 (only TLS 1.3 is supported)");
    const s = f.slice();
    s[77] = 0x99; // cipher suite 0x1399
    expect(feed(s)).toBe("the server chose a cipher suite that was not offered");
  });

  // Each run makes a client (two key pairs): MORGANA_TLS_FUZZ=N for more.
  const runs = Number(process.env.MORGANA_TLS_FUZZ) || 2000;
  test(`${runs} mutations of the server's flight: each ends in a failure with a reason, none traps`, () => {
    let seed = 0x7e57;
    const rand = (n: number) => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return (seed >>> 8) % n;
    };
    const reasons = new Map<string, number>();
    const base = serverFlight();
    for (let i = 0; i < runs; i++) {
      let m = base.slice();
      const edits = 1 + rand(3);
      for (let e = 0; e < edits; e++) {
        const kind = rand(4);
        if (kind === 3) m = m.subarray(0, rand(m.length)); // truncated
        else if (m.length) m[rand(m.length)] = kind === 0 ? m[rand(m.length)] ^ (1 << rand(8)) : rand(256);
      }
      const r = feed(m);
      reasons.set(r, (reasons.get(r) ?? 0) + 1);
    }
    // Truncations wait for more bytes; everything else is refused.
    const kinds = [...reasons.keys()];
    expect(kinds.length).toBeGreaterThan(8);
    expect(kinds.every((k) => k.length > 0)).toBe(true);
  });
});
