// morgana/testing's app mode and in-memory network: a real app (apps/echo)
// compiled to Wasm and booted under Node, its loop turned on the fake
// clock, talking to a JavaScript host over ARP and UDP, every frame captured.
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, test } from "vitest";
import { Harness, ROOT, readPcap } from "./index.ts";
import { Network } from "../../toolchain/testing/index.ts";

const MS = 1_000_000n;

describe("Harness.app and Network", () => {
  test("an app boots from its folder with the devices of its app.json, and waits", async () => {
    const h = await Harness.app("apps/echo", { cmdline: "--ipv4=10.0.0.2/24" });
    expect(h.console).toContain("[echo] echoing UDP on 10.0.0.2:7");
    expect(h.net("service").mac).toEqual(Uint8Array.from([2, 0, 0, 0, 0, 1]));
    expect(h.exitStatus).toBeNull();
    // Its top level ran until the loop waited: the clock has not moved.
    expect(h.monotonic).toBe(0n);
    h.runFor(250n * MS);
    expect(h.monotonic).toBe(250n * MS);
  });

  test("a host on the in-memory network resolves the app with ARP and gets its UDP echoed", async () => {
    const pcap = path.join(ROOT, "build", "pcap", "harness-app-network.pcap");
    const net = new Network({ pcap });
    // IPv4 only: with IPv6 on, echo's DAD and router solicitation would
    // come between (tests/net/ipv6.test.ts covers those).
    const app = await Harness.app("apps/echo", { cmdline: "--ipv4=10.0.0.2/24 --ipv6=none" });
    net.attach(app);
    const peer = net.host("10.0.0.1", "02:00:00:00:00:99");
    peer.sendUdp("10.0.0.2", 7, "hello, echo", 40000);
    peer.sendUdp("10.0.0.2", 7, "from port 53: refused", 53);
    net.runFor(20n * MS);
    expect(peer.received.map((r) => [r.from, r.fromPort, r.port, r.text])).toEqual([["10.0.0.2", 7, 40000, "hello, echo"]]);
    const frames = readPcap(new Uint8Array(readFileSync(pcap)));
    // The app's gratuitous ARP from boot (the host learns its MAC from it,
    // RFC 826, and sends at once), the host's one ARP request, the two
    // datagrams, the app's ARP reply, the one echo.
    const types = frames.map((f) => (f.frame[12] << 8) | f.frame[13]);
    expect(types).toEqual([0x0806, 0x0806, 0x0800, 0x0800, 0x0806, 0x0800]);
  });

  test("two apps on one network: a resolver (tests/apps/resolve) asks the DNS server (apps/dns)", async () => {
    const net = new Network();
    const dns = await Harness.app("apps/dns", { cmdline: "--ipv4=10.0.0.2/24" });
    const client = await Harness.app("tests/apps/resolve", {
      cmdline: "--ipv4=10.0.0.3/24 --dns-server=10.0.0.2 --lookup=ns2.morgana.test,nothing.morgana.test",
      devices: [{ name: "service", type: "net", mac: "02:00:00:00:00:02" }],
    });
    net.attach(dns);
    expect(() => net.attach(dns)).toThrow(/MAC 02:00:00:00:00:01 is on this network already/);
    net.attach(client);
    net.runFor(2_000n * MS);
    expect(client.exitStatus, client.console).toBe(0);
    expect(client.console).toMatch(/resolved ns2\.morgana\.test A: 10\.0\.0\.3 ttl 3600\n/);
    // The negative answer's TTL is the zone's SOA minimum (RFC 2308).
    expect(client.console).toMatch(/resolved nothing\.morgana\.test A: error no such name ttl 300\n/);
    expect(client.console).toMatch(/resolved ns2\.morgana\.test A: 10\.0\.0\.3 ttl 3600 \(cache\)\n/);
    expect(dns.exitStatus).toBeNull();
  });

  test("an app that exits ends with its status (apps/hello)", async () => {
    const h = await Harness.app("apps/hello", { cmdline: "alpha" });
    expect(h.console).toContain("command line: alpha");
    expect(h.exitStatus).toBe(0);
  });
});
