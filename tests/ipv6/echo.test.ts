/**
 * apps/echo over IPv6 (issue 16), under every tender of the smoke set, in a
 * namespace with fd00::1/64 on the Linux side: the boot line lists the
 * link-local and static addresses with their origin; ping -6 reaches both,
 * at sizes that need fragments both ways; socat echoes UDP over IPv6 and a
 * closed port is refused by ICMPv6; ndisc6 resolves the image's addresses
 * to its MAC and rdisc6 finds it is no router. Every tool is bounded in
 * count and time.
 */
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { appImage } from "../support/images.ts";
import { createNetns, hasNetns, warnNoNetns, type Netns } from "../support/netns.ts";
import { skipReason, tenders } from "../support/tender.ts";
import type { Unikernel } from "../website/unikernel.ts";
import { bootV6, HOST6, LINK_LOCAL, MAC, sh, STATIC6 } from "./boot.ts";

warnNoNetns("echo over IPv6");

for (const tender of tenders("smoke")) describe.skipIf(!hasNetns || !!skipReason("echo over IPv6", tender))(`echo over IPv6 on ${tender.name}`, () => {
  let ns: Netns;
  let echo: Unikernel;

  beforeAll(async () => {
    ns = await createNetns({ hostAddr6: HOST6 });
    echo = await bootV6(ns, tender, appImage("echo", tender.target), ["--ipv4=10.0.0.2/24", `--ipv6=${STATIC6}/64`], /\[echo\] echoing UDP/);
    await echo.waitFor(/ipv6 fd00::2\/64 \(static\)/, 5000);
  });
  afterAll(async () => {
    await echo?.stop();
    await ns?.destroy();
  });

  test("the boot lines list each address and where it came from", () => {
    expect(echo.output).toContain(`[net] ipv6 ${LINK_LOCAL}/64 (link-local)`);
    expect(echo.output).toContain("[net] ipv6 fd00::2/64 (static)");
  });

  test("ping -6 to the link-local and the static address, fragmented sizes included", async () => {
    for (const [dst, sizes] of [[`${LINK_LOCAL}%${ns.tap}`, [56, 1452, 1453, 4000]], [STATIC6, [0, 56, 1232, 1452, 1453, 4000, 65000]]] as const) {
      for (const size of sizes) {
        const r = await ns.exec(["ping", "-6", "-c", "3", "-i", "0.2", "-W", "2", "-s", String(size), "-p", "4d6f7267616e61", dst]);
        expect(r.stdout, `ping -6 -s ${size} ${dst}`).toContain("3 packets transmitted, 3 received");
        expect(r.stdout).not.toMatch(/wrong data|DUP!/);
      }
    }
  });

  test("socat echoes UDP over IPv6; a closed port is refused by ICMPv6 port unreachable", async () => {
    const r = await sh(ns, `printf 'hello over six' | socat -T 2 - UDP6:[${STATIC6}]:7`);
    expect(r.stdout).toBe("hello over six");
    const big = await sh(ns, `head -c 6000 /dev/zero | tr '\\0' 'x' | socat -T 2 -b 8192 - UDP6:[${STATIC6}]:7 | wc -c`);
    expect(big.stdout.trim()).toBe("6000");
    const closed = await sh(ns, `printf 'anyone?' | socat -T 2 - UDP6:[${STATIC6}]:9 2>&1; echo status=$?`);
    expect(closed.stdout).toMatch(/Connection refused/);
  });

  test("ndisc6 resolves both addresses to the image's MAC; rdisc6 finds no router in it", async () => {
    for (const target of [STATIC6, LINK_LOCAL]) {
      const r = await ns.exec(["ndisc6", "-1", "-r", "3", "-w", "1000", target, ns.tap]);
      expect(r.stdout, `ndisc6 ${target}`).toContain(`Target link-layer address: ${MAC.toUpperCase()}`);
    }
    const rd = await ns.exec(["rdisc6", "-1", "-r", "2", "-w", "500", ns.tap]);
    expect(rd.stdout + rd.stderr).toMatch(/No response/);
    expect(echo.running).toBe(true);
  });
});
