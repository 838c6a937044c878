// DNS wire format: real NSD answers to dig (tests/dns/fixtures) parsed into
// records, printed as dig prints them, and emitted back byte for byte;
// names with compression, and hostile names and messages.
import { beforeAll, describe, expect, test } from "vitest";
import { Harness } from "../harness/index.ts";
import { WIRE_ENTRY, tcpPayloads, toHex, udpPayloads } from "./helpers.ts";

let h: Harness;
beforeAll(async () => { h = await Harness.start(WIRE_ENTRY); });

function text(fn: string, input: Uint8Array, ...args: unknown[]): string {
  h.input(input);
  const s = h.string(h.call(fn, ...args));
  if (h.exitStatus !== null) throw new Error(`${fn} stopped the image: ${h.console}`);
  return s!;
}
const parse = (b: Uint8Array) => text("dnsParse", b);
const [wwwQ, wwwR] = udpPayloads("dns-www");

describe("dns header view", () => {
  test("deconstruct a query and its answer", () => {
    expect(text("dnsHeaderView", wwwQ)).toBe("id=55390 qr=0 opcode=0 rcode=0 qd=1 an=0 ns=0 ar=1");
    expect(text("dnsHeaderView", wwwR)).toBe("id=55390 qr=1 opcode=0 rcode=0 qd=1 an=3 ns=2 ar=4");
  });
  test("shorter than 12 bytes", () => {
    for (let n = 0; n < 12; n++) expect(text("dnsHeaderView", wwwQ.subarray(0, n))).toBe("error: truncated");
  });
});

describe("dns representation: parse (as dig prints them)", () => {
  const answers: [string, string[]][] = [
    ["dns-www", [
      "AN www.morgana.test. 3600 IN CNAME web.morgana.test.",
      "AN web.morgana.test. 3600 IN A 10.0.0.80",
      "AN web.morgana.test. 3600 IN A 10.0.0.81",
      "AR ns2.morgana.test. 3600 IN AAAA 2001:db8::3"]],
    ["dns-mx", [
      "AN morgana.test. 3600 IN MX 10 mail.morgana.test.",
      "AN morgana.test. 3600 IN MX 20 mail.backup.example."]],
    ["dns-soa", ["AN morgana.test. 3600 IN SOA ns1.morgana.test. hostmaster.morgana.test. 2026112201 7200 900 1209600 300"]],
    ["dns-ns", ["AN morgana.test. 3600 IN NS ns1.morgana.test.", "AR ns1.morgana.test. 3600 IN A 10.0.0.2"]],
    ["dns-txt", [
      'AN txt.morgana.test. 3600 IN TXT "hello, morgana" "second string" "semi;colon" "quote\\"inside" "ABC"',
      'AN txt.morgana.test. 3600 IN TXT "one string" "two strings"']],
    ["dns-srv", ["AN _http._tcp.morgana.test. 3600 IN SRV 10 60 80 web.morgana.test."]],
    ["dns-ptr", ["AN 2.morgana.test. 3600 IN PTR ns1.morgana.test."]],
    ["dns-caa", ['AN morgana.test. 3600 IN CAA 0 issue "letsencrypt.org"']],
    ["dns-unknown", ["Q opaque.morgana.test. IN TYPE65280", "AN opaque.morgana.test. 3600 IN TYPE65280 \\# 4 0A000001"]],
    ["dns-nxdomain", ["NS morgana.test. 300 IN SOA ns1.morgana.test. hostmaster.morgana.test. 2026112201 7200 900 1209600 300"]],
    ["dns-referral", [
      "NS sub.morgana.test. 3600 IN NS ns.sub.morgana.test.",
      "NS sub.morgana.test. 3600 IN NS ns.elsewhere.example.",
      "AR ns.sub.morgana.test. 3600 IN A 10.0.0.53",
      "AR ns.sub.morgana.test. 3600 IN AAAA 2001:db8::53"]],
  ];
  for (const [name, lines] of answers) {
    test(name, () => {
      const out = parse(udpPayloads(name)[1]).split("\n");
      for (const l of lines) expect(out).toContain(l);
    });
  }

  test("flags, rcodes and EDNS", () => {
    expect(parse(wwwQ).split("\n")[0]).toBe("id=55390 flags=0x0120 rcode=0 edns udp=1232 v=0 options=12");
    expect(parse(wwwR).split("\n")[0]).toBe("id=55390 flags=0x8500 rcode=0 edns udp=1232 v=0 options=0");
    const [aaaaQ, aaaaR] = udpPayloads("dns-aaaa"); // +noedns
    expect(parse(aaaaQ)).toBe("id=19448 flags=0x0120 rcode=0\nQ ns2.morgana.test. IN AAAA");
    expect(parse(aaaaR).split("\n")[0]).toBe("id=19448 flags=0x8500 rcode=0");
    expect(parse(udpPayloads("dns-nxdomain")[1]).split("\n")[0]).toMatch(/flags=0x8503 rcode=3 /);
    expect(parse(udpPayloads("dns-nodata")[1])).toBe(
      "id=40143 flags=0x8500 rcode=0 edns udp=1232 v=0 options=0\nQ mail.morgana.test. IN AAAA\n" +
      "NS morgana.test. 300 IN SOA ns1.morgana.test. hostmaster.morgana.test. 2026112201 7200 900 1209600 300");
    expect(parse(udpPayloads("dns-refused")[1]).split("\n")[0]).toBe("id=44283 flags=0x8105 rcode=5 edns udp=1232 v=0 options=6");
    expect(parse(udpPayloads("dns-truncated")[1]).split("\n")[0]).toBe("id=26010 flags=0x8700 rcode=0 edns udp=1232 v=0 options=0");
  });
});

