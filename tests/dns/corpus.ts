/**
 * The differential test's corpus, generated from a seed: zones an operator
 * might write (a multi-line SOA, escapes, every supported type, CNAME
 * chains, loops and dangling ends, wildcards with ENTs below them and
 * wildcard CNAMEs, delegations with in- and out-of-zone name servers and
 * a CNAME into one, a child zone served beside its parent with DS on the
 * parent side, an RFC 2317 classless reverse delegation, an IPv6 reverse
 * zone, case variants, and a large generated zone), and the queries to
 * ask of them: every owner under many types, names that do not exist,
 * names under wildcards and cuts, names outside every zone, random case,
 * EDNS sizes 512/1232/4096 or none, DO, RD and CD, and TCP.
 */

export interface Query {
  name: string;
  type: number;
  klass?: number;
  opcode?: number;
  /** Header flags to set besides the opcode (RD, CD). */
  flags?: number;
  edns?: { udp: number; do: boolean };
  tcp: boolean;
}

export interface Corpus {
  /** File name -> master file text. */
  files: Record<string, string>;
  /** The zones' names, for NSD's configuration. */
  zones: string[];
  queries: Query[];
}

/** A deterministic generator (the LCG every test here uses). */
function rng(seed: number) {
  let s = seed >>> 0;
  const next = () => ((s = (s * 1103515245 + 12345) >>> 0) >>> 8);
  return {
    int: (n: number) => next() % n,
    pick: <T>(xs: T[]): T => xs[next() % xs.length],
    chance: (p: number) => (next() % 10000) / 10000 < p,
  };
}

const T = {
  A: 1, NS: 2, CNAME: 5, SOA: 6, PTR: 12, HINFO: 13, MX: 15, TXT: 16, RP: 17, AAAA: 28, LOC: 29, SRV: 33, NAPTR: 35,
  DNAME: 39, DS: 43, SSHFP: 44, NSEC: 47, DNSKEY: 48, TLSA: 52, OPENPGPKEY: 61, SVCB: 64, HTTPS: 65, SPF: 99, URI: 256,
  CAA: 257, OPAQUE: 65280, ANY: 255, AFSDB: 18, KX: 36, CERT: 37, RRSIG: 46, DHCID: 49, NSEC3: 50, NSEC3PARAM: 51,
  CSYNC: 62, ZONEMD: 63, EUI48: 108, EUI64: 109,
  MD: 3, MF: 4, MB: 7, MG: 8, MR: 9, NULL: 10, WKS: 11, MINFO: 14, X25: 19, ISDN: 20, RT: 21, NSAP: 22, SIG: 24,
  KEY: 25, PX: 26, NXT: 30, APL: 42, IPSECKEY: 45, SMIMEA: 53, NID: 104, L32: 105, L64: 106, LP: 107, AVC: 258,
  DLV: 32769,
};
/** The types asked at every owner. */
const ASKED = [T.A, T.AAAA, T.NS, T.CNAME, T.SOA, T.MX, T.TXT, T.SRV, T.PTR, T.HINFO, T.CAA, T.DS, T.DNAME, T.OPAQUE, T.ANY];
/** Asked at the hand-written zones' owners too. */
const MORE_ASKED = [T.RP, T.LOC, T.NAPTR, T.SSHFP, T.NSEC, T.DNSKEY, T.TLSA, T.OPENPGPKEY, T.SVCB, T.HTTPS, T.SPF, T.URI,
  T.AFSDB, T.KX, T.CERT, T.RRSIG, T.DHCID, T.NSEC3, T.NSEC3PARAM, T.CSYNC, T.ZONEMD, T.EUI48, T.EUI64];
