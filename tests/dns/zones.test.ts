// The dns-zones asset compiler: master-file syntax in, the binary table
// out (read back here with a reader written from the layout comment), and
// every zone error a BuildError at its file, line and column.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, test } from "vitest";
import { compileZones } from "../../toolchain/assets/dns-zones.ts";
import { readAssetFolder } from "../../toolchain/assets/index.ts";
import { BuildError } from "../../toolchain/diagnostics.ts";
import { buildApp } from "../../toolchain/build/index.ts";
import { readFileSync } from "node:fs";
import { ROOT } from "../harness/index.ts";

const dirs: string[] = [];
afterAll(() => { for (const d of dirs) rmSync(d, { recursive: true, force: true }); });

function compile(files: Record<string, string | Uint8Array>) {
  const dir = mkdtempSync(path.join(tmpdir(), "zones-"));
  dirs.push(dir);
  for (const [name, text] of Object.entries(files)) writeFileSync(path.join(dir, name), text);
  return { dir, out: compileZones(readAssetFolder(dir), dir) };
}

/** Every record of a compiled table as "name type ttl hex-rdata", plus node flags. */
function records(bin: Uint8Array): { lines: string[]; flags: Record<string, number> } {
  const v = new DataView(bin.buffer, bin.byteOffset, bin.byteLength);
  expect(v.getUint32(0, true)).toBe(0x315a474d);
  const nodes = v.getUint32(8, true), nodesOff = v.getUint32(12, true), rrsetsOff = v.getUint32(16, true);
  const dataOff = v.getUint32(20, true), namesOff = v.getUint32(24, true);
  const lines: string[] = [];
  const flags: Record<string, number> = {};
  for (let i = 0; i < nodes; i++) {
    const o = nodesOff + 16 * i;
    const name = bin.subarray(namesOff + v.getUint32(o, true), namesOff + v.getUint32(o, true) + v.getUint16(o + 4, true));
    let text = "";
    for (let k = 0; name[k] !== 0; k += name[k] + 1) text += Buffer.from(name.subarray(k + 1, k + 1 + name[k])).toString("latin1") + ".";
    flags[text] = v.getUint16(o + 6, true);
    for (let r = 0; r < v.getUint16(o + 12, true); r++) {
      const s = rrsetsOff + 16 * (v.getUint32(o + 8, true) + r);
      let at = dataOff + v.getUint32(s + 8, true);
      for (let k = 0; k < v.getUint16(s + 2, true); k++) {
        const len = v.getUint16(at, true);
        lines.push(`${text} ${v.getUint16(s, true)} ${v.getUint32(s + 4, true)} ${Buffer.from(bin.subarray(at + 2, at + 2 + len)).toString("hex")}`);
        at += 2 + len;
      }
    }
  }
  return { lines, flags };
}

function zoneError(files: Record<string, string>): BuildError {
  try {
    compile(files);
  } catch (e) {
    expect(e).toBeInstanceOf(BuildError);
    expect((e as BuildError).code).toBe("E_ZONE");
    return e as BuildError;
  }
  throw new Error("the zone compiled");
}

const HEAD = "$ORIGIN z.test.\n$TTL 60\n@ SOA ns h 1 2 3 4 5\n@ NS ns\nns A 10.0.0.1\n";

