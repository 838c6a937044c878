/**
 * Morgana's net rings (boot/morgana_abi.h): the offer in the manifest and
 * --x-no-net-rings; registrations the tender must refuse with EINVAL and
 * those it must stop the guest for (a ring outside memory, registering
 * where nothing was offered, ring indices and frame lengths no correct
 * guest writes); frames both ways through the rings, a full receive ring
 * leaving the rest on the tap in order, and a failed write to the tap
 * counted and reported. Over a real tap in a namespace of the test's own;
 * every exchange is a handful of frames with a bounded wait.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { buildTender } from "../../toolchain/tender/build.ts";
import { hasNetns, warnNoNetns, withNetns, type Netns } from "../support/netns.ts";
import { hasKvm, runImage, warnNoKvm } from "../support/tender.ts";
import { buildGuest, buildPktTool, startPkt, values } from "./guests/build.ts";

warnNoKvm("tests/tender/netrings");
warnNoNetns("tests/tender/netrings");

const ETHERTYPE = "0x88b5";
const MAC = "02:aa:bb:cc:dd:ee";
const OFFER = "0x4d47000200000000"; // magic "MG" << 48 | version 2 << 32


/** Linux sends IPv6 router solicitations and such on a new link: keep them
 * off this tap, so that the guest sees only the test's frames. */
const quiet = (ns: Netns) => ns.exec(["sh", "-c", `echo 1 > /proc/sys/net/ipv6/conf/${ns.tap}/disable_ipv6`]);