/** The old and rare types, asked where they are and at a few names of each kind (apex, wildcard, CNAME, cut, none). */
const RARE_ASKED = [T.MD, T.MF, T.MB, T.MG, T.MR, T.NULL, T.WKS, T.MINFO, T.X25, T.ISDN, T.RT, T.NSAP, T.SIG, T.KEY, T.PX,
  T.NXT, T.APL, T.IPSECKEY, T.SMIMEA, T.NID, T.L32, T.L64, T.LP, T.AVC, T.DLV];
const RARE_AT = ["types3.diff.test.", "types4.diff.test.", "diff.test.", "anything.wild.diff.test.", "www.diff.test.",
  "host.sub.diff.test.", "child.diff.test.", "nothing.diff.test."];

const MAIN = `; A zone as an operator writes one.
$ORIGIN diff.test.
$TTL 3600
@       IN  SOA  ns1 hostmaster (
                 2026120301 ; serial
                 7200       ; refresh
                 900        ; retry
                 1209600    ; expire
                 300 )      ; minimum
        IN  NS   ns1
        IN  NS   ns2.diff.test.
        IN  NS   ns.outside.example.
        IN  MX   10 mail
        IN  MX   20 mail.outside.example.
        IN  TXT  "v=spf1 mx -all"
        IN  CAA  0 issue "ca.example"
        IN  A    192.0.2.1
        IN  AAAA 2001:db8::1
ns1     IN  A    192.0.2.53
ns2     IN  A    192.0.2.54
        IN  AAAA 2001:db8::54
mail    IN  A    192.0.2.25
        IN  AAAA 2001:db8::25
www     IN  CNAME web
web  300 IN A    192.0.2.80
        IN  A    192.0.2.81
alias   IN  CNAME www
alias2  IN  CNAME alias
out     IN  CNAME www.outside.example.
loop-a  IN  CNAME loop-b
loop-b  IN  CNAME loop-c
loop-c  IN  CNAME loop-a
self    IN  CNAME self
dangling IN CNAME missing
_sip._tcp IN SRV 10 60 5060 sip
sip     IN  A    192.0.2.60
srv-out IN  SRV  0 0 443 target.outside.example.
mx-out  IN  MX   5 mx.outside.example.
txt     IN  TXT  "hello, world" "semi\\;colon" "quote\\"inside" "\\200\\255" "\\065BC"
        IN  TXT  ( "split over"
                   "two lines" )
hinfo   IN  HINFO "PC" "Linux"
ptr     IN  PTR  host.diff.test.
opaque  IN  TYPE65280 \\# 4 0a000001
MiXeD.CaSe IN A  192.0.2.77
deep.a.b.c IN A  192.0.2.99
esc\\.dot IN A   192.0.2.98
*.wild  IN  A    192.0.2.100
*.wild  IN  MX   10 mail
*.wild  IN  TXT  "from a wildcard"
x.y.wild IN A    192.0.2.101
*.wc    IN  CNAME web
*.wcout IN  CNAME elsewhere.outside.example.
*.wcnx  IN  CNAME nothing
sub     IN  NS   ns.sub
        IN  NS   ns.outside.example.
ns.sub  IN  A    192.0.2.153
        IN  AAAA 2001:db8::153
into    IN  CNAME host.sub
child   IN  NS   ns.child
child   IN  TYPE43 \\# 8 303908020a0b0c0d
ns.child IN A    192.0.2.154
to-child IN CNAME www.child
moved   IN  DNAME child
; Every other type NSD's parser takes, in presentation form.
types   IN  NAPTR 100 10 "u" "E2U+sip" "!^.*$!sip:info@example.com!" .
        IN  NAPTR 101 10 "s" "SIP+D2U" "" _sip._udp.diff.test.
        IN  DS 60485 5 1 ( 2BB183AF5F22588179A53B0A
                           98631FAD1A292118 )
        IN  DS 12345 RSASHA256 2 0123456789abcdef0123456789ABCDEF0123456789abcdef0123456789abcdef
        IN  DNSKEY 256 3 5 ( AQPSKmynfzW4kyBv015MUG2DeIQ3
                             Cbl+BBZH4b/0PY1kxkmvHjcZc8no kfzj31GajIQKY+5CptLr3buXA10h
                             WqTkF7H6RfoRqXQeogmMHfpftf6z Mv1LyBUgia7za6ZEzOJBOztyvhjL
                             742iU/TpPSEDhm2SNKLijfUppn1U aNvv4w== )
        IN  SSHFP 2 1 123456789abcdef67890123456789abcdef67890
        IN  TLSA 3 1 1 ( 0C72AC70B745AC19998811B131D662C9AC69DBDBE7CB23E5B514B566 64C5D3D6 )
        IN  LOC 52 22 23.000 N 4 53 32.000 E -2.00m 0.00m 10000m 10m
        IN  LOC 42 21 54 N 71 06 18 W -24m 30m
        IN  URI 10 1 "ftp://ftp1.example.com/public"
        IN  HTTPS 1 . alpn=h2,h3 port=8443 ipv4hint=192.0.2.1,192.0.2.2
        IN  SVCB 0 svc.example.
        IN  SVCB 16 foo.example.org. ( mandatory=alpn alpn=h2,h3-19 ipv6hint=2001:db8::1 key65333=ex1 )
        IN  RP  mbox.diff.test. txt.diff.test.
        IN  OPENPGPKEY AQIDBAUG
        IN  NSEC host.diff.test. A MX RRSIG NSEC TYPE1234
        IN  SPF "v=spf1 -all" "second"
multi   IN  TXT "a string over
two lines"
${Array.from({ length: 7 }, (_, i) => `big     IN  TXT  "${String(i).repeat(200)}"`).join("\n")}
${Array.from({ length: 80 }, (_, i) => `many    IN  A    192.0.2.${i + 1}`).join("\n")}
${Array.from({ length: 12 }, (_, i) => `fat     IN  NS   ns${i}.fat\nns${i}.fat IN A 192.0.2.${200 + i}\nns${i}.fat IN AAAA 2001:db8::${200 + i}`).join("\n")}
types2  IN  AFSDB 1 afs.diff.test.
        IN  KX 10 kx.diff.test.
        IN  CERT PGP 0 0 AQIDBA==
        IN  CERT 1 12345 RSASHA256 AQIDBAUG
        IN  DHCID AAIBY2/AuCccgoJbsaxcQc9TUapptP69lOjxfNuVAA2kjEA=
        IN  EUI48 00-00-5e-00-53-2a
        IN  EUI64 00-00-5e-ef-10-00-00-2a
        IN  NSEC3PARAM 1 0 12 aabbccdd
        IN  NSEC3PARAM 1 0 0 -
        IN  NSEC3 1 1 12 aabbccdd 2t7b4g4vsa5smi47k61mv5bv1a22bojr A RRSIG
        IN  CSYNC 66 3 A NS AAAA
        IN  ZONEMD 2018031500 1 1 ( FEBE3D4CE2EC2FFA4BA99D46CD69D6D29711E55217057BEE
                                    7EB1A7B641A47BA7FED2DD5B97AE499FAFA4F22C6BD647DE )
; The old and rare types NSD 4.6 reads by name (obsolete, historic, ILNP, APL, IPSECKEY).
types3  IN  MD   mail.diff.test.
        IN  MF   Mail
        IN  MB   mbox.Diff.Test.
        IN  MG   mgmbox
        IN  MR   newbox
        IN  MINFO rmail errors.outside.example.
        IN  WKS  192.0.2.1 tcp 25 80 53 1023
        IN  WKS  192.0.2.2 17 53 69
        IN  X25  311061700956
        IN  ISDN 150862028003217 004
        IN  ISDN "150862028003218"
        IN  RT   10 Relay.diff.test.
        IN  NSAP 0x47.0005.80.005a00.0000.0001.e133.ffffff000161.00
        IN  PX   10 net2.it. PRMD-net2.ADMD-p400.C-it.
        IN  NXT  Medium.diff.test. A MX SIG NXT
        IN  KEY  256 3 5 AQPSKmynfzW4kyBv015MUG2DeIQ3
        IN  SIG  A 5 3 86400 20030322173103 20030220173103 2642 Example.com. AQID
        IN  APL  1:192.168.32.0/21 !1:192.168.38.0/28 2:ff00::/8 1:224.0.0.0/4
        IN  SMIMEA 0 0 1 ( d2abde240d7cd3ee6b4b28c54df034b9
                           7983a1d16e8a410e4561cb106618e971 )
        IN  NID  10 0014:4fff:ff20:ee64
        IN  L32  10 10.1.2.0
        IN  L64  10 2001:0DB8:1140:1000
        IN  LP   10 L64-subnet1.diff.test.
        IN  AVC  "app-name:WOLFGANG|app-class:OAM" "two"
        IN  DLV  60485 5 1 2BB183AF5F22588179A53B0A98631FAD1A292118
        IN  NULL \\# 3 010203
types4  IN  IPSECKEY 10 1 2 192.0.2.38 AQNRU3mG7TVTO2BkR47usntb102uFJtugbo6BSGvgqt4AQ==
        IN  IPSECKEY 10 0 2 . AQNRU3mG7TVTO2BkR47usntb102uFJtugbo6BSGvgqt4AQ==
        IN  IPSECKEY 10 3 2 MyGateway.example.com. AQNRU3mG7TVTO2BkR47usntb102uFJtugbo6BSGvgqt4AQ==
        IN  IPSECKEY 10 2 2 2001:0DB8:0:8002::2000:1 AQNRU3mG7TVTO2BkR47usntb102uFJtugbo6BSGvgqt4AQ==
        IN  IPSECKEY 20 1 0 192.0.2.3
        IN  APL
        IN  WKS  192.0.2.3 tcp smtp domain http
sig     IN  RRSIG A 5 3 86400 20030322173103 20030220173103 2642 example.com. (
                  oJB1W6WNGv+ldvQ3WDG0MQkg5IEhjRip8WTrPYGv07h108dUKGMeDPKijVCHX3DDKdfb+v6oB9wfuh3DTJXUAfI/M0zmO/zz8bW0Rznl8O3tGNazPwQKkRN20XPXV6nwwfoXmJQbsLNrLfkGJ5D6fwFm8nN+6pBzeDQfsS3Ap3o= )
`;

