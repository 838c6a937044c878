/**
 * Network devices over a real tap inside a network namespace the test
 * creates (tests/support/netns.ts): frames the guest writes appear on the
 * tap, a frame sent on the tap reaches the guest's net read and wakes its
 * poll, and the manifest copy carries the MAC and MTU. The Linux end is
 * tests/tender/host/pkt.c, a raw AF_PACKET socket inside the namespace.
 * Every exchange is bounded: a handful of frames, each wait with a timeout.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { buildTender } from "../../toolchain/tender/build.ts";
import { hasNetns, warnNoNetns, withNetns, type Netns } from "../support/netns.ts";
import { hasKvm, runImage, warnNoKvm } from "../support/tender.ts";
import { buildGuest, buildPktTool, startPkt, values } from "./guests/build.ts";

warnNoKvm("tests/tender/net");
warnNoNetns("tests/tender/net");

const ETHERTYPE = "0x88b5"; // IEEE 802 local experimental, as the guest uses
const MAC = "02:aa:bb:cc:dd:ee";


describe.skipIf(!hasKvm || !hasNetns)("network devices", () => {
  let tender: string;
  let image: string;
  let pkt: string;
  beforeAll(async () => {
    tender = await buildTender();
    [image, pkt] = await Promise.all([buildGuest("net", ["DEVICES=NET"]), buildPktTool()]);
  });

  const run = (ns: Netns, args: string[], tenderArgs: string[] = []) =>
    runImage(image, {
      args,
      tenderArgs: ["--mem=32", `--net:service=${ns.tap}`, ...tenderArgs],
      netns: ns.name,
      tender,
    });

  it("puts the MAC given and the tap's MTU in the manifest copy", async () => {
    await withNetns(async (ns) => {
      const r = await run(ns, ["mft"], [`--net-mac:service=${MAC}`]);
      expect(r.status).toBe(0);
      // host: the net rings offer (netrings.test.ts)
      expect(r.stdout).toContain(`dev1 name=service type=0x2 attached=1 mac=${MAC} mtu=1500 host=0x4d47000200000000\n`);
      await ns.exec(["ip", "link", "set", "dev", ns.tap, "mtu", "9000"]);
      const jumbo = await run(ns, ["mft"], [`--net-mac:service=${MAC}`]);
      expect(jumbo.stdout).toContain(`mac=${MAC} mtu=9000 `);
    });
  });

  it("makes up a random, unicast, locally administered MAC when none is given", async () => {
    await withNetns(async (ns) => {
      const macs: string[] = [];
      for (let i = 0; i < 2; i++) {
        const r = await run(ns, ["mft"]);
        const m = / mac=([0-9a-f:]{17}) /.exec(r.stdout);
        expect(m).not.toBeNull();
        macs.push(m![1]);
      }
      for (const mac of macs) expect(parseInt(mac.slice(0, 2), 16) & 0x03).toBe(0x02);
      expect(macs[0]).not.toBe(macs[1]);
    });
  });

  it("puts the guest's frames on the tap", async () => {
    await withNetns(async (ns) => {
      const capture = startPkt(ns, pkt, ["recv", ns.tap, ETHERTYPE, "10000", "3"]);
      await capture.ready;
      const r = await run(ns, ["netsend", "3"], [`--net-mac:service=${MAC}`]);
      expect(r.status).toBe(0);
      expect(r.stdout).toBe("netwrite_ret=0\n".repeat(3));
      const c = await capture.done;
      expect(c.status).toBe(0);
      const frames = c.stdout.split("\n").filter((l) => l.startsWith("frame "));
      expect(frames).toEqual([0, 1, 2].map(
        (i) => `frame len=60 dst=ff:ff:ff:ff:ff:ff src=${MAC} payload=morgana tender test frame ${i}`,
      ));
    });
  });

  it("delivers a frame sent on the tap to the guest, waking its poll", async () => {
    await withNetns(async (ns) => {
      const peer = startPkt(ns, pkt, ["echo", ns.tap, ETHERTYPE, "10000"]);
      await peer.ready;
      const r = await run(ns, ["netecho"], [`--net-mac:service=${MAC}`]);
      const p = await peer.done;
      expect(p.stdout).toContain(`frame len=60 dst=ff:ff:ff:ff:ff:ff src=${MAC} payload=ping from the guest\n`);
      expect(p.stdout).toContain("sent pong\n");
      expect(r.status).toBe(0);
      const v = values(r.stdout);
      expect(v.poll_ready).toBe("0x2"); // handle 1, the manifest's "service"
      expect(v.netread_len).toBe("60");
      expect(v.netread_payload).toBe("pong from linux");
    });
  });

  it("answers bad net calls with EINVAL without stopping the guest", async () => {
    await withNetns(async (ns) => {
      const r = await run(ns, ["netbad"]);
      expect(r.status).toBe(0);
      const v = values(r.stdout);
      expect(v.write_reserved_handle).toBe("2");
      expect(v.write_handle_99).toBe("2");
      expect(v.write_too_short).toBe("2");
      expect(v.write_too_long).toBe("2");
      expect(v.read_buffer_too_small).toBe("2");
      expect(v.write_ok).toBe("0");
    });
  });

  it("stops a guest that hands netwrite a buffer outside its memory", async () => {
    await withNetns(async (ns) => {
      const r = await run(ns, ["wildnet"]);
      expect(r.status).toBe(255);
      expect(r.stderr).toMatch(/hypercall netwrite: the guest passed address 0xfffff000, length 0x3c, .*\[toolchain\/tender\/net\.c:\d+\]/);
    });
  });

  it("refuses a tap that is down or is not a tap", async () => {
    await withNetns(async (ns) => {
      await ns.exec(["ip", "link", "set", "dev", ns.tap, "down"]);
      const down = await run(ns, ["hello"]);
      expect(down.status).toBe(1);
      expect(down.stderr).toMatch(/tap0: the interface is down; bring it up: ip link set dev tap0 up/);
      const lo = await runImage(image, { args: ["hello"], tenderArgs: ["--net:service=lo"], netns: ns.name, tender });
      expect(lo.status).toBe(1);
      expect(lo.stderr).toMatch(/lo: cannot attach to the tap: /);
      expect(lo.stdout).toBe("");
    });
  });
});
