/**
 * The TLS client on the node target: `morgana run tests/apps/tlsget`
 * against `openssl s_server` on loopback (no KVM, no namespace), with the
 * test CA from the app's assets, then with `--tls-ca` replacing it: the
 * same server is refused once the anchors are another CA's.
 */
import { execFile, spawn } from "node:child_process";
import { createServer } from "node:net";
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { root } from "../../toolchain/root.ts";
import { Pki, type Issued } from "../x509/helpers.ts";

const run = promisify(execFile);
const FIXTURES = path.join(import.meta.dirname, "fixtures");
const testCa: Issued = { name: "test CA", cert: path.join(FIXTURES, "test-ca.pem"), key: path.join(FIXTURES, "test-ca.key"), der: new Uint8Array(0) };
const pki = new Pki();
let leaf: Issued, other: Issued;

beforeAll(() => {
  leaf = pki.leaf("www.test", ["DNS:www.test"], { issuer: testCa });
  other = pki.ca("Another CA");
});
afterAll(() => pki.remove());

/** A port free on loopback now. */
async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, "127.0.0.1", r));
  const port = (s.address() as { port: number }).port;
  await new Promise((r) => s.close(r));
  return port;
}

/** tlsget on the node target against s_server on loopback; exit status and output. */
async function fetch(runArgs: string[]): Promise<{ code: number; out: string }> {
  const port = await freePort();
  const server = spawn("openssl", ["s_server", "-accept", `127.0.0.1:${port}`, "-cert", leaf.cert, "-key", leaf.key, "-www", "-naccept", "1"]);
  let log = "";
  server.stdout.setEncoding("utf8").on("data", (d: string) => (log += d));
  try {
    for (let i = 0; i < 50 && !log.includes("ACCEPT"); i++) await new Promise((r) => setTimeout(r, 100));
    const args = ["toolchain/bin/morgana.mjs", "run", "tests/apps/tlsget", ...runArgs, "--", `--server=127.0.0.1:${port}`, "--host=www.test"];
    try {
      const r = await run("node", args, { cwd: root, timeout: 60_000 });
      return { code: 0, out: r.stdout + r.stderr };
    } catch (e) {
      const err = e as { code: number; stdout: string; stderr: string };
      return { code: err.code, out: err.stdout + err.stderr };
    }
  } finally {
    server.kill(); // by its PID: the one this test started
  }
}

describe("the TLS client on the node target", () => {
  test("fetches the page from s_server on loopback, trusting the test CA", async () => {
    const r = await fetch([]);
    expect(r.out).toContain("tls connected: alpn= leaf=CN=www.test");
    expect(r.out).toContain("HTTP/1.0 200 ok");
    expect(r.code).toBe(0);
  });

  test("--tls-ca replaces the anchors: another CA refuses the server, the test CA accepts it", async () => {
    const refused = await fetch(["--tls-ca", other.cert]);
    expect(refused.out).toContain("tls failed: certificate rejected: unknown issuer: certificate 0 (CN=www.test)");
    expect(refused.code).toBe(1);
    const bundle = path.join(pki.dir, "both.pem");
    writeFileSync(bundle, readFileSync(other.cert, "utf8") + readFileSync(testCa.cert, "utf8"));
    const accepted = await fetch(["--tls-ca", bundle]);
    expect(accepted.out).toContain("HTTP/1.0 200 ok");
    expect(accepted.code).toBe(0);
  });
});