const CHILD = `$ORIGIN child.diff.test.
$TTL 600
@       SOA  ns hostmaster 1 3600 600 86400 60
        NS   ns
ns      A    192.0.2.154
www     A    192.0.2.180
*.wild  TXT  "child wildcard"
`;

/** RFC 2317: 192.0.2.128/26 handed to another server through CNAMEs. */
const REVERSE4 = `$ORIGIN 2.0.192.in-addr.arpa.
$TTL 86400
@       SOA  ns1.diff.test. hostmaster.diff.test. 1 3600 600 86400 300
        NS   ns1.diff.test.
1       PTR  diff.test.
53      PTR  ns1.diff.test.
128/26  NS   ns.outside.example.
129     CNAME 129.128/26
130     CNAME 130.128/26.2.0.192.in-addr.arpa.
`;

const REVERSE6 = `$ORIGIN 8.b.d.0.1.0.0.2.ip6.arpa.
$TTL 86400
@       SOA  ns1.diff.test. hostmaster.diff.test. 1 3600 600 86400 300
        NS   ns1.diff.test.
1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0 PTR diff.test.
4.5.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0 PTR ns2.diff.test.
`;

/** A generated zone of `n` names: addresses, MX, TXT, CNAMEs to random
 * names (so chains, and loops now and then), a delegation every 97 names
 * and CNAMEs into them, wildcards (addresses, MX, CNAMEs), ENTs with a
 * wildcard beside them, DNAMEs, and owners written in capitals. */
