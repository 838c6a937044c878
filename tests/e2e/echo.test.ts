/**
 * apps/echo end to end: dist/echo.hvt booted under every tender of the
 * smoke set (tests/support/tender.ts) on a tap inside a network namespace each test
 * creates and removes (Linux side 10.0.0.1/24, the image 10.0.0.2), and
 * talked to by Linux's own tools: ping (up to 65507 bytes, fragmented both
 * ways), arping, socat over UDP, and a closed port refused by ICMP.
 * Every run and every tool is bounded in count and time.
 */
import type { ChildProcess } from "node:child_process";
import { rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, test } from "vitest";
import { hasNetns, warnNoNetns, withNetns, type Netns } from "../support/netns.ts";
import { appImage } from "../support/images.ts";
import { skipReason, tenders, type Tender } from "../support/tender.ts";

warnNoNetns("echo end-to-end");

const MAC = "02:00:5e:10:20:30";
const READY = /\[echo\] echoing UDP on (\S+)/;

interface Running {
  child: ChildProcess;
  output(): string;
  /** Resolves with the exit status once the tender exits. */
  exited: Promise<number | null>;
}

/** Boot the echo image in `ns`; resolves once it says it is listening (or
 * rejects with its output if it exits first or takes over 10 s). The
 * namespace's destroy() kills it. */
async function boot(tender: Tender, ns: Netns, args: string[] = []): Promise<Running> {
  const child = ns.spawn([tender.path, "--mem=64", `--net:service=${ns.tap}`, `--net-mac:service=${MAC}`, "--", appImage("echo", tender.target), ...args]);
  let out = "";
  child.stdout!.setEncoding("utf8").on("data", (d: string) => (out += d));
  child.stderr!.setEncoding("utf8").on("data", (d: string) => (out += d));
  const exited = new Promise<number | null>((resolve) => child.on("close", (status) => resolve(status)));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`echo.hvt not ready after 10 s:\n${out}`)), 10_000);
    const check = () => {
      if (READY.test(out)) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout!.on("data", check);
    exited.then((status) => {
      clearTimeout(timer);
      reject(new Error(`echo.hvt exited with ${status}:\n${out}`));
    });
  });
  return { child, output: () => out, exited };
}

const sh = (ns: Netns, script: string, timeoutMs = 20_000) => ns.exec(["sh", "-c", script], { timeoutMs });

for (const tender of tenders("smoke")) describe.skipIf(!hasNetns || !!skipReason("echo end-to-end", tender))(`echo on ${tender.name}`, () => {
  test("logs its address and answers ping of several sizes, 65507 bytes included", async () => {
    await withNetns(async (ns) => {
      const echo = await boot(tender, ns);
      expect(echo.output()).toContain("[net] ipv4 10.0.0.2/24 gateway none (static) on service (mac 02:00:5e:10:20:30, mtu 1500)");
      for (const size of [0, 56, 1472, 1473, 4000, 65507]) {
        // -p: a data pattern ping checks in every reply ("wrong data byte" otherwise).
        const r = await ns.exec(["ping", "-c", "3", "-i", "0.2", "-W", "2", "-s", String(size), "-p", "4d6f7267616e61", "10.0.0.2"]);
        expect(r.stdout, `ping -s ${size}`).toContain("3 packets transmitted, 3 received");
        expect(r.stdout).not.toMatch(/wrong data|DUP!/);
        expect(r.status).toBe(0);
      }
    });
  });

  test("answers arping with the MAC the tender attached", async () => {
    await withNetns(async (ns) => {
      await boot(tender, ns);
      const r = await ns.exec(["arping", "-c", "2", "-w", "5", "-I", ns.tap, "10.0.0.2"]);
      expect(r.stdout).toContain(`reply from 10.0.0.2 [${MAC.toUpperCase()}]`);
      expect(r.stdout).toContain("Received 2 response(s)");
    });
  });

  test("echoes UDP datagrams on port 7, small and fragmented", async () => {
    await withNetns(async (ns) => {
      await boot(tender, ns);
      const small = await sh(ns, "printf 'hello, morgana' | socat -T 2 - UDP:10.0.0.2:7");
      expect(small.stdout).toBe("hello, morgana");
      const file = path.join(tmpdir(), `morgana-echo-${process.pid}.bin`);
      const big = Buffer.from(Array.from({ length: 5000 }, (_, i) => 33 + (i % 90)));
      writeFileSync(file, big);
      const r = await sh(ns, `socat -T 2 -b 65536 - UDP:10.0.0.2:7 < ${file}`).finally(() => rmSync(file, { force: true }));
      expect(Buffer.from(r.stdout, "latin1")).toEqual(big);
    });
  });

  test("a datagram to a closed port gets ICMP port unreachable", async () => {
    await withNetns(async (ns) => {
      await boot(tender, ns);
      // Linux turns the ICMP message into ECONNREFUSED on the connected socket.
      const r = await sh(ns, "printf 'anyone?' | socat -T 2 - UDP:10.0.0.2:9");
      expect(r.status).not.toBe(0);
      expect(r.stderr).toContain("Connection refused");
    });
  });

  test("--ipv4 sets the address; a bad value stops the image naming the argument", async () => {
    await withNetns(async (ns) => {
      await boot(tender, ns, ["--ipv4=10.0.0.77/24", "--ipv4-gateway=10.0.0.1"]);
      const r = await ns.exec(["ping", "-c", "1", "-W", "2", "10.0.0.77"]);
      expect(r.stdout).toContain("1 received");
    });
    await withNetns(async (ns) => {
      await expect(boot(tender, ns, ["--ipv4=10.0.0.300/24"])).rejects.toThrow(
        /exited with 1:[\s\S]*bad value for boot argument --ipv4: '10\.0\.0\.300\/24'/);
    });
  });
});
