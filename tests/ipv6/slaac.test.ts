/**
 * Router discovery, SLAAC and DAD against real Linux peers (issue 16),
 * under every smoke tender:
 * - radvd in the namespace advertises fd00:1::/64 (on-link, autonomous)
 *   and an MTU of 1400: website.hvt forms fd00:1::5eff:fe10:2030 by SLAAC
 *   (and says so), takes the default router, sends fragments no larger
 *   than 1400 bytes, and reaches a client on another prefix through the
 *   router (its SYN-ACK resolved by Neighbor Discovery towards it);
 * - a host already holding the static address answers the image's DAD
 *   probe: the image refuses the address and says so, and keeps its
 *   link-local one.
 */
import { rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, test } from "vitest";
import { appImage } from "../support/images.ts";
import { hasNetns, warnNoNetns, withNetns } from "../support/netns.ts";
import { skipReason, tenders } from "../support/tender.ts";
import { bootV6, LINK_LOCAL, sh } from "./boot.ts";

warnNoNetns("IPv6 router discovery, SLAAC and DAD");

const SLAAC = "fd00:1::5eff:fe10:2030";

for (const tender of tenders("smoke")) describe.skipIf(!hasNetns || !!skipReason("IPv6 SLAAC and DAD", tender))(`IPv6 SLAAC and DAD on ${tender.name}`, () => {
  test("radvd's prefix gives a SLAAC address, its router the default route, its MTU option the fragment size", async () => {
    await withNetns(async (ns) => {
      const conf = path.join(tmpdir(), `${ns.name}-radvd.conf`);
      writeFileSync(conf, `interface ${ns.tap} {
  AdvSendAdvert on; MinRtrAdvInterval 3; MaxRtrAdvInterval 4; AdvLinkMTU 1400;
  prefix fd00:1::/64 { AdvOnLink on; AdvAutonomous on; };
};\n`);
      try {
        await sh(ns, "sysctl -qw net.ipv6.conf.all.forwarding=1");
        // A client address on another prefix: reached only through the router.
        await sh(ns, `ip -6 addr add fd00:2::1/64 dev ${ns.tap} nodad`);
        ns.spawn(["radvd", "-n", "-C", conf, "-p", `${conf}.pid`, "-u", "root"]);
        const web = await bootV6(ns, tender, appImage("website", tender.target), ["--ipv4=10.0.0.2/24"], /\[website\] serving/);
        await web.waitFor(new RegExp(`ipv6 ${SLAAC}/64 \\(SLAAC\\)`), 15_000);
        const router = (await sh(ns, `ip -6 addr show dev ${ns.tap} scope link`)).stdout.match(/inet6 (fe80::[0-9a-f:]+)/)![1];
        expect(web.output).toContain(`ipv6 default router ${router} (router advertisement)`);
        expect(web.output).toContain("ipv6 link mtu 1400 (router advertisement)");

        const dump = ns.spawn(["tcpdump", "-i", ns.tap, "-nn", "-v", "-l", "-c", "3", `ip6 and src host ${SLAAC} and ip6[6] == 44`]);
        let seen = "";
        dump.stdout!.setEncoding("utf8").on("data", (d: string) => (seen += d));
        const captured = new Promise((resolve) => dump.on("close", resolve));
        await new Promise((r) => setTimeout(r, 500));
        const ping = await ns.exec(["ping", "-6", "-c", "1", "-W", "2", "-s", "3000", SLAAC]);
        expect(ping.stdout).toContain("1 packets transmitted, 1 received");
        await Promise.race([captured, new Promise((r) => setTimeout(r, 3000))]);
        const lengths = [...seen.matchAll(/payload length: (\d+)/g)].map((m) => Number(m[1]));
        expect(lengths.length).toBeGreaterThanOrEqual(3);
        for (const l of lengths) expect(l + 40).toBeLessThanOrEqual(1400);

        const curl = await sh(ns, `curl -6 -s -m 10 --interface fd00:2::1 -o /dev/null -w '%{http_code}' 'http://[${SLAAC}]/'`);
        expect(curl.stdout).toBe("200");
        await web.stop();
      } finally {
        rmSync(conf, { force: true });
        rmSync(`${conf}.pid`, { force: true });
      }
    }, { hostAddr6: "fd00:1::1/64" });
  });

  test("an address another host answers for is refused, and the console says so", async () => {
    await withNetns(async (ns) => {
      // Three probes: under solo5-spt the first one can leave before Linux
      // has finished bringing the tap up (its answer is dropped then).
      const echo = await bootV6(ns, tender, appImage("echo", tender.target),
        ["--ipv4=10.0.0.2/24", "--ipv6=fd00::1/64", "--ipv6-dad-transmits=3"], /\[echo\] echoing UDP/);
      await echo.waitFor(/ipv6 fd00::1\/64 \(static\) refused: duplicate address \(another host answers for it/, 6000);
      expect(echo.output).not.toMatch(/ipv6 fd00::1\/64 \(static\)\n/);
      // Its link-local address passed DAD: still served there.
      const r = await ns.exec(["ping", "-6", "-c", "2", "-i", "0.2", "-W", "2", `${LINK_LOCAL}%${ns.tap}`]);
      expect(r.stdout).toContain("2 packets transmitted, 2 received");
      await echo.stop();
    }, { hostAddr6: "fd00::1/64" });
  });
});