function large(n: number, r: ReturnType<typeof rng>): { text: string; owners: string[] } {
  const lines = ["$ORIGIN large.test.", "$TTL 300", "@ SOA ns hostmaster 1 3600 600 86400 60", "@ NS ns", "ns A 198.51.100.1"];
  const owners = ["large.test.", "ns.large.test."];
  const cut = (i: number) => i % 97 === 96;
  const some = () => `h${r.int(n)}`;
  for (let i = 0; i < n; i++) {
    const name = i % 17 === 3 ? `H${i}` : `h${i}`;
    const addr = `198.51.${(i >> 8) & 255}.${i & 255}`;
    owners.push(`${name}.large.test.`);
    if (cut(i)) {
      lines.push(`${name} NS ns.${name}`, `${name} NS ns.outside.example.`, `ns.${name} A ${addr}`);
      owners.push(`ns.${name}.large.test.`, `x.${name}.large.test.`);
      continue;
    }
    if (i % 89 === 7) {
      lines.push(`*.w${i} ${r.pick(["A " + addr, "MX 10 " + some(), "CNAME " + some(), "TXT \"wild " + i + "\""])}`);
      owners.push(`*.w${i}.large.test.`, `q.w${i}.large.test.`, `a.b.w${i}.large.test.`, `w${i}.large.test.`);
    }
    if (i % 61 === 11) {
      lines.push(`deep.ent.${name} A ${addr}`, `*.${name} TXT "beside an ENT"`);
      owners.push(`ent.${name}.large.test.`, `x.ent.${name}.large.test.`, `other.${name}.large.test.`);
    }
    if (i % 53 === 13 && i % 61 !== 11) { // nothing may be below a DNAME
      lines.push(`${name} DNAME ${some()}.large.test.`);
      owners.push(`q.${name}.large.test.`);
      continue;
    }
    if (i % 41 === 17 && n > 97) { lines.push(`${name} CNAME x.h96`); continue; }
    if (i % 13 === 5) { lines.push(`${name} CNAME ${some()}`); continue; }
    lines.push(`${name} A ${addr}`);
    if (i % 3 === 0) lines.push(`${name} AAAA 2001:db8:1::${i.toString(16)}`);
    if (i % 7 === 0) lines.push(`${name} MX ${i % 50} ${some()}`);
    if (i % 11 === 0) lines.push(`${name} TXT "record ${i}"`);
  }
  return { text: lines.join("\n") + "\n", owners };
}

