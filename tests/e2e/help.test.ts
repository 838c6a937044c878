/**
 * `--help` on the shipped images: each lists exactly the boot arguments it
 * reads, declared by what the app made (libos/platform/args.ts), and exits
 * 0 without sending anything (the namespace only gives the tender a tap to
 * attach). An argument no part of the image declared stops it with that
 * list.
 */
import { describe, expect, test } from "vitest";
import { hasNetns, warnNoNetns, withNetns } from "../support/netns.ts";
import { appImage } from "../support/images.ts";
import { hasKvm, runImage, warnNoKvm } from "../support/tender.ts";

warnNoKvm("--help end-to-end");
warnNoNetns("--help end-to-end");

async function help(app: string, args = ["--help"]) {
  return withNetns((ns) => runImage(appImage(app), { netns: ns.name, tenderArgs: ["--mem=64", `--net:service=${ns.tap}`], args, timeoutMs: 20_000 }));
}

const names = (text: string) => [...text.matchAll(/^ {2}--([a-z0-9-]+)=/gm)].map((m) => m[1]).sort();

describe.skipIf(!hasKvm || !hasNetns)("--help lists what each image reads", () => {
  test("dns.hvt: the stack's, TCP's, its own; not the resolver's", async () => {
    const r = await help("dns");
    expect(r.status, r.stdout + r.stderr).toBe(0);
    const list = names(r.stdout);
    expect(list).toEqual(expect.arrayContaining(["ipv4", "ipv4-gateway", "dhcp", "name", "log", "stats", "dns-udp-size", "dns-rate-limit", "tcp-rcvbuf", "tcp-max-connections"]));
    expect(list).not.toContain("dns-server");
    expect(r.stdout).not.toContain("(default: )");
  });

  test("echo.hvt: no TCP in the image, no TCP arguments", async () => {
    const r = await help("echo");
    expect(r.status, r.stdout + r.stderr).toBe(0);
    const list = names(r.stdout);
    expect(list).toEqual(expect.arrayContaining(["ipv4", "dhcp", "log", "stats"]));
    expect(list.filter((n) => n.startsWith("tcp-"))).toEqual([]);
  });

  test("website.hvt: an argument nothing declared stops it with the list", async () => {
    const r = await help("website", ["--dns-server=10.0.0.1"]);
    expect(r.status).toBe(1);
    expect(r.stdout).toContain("unknown boot argument --dns-server");
    expect(names(r.stdout)).toEqual(expect.arrayContaining(["port", "tcp-backlog", "stats"]));
  });
});
