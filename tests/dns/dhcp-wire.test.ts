// DHCP wire format: dhclient's and dnsmasq's real messages
// (tests/dns/fixtures) parsed and emitted back byte for byte; malformed
// options refused.
import { beforeAll, describe, expect, test } from "vitest";
import { Harness } from "../harness/index.ts";
import { WIRE_ENTRY, toHex, udpPayloads } from "./helpers.ts";

let h: Harness;
beforeAll(async () => { h = await Harness.start(WIRE_ENTRY); });

function parse(b: Uint8Array): string {
  h.input(b);
  const s = h.string(h.call("dhcpParse"))!;
  if (h.exitStatus !== null) throw new Error(`stopped: ${h.console}`);
  return s;
}

const [discover, offer, request, ack] = udpPayloads("dhcp-lease");
const [rebootRequest, nak] = udpPayloads("dhcp-nak");
const CLIENT = "chaddr=02:00:00:00:03:02";

describe("dhcp representation: parse", () => {
  test("DISCOVER from dhclient: host name and parameter request list", () => {
    expect(parse(discover)).toBe(`op=1 type=1 xid=0x6ccd5518 secs=0 bcast=0 ciaddr=0.0.0.0 yiaddr=0.0.0.0 siaddr=0.0.0.0 ${CLIENT} host=morgana-a prl=1,28,3,6,15`);
  });
  test("OFFER and ACK from dnsmasq: the lease", () => {
    const lease = `yiaddr=10.99.3.61 siaddr=10.99.3.1 ${CLIENT} server=10.99.3.1 lease=120 t1=60 t2=105 mask=255.255.255.0 broadcast=10.99.3.255 router=10.99.3.1 dns=10.99.3.1`;
    expect(parse(offer)).toBe(`op=2 type=2 xid=0x6ccd5518 secs=0 bcast=0 ciaddr=0.0.0.0 ${lease}`);
    expect(parse(ack)).toBe(`op=2 type=5 xid=0x6ccd5518 secs=0 bcast=0 ciaddr=0.0.0.0 ${lease}`);
  });
  test("REQUEST in SELECTING and in INIT-REBOOT (RFC 2131 §4.3.2)", () => {
    expect(parse(request)).toBe(`op=1 type=3 xid=0x6ccd5518 secs=0 bcast=0 ciaddr=0.0.0.0 yiaddr=0.0.0.0 siaddr=0.0.0.0 ${CLIENT} server=10.99.3.1 requested=10.99.3.61 host=morgana-a prl=1,28,3,6,15`);
    expect(parse(rebootRequest)).toBe(`op=1 type=3 xid=0x596a1417 secs=0 bcast=0 ciaddr=0.0.0.0 yiaddr=0.0.0.0 siaddr=0.0.0.0 ${CLIENT} requested=10.99.3.200 host=morgana-a prl=1,28,3,6,15`);
  });
  test("NAK, broadcast, with the server's message", () => {
    expect(parse(nak)).toBe(`op=2 type=6 xid=0x596a1417 secs=0 bcast=1 ciaddr=0.0.0.0 yiaddr=0.0.0.0 siaddr=0.0.0.0 ${CLIENT} server=10.99.3.1 message=wrong address`);
  });
});

describe("dhcp representation: emit", () => {
  for (const [name, msg] of [["discover", discover], ["offer", offer], ["request", request], ["ack", ack],
    ["init-reboot request", rebootRequest], ["nak", nak]] as const) {
    test(`${name}: re-emitted byte for byte (300 bytes, zero padded)`, () => {
      parse(msg);
      h.call("dhcpEmit");
      expect(toHex(h.output())).toBe(toHex(msg));
    });
  }
});

describe("dhcp malformed input", () => {
  const withOption = (bytes: number[]) => {
    const m = new Uint8Array(300);
    m.set(discover.subarray(0, 240));
    m.set([53, 1, 1, ...bytes, 255], 240);
    return m;
  };

  test("short, or without the magic cookie", () => {
    for (const n of [0, 100, 236, 239]) expect(parse(discover.subarray(0, n))).toBe("error: truncated");
    const m = discover.slice();
    m[236] = 0;
    expect(parse(m)).toBe("error: malformed");
  });

  test("an option running past the end, or with a length its code forbids", () => {
    const cut = discover.slice(0, 240 + 5);
    cut[243] = 12; cut[244] = 9; // host name claiming 9 bytes, none there
    expect(parse(cut)).toBe("error: malformed");
    expect(parse(withOption([51, 3, 0, 0, 1]))).toBe("error: malformed"); // lease time of 3 bytes
    expect(parse(withOption([3, 6, 10, 0, 0, 1, 0, 0]))).toBe("error: malformed"); // router list not a multiple of 4
    expect(parse(withOption([52, 1, 4]))).toBe("error: malformed"); // overload value
  });

  test("BOOTP without a message type is not DHCP", () => {
    const m = new Uint8Array(300);
    m.set(discover.subarray(0, 240));
    m[240] = 255;
    expect(parse(m)).toBe("error: unsupported");
  });

  test("options continued in the file field (overload, RFC 2132 §9.3)", () => {
    const m = withOption([52, 1, 1]);
    m.set([51, 4, 0, 0, 0x0e, 0x10, 255], 108);
    expect(parse(m)).toMatch(/ lease=3600/);
  });

  test("random mutations never trap", () => {
    let seed = 11;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) >>> 0) >>> 8);
    const all = [discover, offer, request, ack, nak];
    for (let i = 0; i < 1000; i++) {
      const m = all[i % all.length].slice();
      for (let k = 0; k <= rnd() % 3; k++) m[236 + (rnd() % (m.length - 236))] = rnd() & 0xff;
      parse(m);
    }
    expect(h.exitStatus).toBe(null);
  });
});