describe.skipIf(!hasKvm || !hasNetns)("net rings", () => {
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
      tenderArgs: ["--mem=32", `--net:service=${ns.tap}`, `--net-mac:service=${MAC}`, ...tenderArgs],
      netns: ns.name,
      tender,
    });

  it("are offered in the net device's host field, unless --x-no-net-rings", async () => {
    await withNetns(async (ns) => {
      const on = await run(ns, ["mft"]);
      expect(on.status).toBe(0);
      expect(on.stdout).toContain(`dev1 name=service type=0x2 attached=1 mac=${MAC} mtu=1500 host=${OFFER}\n`);
      expect(on.stdout).toContain("dev0 name= type=0x40000000 attached=0 host=0x0\n");
      const off = await run(ns, ["mft"], ["--x-no-net-rings"]);
      expect(off.stdout).toContain(`mtu=1500 host=0x0\n`);
    });
  });

  it("refuses bad registrations with EINVAL, accepts a good one once, then answers plain net calls with EINVAL", async () => {
    await withNetns(async (ns) => {
      const r = await run(ns, ["rings"]);
      expect(r.stderr).toBe("");
      expect(r.status).toBe(0);
      const v = values(r.stdout);
      expect(v.offer).toBe(OFFER);
      const refused = [
        "handle_0", "handle_99", "handle_huge", // not an attached net device
        "slots_0", "slots_1", "slots_3", "slots_2048", "slots_2p31", // not a power of two from 2 to 1024
        "slot_below_mtu", "slot_unaligned", "slot_huge", "slot_wraps", // not MTU + 14 to 128 KiB, by 64
        "rx_misaligned", "tx_misaligned", "rx_below_1mib", "tx_at_0", // where a ring may not be
        "same_ring", "rings_overlap", "rings_overlap_rev",
      ];
      for (const k of refused) expect(v[k], k).toBe("2");
      expect(v.ok).toBe("0");
      expect(v.second).toBe("2");
      expect(v.again_same).toBe("2");
      expect(v.plain_write).toBe("2");
      expect(v.plain_read).toBe("2");
    });
  });

  const stopped: [string, RegExp][] = [
    ["wildarg", /hypercall netrings: the guest passed address 0xfffff000, length 0x28, which is not inside its memory .*\[toolchain\/tender\/netring\.c:\d+\]/],
    ["wildrx", /hypercall netrings: the guest passed address 0xfffff000, length 0x1840, .*\[toolchain\/tender\/netring\.c:\d+\]/],
    ["rxpastend", /hypercall netrings: the guest passed address 0x1fff000, length 0x1840, .*\[toolchain\/tender\/netring\.c:\d+\]/],
    ["txwraps", /hypercall netrings: the guest passed address 0xffffffffffffffc0, length 0x1840, .*\[toolchain\/tender\/netring\.c:\d+\]/],
    ["rxcons", /net ring: the guest's receive ring of 'service' says it holds 4294967293 frames, in 4 slots; guest stopped \[toolchain\/tender\/netring\.c:\d+\]/],
    ["txprod", /net ring: the guest's transmit ring of 'service' says 5 frames are queued, in 4 slots; guest stopped \[toolchain\/tender\/netring\.c:\d+\]/],
    ["txshort", /net ring: the guest queued a frame of 13 bytes on 'service' \(14 to 1514\); guest stopped \[toolchain\/tender\/netring\.c:\d+\]/],
    ["txlong", /net ring: the guest queued a frame of 1515 bytes on 'service' \(14 to 1514\); guest stopped \[toolchain\/tender\/netring\.c:\d+\]/],
  ];
  it.each(stopped)("stops the guest on %s", async (what, message) => {
    await withNetns(async (ns) => {
      const r = await run(ns, ["ringfault", what]);
      expect(r.stderr).toMatch(message);
      expect(r.stderr.trim().split("\n")).toHaveLength(1);
      expect(r.stdout).not.toContain("not stopped");
      expect(r.status).toBe(255);
    });
  });

  it("stops a guest that registers rings where none were offered", async () => {
    await withNetns(async (ns) => {
      const r = await run(ns, ["ringfault", "none"], ["--x-no-net-rings"]);
      expect(r.stderr).toMatch(/the guest registered net rings \(port 0x5e1\), a Morgana extension not offered here \(--x-no-net-rings\): a guest must find the offer in its manifest first; guest stopped \[toolchain\/tender\/run\.c:\d+\]/);
      expect(r.stdout).not.toContain("registered=");
      expect(r.status).toBe(255);
    });
  });

  it("writes a queued frame to the tap in the next poll, and reads the answer into the receive ring", async () => {
    await withNetns(async (ns) => {
      await quiet(ns);
      const peer = startPkt(ns, pkt, ["echo", ns.tap, ETHERTYPE, "10000"]);
      await peer.ready;
      const r = await run(ns, ["ringecho"], ["--x-exit-stats"]);
      const p = await peer.done;
      expect(p.stdout).toContain(`frame len=60 dst=ff:ff:ff:ff:ff:ff src=${MAC} payload=ping from the guest\n`);
      expect(r.status).toBe(0);
      const v = values(r.stdout);
      expect(v.registered).toBe("0");
      expect(v.queued).toBe("1"); // nothing is written before the poll
      expect(v.sent).toBe("1");
      expect(v.poll_ready).toBe("0x2");
      expect(r.stdout).toContain("frame len=60 payload=pong from linux\n");
      expect(v.received).toBe("1");
      expect(v.tx_errors).toBe("0");
      expect(r.stderr).toMatch(/exit stats: hypercalls \d+ \(.*netwrite 0, netread 0, halt 1, netrings 1\); net service rings rx 1 tx 1 rx_errors 0 tx_errors 0 tso 0 tx_dropped 0 rx_dropped 0\n/);
    });
  });

  it("leaves what a full receive ring cannot take on the tap, in order, for the next polls", async () => {
    await withNetns(async (ns) => {
      await quiet(ns);
      const peer = startPkt(ns, pkt, ["burst", ns.tap, ETHERTYPE, "10000", "5"]);
      await peer.ready;
      const r = await run(ns, ["ringecho", "5"]);
      expect((await peer.done).stdout).toContain("sent 5 pongs\n");
      expect(r.status).toBe(0);
      const lines = r.stdout.split("\n");
      // The ring has 2 slots and all 5 frames wait when it is registered.
      expect(lines.filter((l) => l.startsWith("batch="))).toEqual(["batch=2", "batch=2", "batch=1"]);
      expect(lines.filter((l) => l.startsWith("frame "))).toEqual([0, 1, 2, 3, 4].map((i) => `frame len=60 payload=pong ${i} from linux`));
      expect(values(r.stdout).received).toBe("5");
    });
  });

  it("counts a frame it could not write to the tap, tells the guest, and says so on stderr", async () => {
    await withNetns(async (ns) => {
      await quiet(ns);
      const child = ns.spawn([tender, "--mem=32", `--net:service=${ns.tap}`, "--x-exit-stats", "--", image, "ringerror"]);
      let stdout = "";
      let stderr = "";
      child.stderr!.setEncoding("utf8").on("data", (d: string) => (stderr += d));
      const done = new Promise<number | null>((resolve) => child.on("close", (s) => resolve(s)));
      await new Promise<void>((resolve, reject) => {
        child.stdout!.setEncoding("utf8").on("data", (d: string) => {
          stdout += d;
          if (stdout.includes("sending\n")) resolve();
        });
        child.on("close", () => reject(new Error(`guest exited early: ${stdout}${stderr}`)));
      });
      // Writing to a tap that is down fails (EIO).
      await ns.exec(["ip", "link", "set", "dev", ns.tap, "down"]);
      expect(await done).toBe(0);
      const v = values(stdout);
      expect(v.tx_errors).toBe("1");
      expect(stderr).toMatch(/net 'service' \(tap0\): 1 frame from the guest could not be written to the tap \(last: Input\/output error\)\n/);
      expect(stderr).toMatch(new RegExp(`net service rings rx \\d+ tx ${Number(v.tx_done) - 1} rx_errors \\d+ tx_errors 1 tso 0 tx_dropped 0 rx_dropped 0\\n`));
    });
  });
});