describe("zone compiler: syntax", () => {
  test("the app's zone compiles; names are sorted for the server's binary search", () => {
    const dir = path.join(ROOT, "apps", "dns", "zones");
    const [asset] = compileZones(readAssetFolder(dir), dir);
    expect(asset.name).toBe("zones.bin");
    const { lines, flags } = records(asset.bytes);
    expect(lines).toContain("www.morgana.test. 5 3600 03776562076d6f7267616e61047465737400");
    expect(flags["morgana.test."]).toBe(1); // apex
    expect(flags["sub.morgana.test."]).toBe(2); // delegation
    expect(flags["ns.sub.morgana.test."]).toBe(4); // glue
    expect(flags["a.b.c.morgana.test."]).toBe(8); // empty non-terminal
    expect(flags["b.c.morgana.test."]).toBe(8);
    const names = Object.keys(flags).map((n) => n.toLowerCase());
    const keys = names.map((n) => n.split(".").filter((l) => l).map((l) => String.fromCharCode(l.length) + l).join("") + "\0");
    expect([...keys].sort()).toEqual(keys);
  });

  test("$ORIGIN, @, relative names, parentheses, comments, escapes, TTL units and order", () => {
    const { out } = compile({ "z.test.zone": HEAD + [
      "a 1h30m IN A 10.0.0.2 ; comment",
      "b IN 2d A 10.0.0.3",
      "c ( TXT \"x; y\" ; inside",
      "  \"two\\\"q\" \\065 )",
      "\\.dot A 10.0.0.4",
      "$ORIGIN sub.z.test.",
      "d A 10.0.0.5",
      "@ AAAA ::ffff:10.0.0.6",
      "e.z.test. MX 10 @",
    ].join("\n") });
    const { lines } = records(out[0].bytes);
    expect(lines).toContain("a.z.test. 1 5400 0a000002");
    expect(lines).toContain("b.z.test. 1 172800 0a000003");
    expect(lines).toContain("c.z.test. 16 60 04783b2079" + "0574776f2271" + "0141");
    expect(lines).toContain("\\.dot.z.test. 1 60 0a000004".replace("\\.dot", ".dot"));
    expect(lines).toContain("d.sub.z.test. 1 60 0a000005");
    expect(lines).toContain("sub.z.test. 28 60 00000000000000000000ffff0a000006");
    expect(lines).toContain("e.z.test. 15 60 000a" + "03737562017a047465737400");
  });

  test("the origin comes from the file name when there is no $ORIGIN; RFC 3597 forms", () => {
    const { out } = compile({ "y.test.zone": "$TTL 5\n@ SOA ns h 1 2 3 4 5\n@ NS ns\nns A 10.0.0.1\nx TYPE65280 \\# 3 abcdef\ny A \\# 4 0a000009\n" });
    const { lines } = records(out[0].bytes);
    expect(lines).toContain("x.y.test. 65280 5 abcdef");
    expect(lines).toContain("y.y.test. 1 5 0a000009");
  });

  test("one TTL per RRset: the lowest (RFC 2181 §5.2); duplicates dropped", () => {
    const { out } = compile({ "z.test.zone": HEAD + "m 100 A 10.0.0.7\nm 50 A 10.0.0.8\nm A 10.0.0.8\n" });
    const m = records(out[0].bytes).lines.filter((l) => l.startsWith("m."));
    expect(m).toEqual(["m.z.test. 1 50 0a000007", "m.z.test. 1 50 0a000008"]);
  });

  test("a zone file is bytes: raw bytes above 0x7f and \\DDD alike are kept in owners and TXT", () => {
    const text = Buffer.concat([Buffer.from(HEAD), Buffer.from("caf\xe9 TXT \"h\xe9\" \"\\233\"\n", "latin1"), Buffer.from("\u00fc A 10.0.0.3\n", "utf8")]);
    const { lines } = records(compile({ "z.test.zone": text }).out[0].bytes);
    expect(lines.map((l) => Buffer.from(l, "latin1").toString("hex"))).toEqual(expect.arrayContaining([
      Buffer.from("caf\xe9.z.test. 16 60 0268e901e9", "latin1").toString("hex"),
      Buffer.from("\xc3\xbc.z.test. 1 60 0a000003", "latin1").toString("hex"),
    ]));
  });

  test("records equal under DNS name comparison are one (RFC 4034 §6.2): NS ns and NS NS", () => {
    const { out } = compile({ "z.test.zone": HEAD + "@ NS NS\n@ NS ns.Z.TEST.\nm MX 10 Mail\nm MX 10 mail\nt TXT \"a\"\nt TXT \"A\"\n" });
    const { lines } = records(out[0].bytes);
    expect(lines.filter((l) => / 2 60 /.test(l))).toEqual(["z.test. 2 60 026e73017a047465737400"]);
    expect(lines.filter((l) => l.startsWith("m."))).toEqual(["m.z.test. 15 60 000a044d61696c017a047465737400"]);
    // TXT holds no names: case matters there.
    expect(lines.filter((l) => l.startsWith("t.")).length).toBe(2);
  });
});

