// IpAddress and IpEndpoint (libos/wire/ip.ts): the one address type of
// both versions. Parsing is checked against Node's own (net.isIP and the
// URL parser's canonical IPv6 form, RFC 5952), on fixed cases and on
// thousands of random addresses; hostile text is refused, never trapped on.
import { isIP } from "node:net";
import { describe, expect, test } from "vitest";
import { Harness } from "../harness/index.ts";

const ENTRY = "tests/wire/as/wire.ts";
let h: Harness;
const parse = (s: string) => h.string(h.call("ipParse", h.newString(s)))!;
const endpoint = (s: string) => h.string(h.call("endpointParse", h.newString(s)))!;
/** Node's canonical text of an IPv6 address (RFC 5952). */
const canonical6 = (s: string) => new URL(`http://[${s}]/`).hostname.slice(1, -1);

describe("IpAddress", () => {
  test("IPv4 and IPv6 text, printed canonically", async () => {
    h = await Harness.start(ENTRY, { devices: [] });
    expect(parse("10.0.0.2")).toBe("4 10.0.0.2");
    expect(parse("255.255.255.255")).toBe("4 255.255.255.255");
    expect(parse("::")).toBe("6 ::");
    expect(parse("::1")).toBe("6 ::1");
    expect(parse("fe80::1")).toBe("6 fe80::1");
    expect(parse("[2001:db8::8:800:200c:417a]")).toBe("6 2001:db8::8:800:200c:417a");
    expect(parse("2001:DB8:0:0:0:0:0:1")).toBe("6 2001:db8::1");
    expect(parse("2001:db8:0:0:1:0:0:1")).toBe("6 2001:db8::1:0:0:1"); // the first longest run (RFC 5952 §4.2.3)
    expect(parse("::ffff:192.0.2.128")).toBe(`6 ${canonical6("::ffff:192.0.2.128")}`);
    expect(parse("1:2:3:4:5:6:7:8")).toBe("6 1:2:3:4:5:6:7:8");
    expect(h.call("ipEqual", h.newString("2001:db8::1"), h.newString("2001:0db8:0000::0001"))).toBe(1);
    expect(h.call("ipEqual", h.newString("10.0.0.1"), h.newString("10.0.0.1"))).toBe(1);
  });

  test("what is not an address is refused", async () => {
    h = await Harness.start(ENTRY, { devices: [] });
    for (const bad of ["", "10.0.0", "10.0.0.256", "010.0.0.1x", "1.2.3.4.5", " 10.0.0.1", ":", ":::", "1::2::3",
      "12345::", "1:2:3:4:5:6:7:8:9", "1:2:3:4:5:6:7::8:9", "::1:", ":1::", "g::1", "1.2.3.4::", "::1.2.3", "[::1",
      "1:2:3:4:5:6:7:1.2.3.4", "::1.2.3.4.5", "1:2:3:4:5:6:7:8::"]) {
      expect(parse(bad), JSON.stringify(bad)).toBe("null");
    }
  });

  test("random addresses agree with Node's parser, both ways", async () => {
    h = await Harness.start(ENTRY, { devices: [] });
    let seed = 7;
    const rnd = (n: number) => (seed = (seed * 1103515245 + 12345) >>> 0) % n;
    for (let i = 0; i < 2000; i++) {
      const groups = Array.from({ length: 8 }, () => (rnd(3) === 0 ? 0 : rnd(65536)).toString(16));
      // Shorten a run of zero groups the way a person would, sometimes.
      let text = groups.join(":");
      if (rnd(2) === 0) text = text.replace(/(^|:)0(:0)+(:|$)/, "::");
      expect(isIP(text), text).toBe(6);
      expect(parse(text), text).toBe(`6 ${canonical6(text)}`);
      const v4 = Array.from({ length: 4 }, () => rnd(256)).join(".");
      expect(parse(v4)).toBe(`4 ${v4}`);
    }
    // Junk never traps: refused whenever Node refuses it.
    const alphabet = "0123456789abcdefABCDEF:.[]x ";
    for (let i = 0; i < 3000; i++) {
      const text = Array.from({ length: 1 + rnd(20) }, () => alphabet[rnd(alphabet.length)]).join("");
      const got = parse(text);
      const bare = text.startsWith("[") && text.endsWith("]") ? text.slice(1, -1) : text;
      if (isIP(bare) === 0) expect(got, JSON.stringify(text)).toBe("null");
      else expect(got, JSON.stringify(text)).not.toBe("null");
    }
  });
});

describe("IpEndpoint", () => {
  test("address and port, IPv6 in brackets", async () => {
    h = await Harness.start(ENTRY, { devices: [] });
    expect(endpoint("10.0.0.2:80")).toBe("10.0.0.2:80");
    expect(endpoint("[fe80::1]:8080")).toBe("[fe80::1]:8080");
    expect(endpoint("[::]:0")).toBe("[::]:0");
    for (const bad of ["10.0.0.2", "10.0.0.2:", "10.0.0.2:65536", "fe80::1:80", "[fe80::1]", ":80", "10.0.0.2:8a"]) {
      expect(endpoint(bad), bad).toBe("null");
    }
  });
});