describe("dns representation: emit", () => {
  const all = ["dns-www", "dns-aaaa", "dns-mx", "dns-soa", "dns-ns", "dns-txt", "dns-srv", "dns-ptr", "dns-caa",
    "dns-unknown", "dns-nxdomain", "dns-nodata", "dns-referral", "dns-refused", "dns-truncated"];
  for (const name of all) {
    test(`${name}: query and answer re-emitted byte for byte, compression included`, () => {
      for (const p of udpPayloads(name)) {
        expect(text("dnsRoundTrip", p, 65535)).toBe("ok");
        expect(toHex(h.output())).toBe(toHex(p));
      }
    });
  }

  test("the TCP answer cut to 1232 bytes is NSD's UDP answer: no records, TC set (RFC 2181 §9)", () => {
    const tcp = tcpPayloads("dns-truncated");
    const whole = Buffer.concat(tcp.slice(1));
    const len = (whole[0] << 8) | whole[1];
    const msg = new Uint8Array(whole.subarray(2, 2 + len));
    expect(msg.length).toBe(1772);
    expect(parse(msg).split("\n").filter((l) => l.startsWith("AN ")).length).toBe(7);
    expect(text("dnsRoundTrip", msg, 65535)).toBe("ok");
    expect(toHex(h.output())).toBe(toHex(msg));
    h.call("dnsEmit", 1232);
    const cut = h.output();
    const [, udpAnswer] = udpPayloads("dns-truncated");
    // NSD's id differs (dig asked twice); the rest is the same.
    expect(toHex(cut.subarray(2))).toBe(toHex(udpAnswer.subarray(2)));
  });

  test("additional records that do not fit are dropped without TC", () => {
    expect(text("dnsRoundTrip", wwwR, 65535)).toBe("ok");
    const full = h.output().length;
    h.call("dnsEmit", full - 20);
    const cut = h.output();
    const out = parse(cut);
    expect(out.split("\n")[0]).toMatch(/flags=0x8500 /);
    expect(out.split("\n").filter((l) => l.startsWith("AN ")).length).toBe(3);
    expect(out).toMatch(/edns udp=1232/);
  });

  test("a whole RRset is left out, never a part of it", () => {
    expect(text("dnsRoundTrip", wwwR, 65535)).toBe("ok");
    // Room for the CNAME and one of the two A records only.
    h.call("dnsEmit", 12 + 22 + 30 + 16 + 11);
    const out = parse(h.output());
    expect(out.split("\n")[0]).toMatch(/flags=0x8700 /);
    expect(out.split("\n").filter((l) => l.startsWith("AN "))).toEqual(["AN www.morgana.test. 3600 IN CNAME web.morgana.test."]);
  });
});

