/**
 * The net imports under KVM with a real tap device, inside a network
 * namespace made (and removed) by the test.
 */
import { beforeAll, describe, expect, test } from "vitest";
import { hasNetns, warnNoNetns, withNetns } from "../support/netns.ts";
import { hasKvm, runImage, warnNoKvm } from "../support/tender.ts";
import { buildApp } from "./build.ts";

warnNoKvm("tests/boot/net.test.ts");
warnNoNetns("tests/boot/net.test.ts");

let image = "";
beforeAll(async () => {
  if (hasKvm && hasNetns) image = (await buildApp("net", { devices: [{ name: "service", type: "net" }] })).image;
});

describe.skipIf(!hasKvm || !hasNetns)("net imports", () => {
  test("find the device by name and type, report its MAC and MTU, send a frame", async () => {
    await withNetns(async (ns) => {
      const r = await runImage(image, {
        netns: ns.name,
        tenderArgs: [`--net:service=${ns.tap}`, "--net-mac:service=02:00:5e:10:20:30"],
      });
      expect(r.stderr).toBe("");
      expect(r.status).toBe(0);
      expect(r.stdout).toBe(
        [
          "service net 1",
          "service block 0", // -1: a net device is not a block device
          "servic net 0", // -1: names match whole
          "netInfo 0 mac 02005e102030 mtu 1500",
          "netInfo bad handle 0", // -1
          "netWrite 0",
          "",
        ].join("\n"),
      );
    });
  });
});