describe("zone compiler: every type NSD's parser takes, to its wire form", () => {
  const one = (rdata: string) => {
    const { lines } = records(compile({ "z.test.zone": HEAD + `x ${rdata}\n` }).out[0].bytes);
    return lines.find((l) => l.startsWith("x.z.test."))!.split(" ").slice(1);
  };
  test("DS and NSEC as RFC 4034 §5.4 and §4.3 show them; an algorithm by its mnemonic", () => {
    expect(one("DS 60485 5 1 ( 2BB183AF5F22588179A53B0A\n 98631FAD1A292118 )")).toEqual(["43", "60", "ec4505012bb183af5f22588179a53b0a98631fad1a292118"]);
    expect(one("DS 60485 RSASHA1 1 2BB183AF5F22588179A53B0A98631FAD1A292118")[2]).toBe("ec4505012bb183af5f22588179a53b0a98631fad1a292118");
    expect(one("NSEC host.example.com. ( A MX RRSIG NSEC TYPE1234 )")[2]).toBe(
      "04686f7374076578616d706c6503636f6d00" + "0006400100000003" + "041b" + "00".repeat(26) + "20");
  });

  test("LOC as NSD encodes it (RFC 1876), with the default size and precisions", () => {
    expect(one("LOC 52 22 23.000 N 4 53 32.000 E -2.00m 0.00m 10000m 10m")[2]).toBe("000016138b3cf018810cbce0009895b8");
    expect(one("LOC 42 21 54 N 71 06 18 W -24m 30m")[2].slice(0, 8)).toBe("00331613");
  });

  test("NAPTR, SSHFP, TLSA, DNSKEY, URI, RP, OPENPGPKEY, SPF, SVCB and HTTPS", () => {
    expect(one('NAPTR 100 10 "u" "E2U+sip" "!^.*$!sip:info@example.com!" .')[2]).toBe(
      "0064000a" + "0175" + "07" + Buffer.from("E2U+sip").toString("hex") + "1b" + Buffer.from("!^.*$!sip:info@example.com!").toString("hex") + "00");
    expect(one("SSHFP 2 1 123456789abcdef67890123456789abcdef67890")[2]).toBe("0201123456789abcdef67890123456789abcdef67890");
    expect(one("TLSA 3 1 1 ( 0C72AC70 B745AC19 )")[2]).toBe("0301010c72ac70b745ac19");
    expect(one("DNSKEY 256 3 ED25519 AQID")[2]).toBe("0100030f010203");
    expect(one('URI 10 1 "ftp://a/"')[2]).toBe("000a0001" + Buffer.from("ftp://a/").toString("hex"));
    expect(one("RP mbox txt")[2]).toBe("046d626f78017a0474657374" + "00" + "03747874017a047465737400");
    expect(one("OPENPGPKEY AQIDBAUG")[2]).toBe("010203040506");
    expect(one('SPF "v=spf1 -all"')[0]).toBe("99");
    // RFC 9460 appendix D.2: keys in order, mandatory's list sorted, alpn as length-prefixed ids.
    expect(one("SVCB 16 foo.example.org. ( ipv4hint=192.0.2.1 alpn=h2,h3-19 mandatory=alpn )")[2]).toBe(
      "0010" + "03666f6f076578616d706c65036f726700" + "000000020001" + "00010009026832" + "0568332d3139" + "00040004c0000201");
    expect(one('HTTPS 1 . alpn="h2,h3" port=8443')[2]).toBe("000100" + "00010006026832026833" + "0003000220fb");
  });

  test("NSEC3 (base32hex), NSEC3PARAM without salt, EUI48, RRSIG's times", () => {
    expect(one("NSEC3 1 1 12 aabbccdd 2t7b4g4vsa5smi47k61mv5bv1a22bojr A RRSIG")[2]).toBe(
      "0101000c04aabbccdd14174eb2409fe28bcb4887a1836f957f0a8425e27b" + "0006400000000002");
    expect(one("NSEC3PARAM 1 0 0 -")[2]).toBe("0100000000");
    expect(one("EUI48 00-00-5e-00-53-2a")[2]).toBe("00005e00532a");
    expect(one("RRSIG A 5 3 86400 20030322173103 1045762263 2642 example.com. AQID")[2]).toBe(
      "0001050300015180" + "3e7c9dd7" + "3e5510d7" + "0a52" + "076578616d706c6503636f6d00" + "010203");
  });

  // Each expected RDATA below is what NSD 4.6.1 serves for the same line
  // (read with dig +unknownformat from an NSD in a namespace of its own).
  test("RFC 1035's mail types (MD, MF, MB, MG, MR, MINFO), X25, ISDN, RT, NSAP and PX", () => {
    expect(one("MD mail.example.")).toEqual(["3", "60", "046d61696c076578616d706c6500"]);
    expect(one("MF mail")[2]).toBe("046d61696c017a047465737400");
    expect(one("MB mbox")[0]).toBe("7");
    expect(one("MG mgmbox")[0]).toBe("8");
    expect(one("MR newbox")[2]).toBe("066e6577626f78017a047465737400");
    expect(one("MINFO rmail emailbx.example.")[2]).toBe("05726d61696c017a0474657374" + "00" + "07656d61696c6278076578616d706c6500");
    expect(one("X25 311061700956")[2]).toBe("0c333131303631373030393536");
    expect(one("ISDN 150862028003217 004")[2]).toBe("0f313530383632303238303033323137" + "03303034");
    expect(one('ISDN "150862028003217"')[2]).toBe("0f313530383632303238303033323137");
    expect(one("RT 10 relay.example.")[2]).toBe("000a0572656c6179076578616d706c6500");
    expect(one("NSAP 0x47.0005.80.005a00.0000.0001.e133.ffffff000161.00")[2]).toBe("47000580005a0000000001e133ffffff00016100");
    expect(one("PX 10 net2.it. PRMD-net2.ADMD-p400.C-it.")[2]).toBe(
      "000a046e657432026974000950524d442d6e6574320941444d442d7034303004432d697400");
  });

  test("WKS (RFC 1035 §3.4.2): protocol by name or number, services by name or port, the bitmap as long as the highest port needs", () => {
    expect(one("WKS 192.0.2.1 TCP smtp 80 domain 1023")[2]).toBe(
      "c0000201" + "06" + "0000004000000400000080" + "00".repeat(116) + "01");
    expect(one("WKS 192.0.2.2 17 53 69")[2]).toBe("c0000202" + "11" + "000000000000040004");
  });

  test("RFC 2535's NXT, KEY and SIG (in DNSKEY's and RRSIG's forms), SMIMEA, AVC, DLV and NULL as \\# data", () => {
    expect(one("NXT medium.example. A MX SIG NXT")[2]).toBe("066d656469756d076578616d706c6500" + "40010082");
    expect(one("KEY 256 3 5 AQPSKmynfzW4kyBv015MUG2DeIQ3")).toEqual(["25", "60", "010003050103d22a6ca77f35b893206fd35e4c506d83788437"]);
    expect(one("SIG A 5 3 86400 20030322173103 20030220173103 2642 example.com. AQID")).toEqual(
      ["24", "60", "00010503000151803e7c9dd73e5510d70a52076578616d706c6503636f6d00010203"]);
    expect(one("SMIMEA 0 0 1 d2abde240d7cd3ee6b4b28c54df034b97983a1d16e8a410e4561cb106618e971")).toEqual(
      ["53", "60", "000001d2abde240d7cd3ee6b4b28c54df034b97983a1d16e8a410e4561cb106618e971"]);
    expect(one('AVC "app-name:WOLFGANG|app-class:OAM" "two"')).toEqual(
      ["258", "60", "1f" + Buffer.from("app-name:WOLFGANG|app-class:OAM").toString("hex") + "0374776f"]);
    expect(one("DLV 60485 5 1 2BB183AF5F22588179A53B0A98631FAD1A292118")).toEqual(["32769", "60", "ec4505012bb183af5f22588179a53b0a98631fad1a292118"]);
    expect(one("NULL \\# 3 010203")).toEqual(["10", "60", "010203"]);
  });

  test("APL (RFC 3123 §4), IPSECKEY with each gateway type (RFC 4025 §3), and ILNP's NID, L32, L64 and LP (RFC 6742)", () => {
    expect(one("APL 1:192.168.32.0/21 !1:192.168.38.0/28 2:ff00::/8 1:224.0.0.0/4 2:FF00:0:0:0:0:0:0:0/8")).toEqual(
      ["42", "60", "00011503c0a82000" + "011c83c0a826" + "00020801ff" + "00010401e0" + "00020801ff"]);
    expect(one("APL")).toEqual(["42", "60", ""]);
    const key = "010351537986ed35533b6064478eeeb27b5bd74dae149b6e81ba3a0521af82ab7801";
    const b64 = "AQNRU3mG7TVTO2BkR47usntb102uFJtugbo6BSGvgqt4AQ==";
    expect(one(`IPSECKEY 10 0 2 . ${b64}`)[2]).toBe("0a0002" + key);
    expect(one(`IPSECKEY 10 1 2 192.0.2.38 ${b64}`)[2]).toBe("0a0102c0000226" + key);
    expect(one(`IPSECKEY 10 2 2 2001:0DB8:0:8002::2000:1 ${b64}`)[2]).toBe("0a020220010db8000080020000000020000001" + key);
    expect(one(`IPSECKEY 10 3 2 MyGateway.example.com. ${b64}`)[2]).toBe("0a0302096d7967617465776179076578616d706c6503636f6d00" + key);
    expect(one("IPSECKEY 10 1 0 192.0.2.3")[2]).toBe("0a0100c0000203");
    expect(one("NID 10 0014:4fff:ff20:ee64")).toEqual(["104", "60", "000a00144fffff20ee64"]);
    expect(one("L32 10 10.1.2.0")).toEqual(["105", "60", "000a0a010200"]);
    expect(one("L64 10 2001:0DB8:1140:1000")).toEqual(["106", "60", "000a20010db811401000"]);
    expect(one("LP 10 l64-subnet1.example.com.")).toEqual(["107", "60", "000a0b6c36342d7375626e657431076578616d706c6503636f6d00"]);
  });

  test("a quoted string over two lines keeps its line break; a first record without owner is at the origin; no TTL anywhere is 3600", () => {
    expect(one('TXT "a\nb"')[2]).toBe("03610a62");
    const { lines } = records(compile({ "z.test.zone": "$ORIGIN z.test.\n SOA ns h 1 2 3 4 5\n NS ns\nns A 10.0.0.1\n" }).out[0].bytes);
    expect(lines.filter((l) => l.startsWith("z.test. 6 ")).map((l) => l.split(" ")[2])).toEqual(["3600"]);
  });
});