/** Every owner written in the hand-made zones (for the queries). */
function ownersOf(text: string): string[] {
  let origin = "";
  let last = "";
  const out = new Set<string>();
  for (const raw of text.split("\n")) {
    const line = raw.replace(/;.*$/, "");
    if (/^\$ORIGIN /.test(line)) { origin = line.split(/\s+/)[1]; continue; }
    if (/^\$/.test(line) || !line.trim()) continue;
    if (/^\s/.test(line)) { if (last) out.add(last); continue; }
    const o = line.split(/\s+/)[0];
    if (o === ")" || o.startsWith('"')) continue;
    last = o === "@" ? origin : o.endsWith(".") ? o : `${o}.${origin}`;
    out.add(last);
  }
  return [...out];
}

/** Random ASCII case, as resolvers send for 0x20 hardening. */
function mixCase(name: string, r: ReturnType<typeof rng>): string {
  return [...name].map((c) => (/[a-z]/i.test(c) && r.chance(0.5) ? (c === c.toLowerCase() ? c.toUpperCase() : c.toLowerCase()) : c)).join("");
}

export function generateCorpus(opts: { seed: number; largeNames: number; largeSample: number }): Corpus {
  const r = rng(opts.seed);
  const big = large(opts.largeNames, r);
  const files: Record<string, string> = {
    "diff.test.zone": MAIN,
    "child.diff.test.zone": CHILD,
    "2.0.192.in-addr.arpa.zone": REVERSE4,
    "8.b.d.0.1.0.0.2.ip6.arpa.zone": REVERSE6,
    "large.test.zone": big.text,
  };
  const zones = ["diff.test", "child.diff.test", "2.0.192.in-addr.arpa", "8.b.d.0.1.0.0.2.ip6.arpa", "large.test"];
  const names: string[] = [];
  for (const f of [MAIN, CHILD, REVERSE4, REVERSE6]) names.push(...ownersOf(f));
  // The large zone: a sample of its owners (all of them when the sample is as large).
  for (let i = 0; i < opts.largeSample && i < big.owners.length; i++) {
    names.push(opts.largeSample >= big.owners.length ? big.owners[i] : r.pick(big.owners));
  }
  // Names that do not exist, below wildcards, below and at cuts, ENTs, outside every zone.
  names.push(
    "nothing.diff.test.", "a.b.c.diff.test.", "b.c.diff.test.", "c.diff.test.", "x.deep.a.b.c.diff.test.",
    "anything.wild.diff.test.", "two.labels.wild.diff.test.", "y.wild.diff.test.", "z.y.wild.diff.test.", "wild.diff.test.",
    "q.wc.diff.test.", "q.wcout.diff.test.", "q.wcnx.diff.test.", "host.sub.diff.test.", "a.b.sub.diff.test.",
    "sub.diff.test.", "ns.sub.diff.test.", "child.diff.test.", "nothing.child.diff.test.", "q.wild.child.diff.test.",
    "129.128/26.2.0.192.in-addr.arpa.", "200.2.0.192.in-addr.arpa.", "2.0.192.in-addr.arpa.",
    "host.fat.diff.test.", "nothing.large.test.", "x.h96.large.test.", "www.moved.diff.test.", "a.b.moved.diff.test.", "example.org.", "outside.example.", "test.", ".", "diff.test.extra.",
  );
  const queries: Query[] = [];
  const variant = (name: string, type: number): Query => {
    const e = r.int(5);
    return {
      name: r.chance(0.3) ? mixCase(name, r) : name,
      type,
      edns: e === 0 ? undefined : { udp: [512, 1232, 4096, 1232][e - 1], do: r.chance(0.2) },
      flags: (r.chance(0.2) ? 0x0100 : 0) | (r.chance(0.1) ? 0x0010 : 0), // RD, CD
      tcp: r.chance(0.1),
    };
  };
  const handWritten = new Set<string>();
  for (const f of [MAIN, CHILD, REVERSE4, REVERSE6]) for (const o of ownersOf(f)) handWritten.add(o);
  for (const n of names) {
    for (const t of ASKED) queries.push(variant(n, t));
    if (handWritten.has(n)) for (const t of MORE_ASKED) queries.push(variant(n, t));
    if (RARE_AT.includes(n)) for (const t of RARE_ASKED) queries.push(variant(n, t));
    queries.push(variant(`nx-${r.int(1000)}.${n === "." ? "" : n}`, r.pick([T.A, T.AAAA, T.MX])));
  }
  // Truncation and class variants on a few names.
  for (const t of [T.TXT, T.NS, T.MX, T.A]) {
    queries.push({ name: "diff.test.", type: t, tcp: false });
    queries.push({ name: "host.sub.diff.test.", type: t, tcp: false });
  }
  queries.push({ name: "www.diff.test.", type: T.A, klass: 255, tcp: false }, { name: "diff.test.", type: T.SOA, klass: 3, tcp: false });
  // NOTIFY (4) and UPDATE (5): opcodes this server does not serve.
  queries.push({ name: "diff.test.", type: T.SOA, opcode: 4, tcp: false }, { name: "diff.test.", type: T.SOA, opcode: 5, tcp: false });
  return { files, zones, queries };
}
