// Attacks on echo.hvt (issue 12 item 7), from the crafted-frame peer in
// the test's namespace: datagrams that would make it reflect or loop get
// no answer, as inetd gives them none, and a normal client is served after
// each case. Linux's own answers on the same frames are not compared:
// Linux has no echo service of its own (inetd's is the reference).
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { appImage } from "../support/images.ts";
import { createNetns, hasNetns, warnNoNetns, type Netns } from "../support/netns.ts";
import { hasKvm, hvtTenders, skipReason, warnNoKvm } from "../support/tender.ts";
import { Unikernel } from "../website/unikernel.ts";
import { echoServed, peer } from "./peer.ts";

const usable = hasKvm && hasNetns;
if (!hasKvm) warnNoKvm("attacks on echo.hvt");
if (!hasNetns) warnNoNetns("attacks on echo.hvt");

// Under every hvt tender: the bundled one and the real solo5-hvt.
for (const tender of hvtTenders()) describe.skipIf(!usable || !!skipReason("echo.hvt refuses to reflect", tender))(`echo.hvt refuses to reflect on ${tender.name}`, () => {
  let ns: Netns;
  let echo: Unikernel;

  beforeAll(async () => {
    ns = await createNetns();
    echo = await Unikernel.start(ns, tender, appImage("echo", tender.target), { args: ["--ipv4=10.0.0.2/24"], ready: /\[echo\] echoing UDP/ });
  });
  afterAll(async () => {
    await echo?.stop();
    await ns?.destroy();
  });

  test.each([
    ["from source port 7 (another echo server: the loop)", 7, "10.0.0.2"],
    ["from source port 19 (chargen)", 19, "10.0.0.2"],
    ["from source port 0 (RFC 768: no answer wanted)", 0, "10.0.0.2"],
    ["from source port 1023", 1023, "10.0.0.2"],
    ["to the subnet's broadcast address", 40000, "10.0.0.255"],
  ])("a datagram %s gets no echo", async (_name, sport, dst) => {
    const r = await peer(ns, ["udp", "10.0.0.1", sport, dst, 7, 5, 0.5]);
    expect(r).toEqual({ sent: 5, received: 0 });
    await echoServed(ns);
    expect(echo.running).toBe(true);
  });

  test("a datagram from port 1024 is echoed (the peer sees what it would have seen)", async () => {
    expect(await peer(ns, ["udp", "10.0.0.1", 1024, "10.0.0.2", 7, 5, 0.5])).toEqual({ sent: 5, received: 5 });
  });
});