describe("zone compiler: errors at file, line and column", () => {
  const cases: [string, string, number, number, RegExp][] = [
    ["bad address", HEAD + "x A 10.0.0.300\n", 6, 5, /not an IPv4 address/],
    ["unknown type", HEAD + "x BOGUS 1\n", 6, 3, /unknown type 'BOGUS'/],
    ["CNAME and other data", HEAD + "x CNAME ns\nx A 10.0.0.2\n", 6, 1, /CNAME and other data/],
    ["outside the zone", HEAD + "x.other. A 10.0.0.2\n", 6, 1, /outside the zone/],
    ["unclosed parenthesis", HEAD + "x TXT ( \"a\"\n", 7, 1, /never closed/],
    ["$INCLUDE", HEAD + "$INCLUDE other\n", 6, 1, /\$INCLUDE is not supported/],
    ["label over 63", HEAD + "x".repeat(64) + " A 10.0.0.2\n", 6, 1, /label of 64 bytes/],
    ["\\# length", HEAD + "x TYPE99 \\# 3 abcd\n", 6, 13, /says 3 bytes but the data is 2/],
    ["no TTL", "$ORIGIN z.test.\n@ 60 SOA ns h 1 2 3 4 5\n@ NS ns\nns A 10.0.0.1\n", 0, 0, /./],
    ["no SOA", "$ORIGIN z.test.\n$TTL 1\n@ NS ns\n", 1, 1, /no SOA/],
    ["class", HEAD + "x CH A 10.0.0.2\n", 6, 3, /only IN/],
    ["data below a delegation", HEAD + "s NS ns.s\nns.s A 10.0.0.9\nx.s TXT \"no\"\n", 8, 1, /below the delegation/],
    ["unterminated string", HEAD + "x TXT \"abc\n", 6, 7, /unterminated/],
    ["string over 255", HEAD + `x TXT "${"a".repeat(256)}"\n`, 6, 7, /at most 255/],
    ["\\# RDATA that is not its type's", HEAD + "x MX \\# 3 000a05\n", 6, 6, /MX \\# 3: no valid uncompressed domain name at byte 2; MX RDATA is a 16-bit preference and a domain name\. NSD refuses it too/],
    ["data below a DNAME", HEAD + "d DNAME elsewhere.test.\nx.d A 10.0.0.2\n", 7, 1, /x\.d\.z\.test\. is below the DNAME at d\.z\.test\./],
    ["leading zeros in an IPv4 address", HEAD + "x A 192.0.2.010\n", 6, 5, /'192\.0\.2\.010' is not an IPv4 address/],
    ["bad base64", HEAD + "x DNSKEY 256 3 8 AQI*\n", 6, 18, /is not base64/],
    ["unknown SVCB key", HEAD + "x HTTPS 1 . color=red\n", 6, 13, /unknown SVCB parameter 'color'/],
    ["\\# A of 3 bytes", HEAD + "x A \\# 3 0a0000\n", 6, 5, /A \\# 3: 3 bytes are too few/],
    ["a WKS service not known", HEAD + "x WKS 10.0.0.1 tcp gopherspace\n", 6, 20, /unknown service 'gopherspace' for protocol tcp: write its port number/],
    ["a WKS protocol not known", HEAD + "x WKS 10.0.0.1 xtp 80\n", 6, 16, /unknown protocol 'xtp'/],
    ["an NXT type above 127", HEAD + "x NXT y A TYPE200\n", 6, 11, /NXT lists types 1 to 127 only/],
    ["an NSAP without 0x", HEAD + "x NSAP 47.0005\n", 6, 8, /not 0x followed by pairs of hex digits/],
    ["an APL item without family", HEAD + "x APL 192.0.2.0/24\n", 6, 7, /not \[!\]family:address\/prefix/],
    ["an APL prefix too long", HEAD + "x APL 1:192.0.2.0/33\n", 6, 7, /prefix \/33 is longer than the address/],
    ["an IPSECKEY gateway type 4", HEAD + "x IPSECKEY 10 4 2 . AQID\n", 6, 15, /gateway type 4: only 0 \(none\), 1 \(IPv4\), 2 \(IPv6\) and 3/],
    ["an IPSECKEY whose IPv4 gateway is a name", HEAD + "x IPSECKEY 10 1 2 gw.example. AQID\n", 6, 19, /'gw\.example\.' is not an IPv4 address/],
    ["an L64 of three groups", HEAD + "x L64 10 2001:db8:1140\n", 6, 10, /not four groups of 1 to 4 hex digits/],
    ["\\# IPSECKEY whose gateway runs past the end", HEAD + "x IPSECKEY \\# 5 0a02020102\n", 6, 12, /the gateway runs past the end; IPSECKEY RDATA is/],
    ["\\# APL item cut short", HEAD + "x APL \\# 6 000118030a00\n", 6, 7, /APL item's address runs past the end/],
    ["OPT as zone data", HEAD + "x TYPE41 \\# 0\n", 6, 3, /OPT is EDNS's pseudo-record/],
    ["ISDN with three strings", HEAD + "x ISDN 1 2 3\n", 6, 3, /ISDN takes an address string and an optional subaddress string \(3 fields given\)/],
  ];
  for (const [what, text, line, column, message] of cases) {
    test(what, () => {
      if (what === "no TTL") {
        // A TTL on the first record is remembered for the next ones (RFC 2308 §4): this compiles.
        expect(() => compile({ "z.test.zone": text })).not.toThrow();
        return;
      }
      const e = zoneError({ "z.test.zone": text });
      expect(e.message).toMatch(message);
      expect(e.location?.file).toMatch(/z\.test\.zone$/);
      expect([e.location?.line, e.location?.column]).toEqual([line, column]);
      expect(e.format()).toMatch(new RegExp(`z\\.test\\.zone:${line}:${column}: error E_ZONE`));
    });
  }

  test("two files for the same zone", () => {
    const e = zoneError({ "a.zone": HEAD, "b.zone": HEAD });
    expect(e.message).toMatch(/already given by another file/);
    expect(e.location?.file).toMatch(/b\.zone$/);
  });
});

describe("building apps/dns with --zones DIR", () => {
  test("a zone error stops the build at its file and line; a good folder is embedded", async () => {
    const { dir } = compile({ "other.test.zone": HEAD.replace(/z\.test\./g, "other.test.") });
    const bad = mkdtempSync(path.join(tmpdir(), "zones-bad-"));
    dirs.push(bad);
    writeFileSync(path.join(bad, "bad.zone"), "$ORIGIN bad.\n$TTL 1\n@ SOA ns h 1 2 3 4 5\n@ NS ns\nns A 10.0.0.1\nx A 10.0.0.300\n");
    const out = mkdtempSync(path.join(tmpdir(), "zones-out-"));
    dirs.push(out);
    const app = path.join(ROOT, "apps", "dns");
    const e = await buildApp(app, { outDir: out, assetDirs: { zones: bad } }).then(() => null, (err) => err);
    expect(e).toBeInstanceOf(BuildError);
    expect((e as BuildError).format()).toMatch(/bad\.zone:6:5: error E_ZONE: '10\.0\.0\.300' is not an IPv4 address/);
    const built = await buildApp(app, { outDir: out, assetDirs: { zones: dir } });
    const image = readFileSync(built.image);
    expect(image.includes(Buffer.from("\x05other\x04test\x00", "latin1"))).toBe(true);
    expect(image.includes(Buffer.from("\x07morgana\x04test\x00", "latin1"))).toBe(false);
  }, 120_000);
});
