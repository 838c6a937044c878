/**
 * A TCP server written as the README teaches (tests/apps/lines: a line
 * protocol over Flow that checks writeSpace before each answer) against a
 * real client: 100,000 pipelined commands from socat in a namespace, every
 * one answered, in order, none lost or stalled. The client sends as fast
 * as TCP lets it, so the server meets a full send buffer again and again
 * and must be woken by `writable`.
 */
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, test } from "vitest";
import { hasNetns, warnNoNetns, withNetns } from "../support/netns.ts";
import { testImage } from "../support/images.ts";
import { hasKvm, tenderPath, warnNoKvm } from "../support/tender.ts";

warnNoKvm("line server end-to-end");
warnNoNetns("line server end-to-end");

const COMMANDS = 100_000;

describe.skipIf(!hasKvm || !hasNetns)("a Flow line server (tests/apps/lines)", () => {
  test(`${COMMANDS} pipelined commands are all answered, in order`, async () => {
    const dir = path.join(tmpdir(), `morgana-lines-${process.pid}`);
    const input = `${dir}-in.txt`;
    const output = `${dir}-out.txt`;
    writeFileSync(input, "PING\n".repeat(COMMANDS));
    try {
      await withNetns(async (ns) => {
        const tender = await tenderPath();
        const child = ns.spawn([tender, "--mem=32", `--net:service=${ns.tap}`, "--", testImage("lines"), "--ipv4=10.0.0.2/24"]);
        let out = "";
        child.stdout!.setEncoding("utf8").on("data", (d: string) => (out += d));
        child.stderr!.setEncoding("utf8").on("data", (d: string) => (out += d));
        for (let i = 0; i < 400 && !/serving lines/.test(out); i++) await new Promise((r) => setTimeout(r, 25));
        expect(out).toMatch(/serving lines/);
        // socat sends the file, half-closes, and keeps reading until the
        // server closes (at most 60 s).
        const r = await ns.exec(["sh", "-c", `socat -t 60 -T 60 - TCP:10.0.0.2:7000 < ${input} > ${output}`], { timeoutMs: 90_000 });
        expect(r.status, r.stderr).toBe(0);
        const lines = readFileSync(output, "utf8").split("\n").filter((l) => l.length > 0);
        expect(lines).toHaveLength(COMMANDS);
        expect(lines[0]).toBe("PONG 1");
        expect(lines.at(-1)).toBe(`PONG ${COMMANDS}`);
        expect(lines.every((l, i) => l === `PONG ${i + 1}`)).toBe(true);
      });
    } finally {
      rmSync(input, { force: true });
      rmSync(output, { force: true });
    }
  });
});