describe("dns names", () => {
  const msg = (...bytes: number[]) => Uint8Array.from([...new Array(12).fill(0), ...bytes]);

  test("compression pointers are followed; the end is after the first pointer", () => {
    // Question name at 12; answer owner at 34 is a pointer to it.
    expect(text("nameRead", wwwR, 12)).toBe("www.morgana.test. 30");
    expect(text("nameRead", wwwR, 34)).toBe("www.morgana.test. 36");
    expect(text("nameRead", msg(1, 0x61, 0, 0xc0, 12), 15)).toBe("a. 17");
  });

  test("loops and forward pointers are refused", () => {
    expect(text("nameRead", msg(0xc0, 12), 12)).toBe("error: malformed"); // to itself
    expect(text("nameRead", msg(1, 0x61, 0xc0, 12), 12)).toBe("error: malformed"); // back to its own start
    expect(text("nameRead", msg(0xc0, 14, 1, 0x61, 0), 12)).toBe("error: malformed"); // forward
    expect(text("nameRead", msg(1, 0x61, 0xc0, 15, 0xc0, 12), 16)).toBe("error: malformed"); // a two-step loop
  });

  test("pointers and labels past the end, extended label types", () => {
    expect(text("nameRead", msg(0xc0), 12)).toBe("error: truncated");
    expect(text("nameRead", msg(0xc3, 0xff), 12)).toBe("error: malformed");
    expect(text("nameRead", msg(5, 0x61), 12)).toBe("error: truncated");
    expect(text("nameRead", msg(1, 0x61), 12)).toBe("error: truncated");
    expect(text("nameRead", msg(0x41, 0x61, 0), 12)).toBe("error: unsupported");
    expect(text("nameRead", msg(0x81, 0x61, 0), 12)).toBe("error: unsupported");
  });

  test("a name over 255 bytes is refused, also when built through pointers", () => {
    const label = [63, ...new Array(63).fill(0x61)];
    expect(text("nameRead", msg(...label, ...label, ...label, ...label, 0), 12)).toBe("error: malformed");
    // 3 labels (192 bytes) + a pointer to 3 labels again: 384 bytes.
    const m = msg(...label, ...label, ...label, 0, ...label, 0xc0, 12);
    expect(text("nameRead", m, 12 + 193)).toBe("error: malformed");
    // 255 bytes in all, the root included, is the most there can be.
    expect(text("nameRead", msg(...label, ...label, ...label, 61, ...new Array(61).fill(0x62), 0), 12)).toMatch(/^a{63}\..*b\. 267$/);
    expect(text("nameRead", msg(...label, ...label, ...label, 62, ...new Array(62).fill(0x62), 0), 12)).toBe("error: malformed");
  });

  test("presentation form: escapes both ways, limits", () => {
    expect(text("nameFromText", new Uint8Array(0), h.newString("www.Example.COM"))).toBe("www.Example.COM.");
    expect(toHex(h.output())).toBe("03777777074578616d706c6503434f4d00");
    expect(text("nameFromText", new Uint8Array(0), h.newString("a\\.b.c."))).toBe("a\\.b.c.");
    expect(toHex(h.output())).toBe("03612e620163" + "00");
    expect(text("nameFromText", new Uint8Array(0), h.newString("\\065\\032x"))).toBe("A\\032x.");
    expect(text("nameFromText", new Uint8Array(0), h.newString("."))).toBe(".");
    for (const bad of ["", "a..b", "..", "\\256", "\\06", "a".repeat(64), ("a".repeat(63) + ".").repeat(4)]) {
      expect(text("nameFromText", new Uint8Array(0), h.newString(bad)), bad).toBe("invalid");
    }
  });

  test("compression: a repeated suffix becomes a pointer, case ignored", () => {
    const names = Uint8Array.from([
      3, 0x77, 0x77, 0x77, 7, ...Buffer.from("morgana"), 4, ...Buffer.from("test"), 0,
      4, ...Buffer.from("mail"), 7, ...Buffer.from("MORGANA"), 4, ...Buffer.from("test"), 0,
      7, ...Buffer.from("morgana"), 4, ...Buffer.from("test"), 0,
    ]);
    h.input(names);
    expect(h.call("compressNames", 3, 512)).toBe(3);
    const out = h.output();
    expect(toHex(out.subarray(12))).toBe(
      toHex(names.subarray(0, 18)) + "046d61696c" + "c010" + "c010");
  });

  test("names that do not fit the limit are not written at all", () => {
    h.input(Uint8Array.from([3, 0x77, 0x77, 0x77, 0, 3, 0x61, 0x62, 0x63, 0]));
    expect(h.call("compressNames", 2, 12 + 5 + 3)).toBe(1);
    expect(h.output().length).toBe(17);
  });
});

describe("dns hostile input", () => {
  test("every truncation of every captured message is refused, never a trap", () => {
    for (const name of ["dns-www", "dns-mx", "dns-soa", "dns-txt", "dns-srv", "dns-caa", "dns-referral"]) {
      const r = udpPayloads(name)[1];
      for (let n = 0; n < r.length; n++) expect(parse(r.subarray(0, n)), `${name} ${n}`).toMatch(/^error: /);
    }
  });

  test("random mutations never trap", () => {
    let seed = 7;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) >>> 0) >>> 8);
    const inputs = ["dns-www", "dns-mx", "dns-soa", "dns-referral", "dns-txt"].flatMap((n) => udpPayloads(n));
    for (let i = 0; i < 1500; i++) {
      const m = inputs[i % inputs.length].slice();
      for (let k = 0; k <= rnd() % 4; k++) m[rnd() % m.length] = rnd() & 0xff;
      const out = parse(m);
      if (!out.startsWith("error: ")) {
        // Whatever parsed must emit.
        expect(text("dnsRoundTrip", m, 65535)).toBe("ok");
      }
    }
    expect(h.exitStatus).toBe(null);
  });

  test("OPT anywhere but once in the additional section is refused (RFC 6891 §6.1.1)", () => {
    const q = wwwQ.slice();
    // The query's one additional record is its OPT: claim it is an answer.
    q[7] = 1; q[11] = 0;
    expect(parse(q)).toBe("error: malformed");
    // Two OPT records.
    const opt = q.subarray(q.length - 23);
    const two = Uint8Array.from([...wwwQ, ...opt]);
    two[11] = 2;
    expect(parse(two)).toBe("error: malformed");
  });

  test("RDATA whose length contradicts its type is refused", () => {
    const [, aaaa] = udpPayloads("dns-aaaa");
    const r = aaaa.slice();
    // The answer's RDLENGTH (16) is at 12 + 22 + 2 + 8 = 44.
    expect(r[44] * 256 + r[45]).toBe(16);
    r[45] = 15;
    expect(parse(r)).toMatch(/^error: /);
  });
});
