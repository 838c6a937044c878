/**
 * The node target (issue 13 item 4): apps built without lowering or gcc,
 * run as Wasm in Node on host sockets, answer real clients on 127.0.0.1:
 * the website serves its files byte for byte to curl, echo answers socat
 * over UDP, dns answers dig over UDP and TCP; a trap or an abort names the
 * TypeScript file:line; --dhcp is refused with a message saying why.
 */
import { readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import dgram from "node:dgram";
import path from "node:path";
import { afterEach, describe, expect, test } from "vitest";
import { ROOT } from "../harness/index.ts";
import { copyApp, exec, freePort, morganaRun, start, waitFor, type Running } from "./support.ts";

const running: Running[] = [];
afterEach(() => {
  for (const r of running.splice(0)) r.image.stop();
});

async function app(dir: string, cmdline: string, ports?: Map<number, number>): Promise<Running> {
  const r = await start(dir, cmdline, ports);
  running.push(r);
  return r;
}

function files(dir: string, rel = ""): string[] {
  return readdirSync(path.join(dir, rel)).sort().flatMap((n) => {
    const r = rel ? `${rel}/${n}` : n;
    return statSync(path.join(dir, r)).isDirectory() ? files(dir, r) : [r];
  });
}

describe("node target", () => {
  test("website: every file of the site, byte for byte, to curl on 127.0.0.1", async () => {
    const port = await freePort();
    const r = await app("apps/website", `--port=${port}`);
    await waitFor(r, `127.0.0.1:${port}`);
    const site = path.join(ROOT, "apps/website/site");
    const list = files(site);
    expect(list.length).toBeGreaterThan(5);
    for (const f of list) {
      const { stdout } = await exec("curl", ["-sS", "--fail", "--max-time", "10", "-o", "-", `http://127.0.0.1:${port}/${f}`], { encoding: "buffer", maxBuffer: 1 << 24 });
      expect(Buffer.compare(stdout, readFileSync(path.join(site, f))), f).toBe(0);
    }
    // Several requests on one connection, and a missing file's 404.
    const { stdout } = await exec("curl", ["-sS", "--max-time", "10", "-o", "/dev/null", "-o", "/dev/null", "-w", "%{http_code} %{num_connects}\n",
      `http://127.0.0.1:${port}/hello.txt`, `http://127.0.0.1:${port}/no-such-file`]);
    expect(stdout).toBe("200 1\n404 0\n");
  });

  test("website with --tls-cert/--tls-key: HTTPS to curl --tlsv1.3 on 127.0.0.1 (the crypto imports are node:crypto)", async () => {
    const [port, httpsPort] = [await freePort(), await freePort()];
    const fixtures = path.join(ROOT, "tests/tls/fixtures");
    const tls = { cert: path.join(fixtures, "p256-cert.pem"), key: path.join(fixtures, "p256-key.pem") };
    const r = await start("apps/website", `--port=${port} --https-port=${httpsPort}`, new Map(), tls);
    running.push(r);
    await waitFor(r, `serving https on 127.0.0.1:${httpsPort}`);
    const { stdout } = await exec("curl", ["-sS", "--max-time", "10", "--tlsv1.3", "--cacert", tls.cert, "--resolve", `localhost:${httpsPort}:127.0.0.1`,
      "-o", "-", `https://localhost:${httpsPort}/hello.txt`], { encoding: "buffer" });
    expect(Buffer.compare(stdout, readFileSync(path.join(ROOT, "apps/website/site/hello.txt")))).toBe(0);
  });

  test("echo: UDP datagrams echoed to socat, the guest's port 7 mapped to a free host port", async () => {
    const port = await freePort();
    const r = await app("apps/echo", "", new Map([[7, port]]));
    await waitFor(r, "echoing UDP");
    for (const text of ["hello", "x".repeat(1400)]) {
      const { stdout } = await exec("bash", ["-c", `printf %s "$1" | timeout 5 socat -t2 - UDP:127.0.0.1:${port}`, "_", text]);
      expect(stdout).toBe(text);
    }
  });

  test("dns: dig gets answers over UDP and over TCP", async () => {
    const port = await freePort();
    const r = await app("apps/dns", "", new Map([[53, port]]));
    await waitFor(r, "UDP and TCP");
    const dig = async (...args: string[]) =>
      (await exec("dig", ["-p", String(port), "@127.0.0.1", "+short", "+time=3", "+tries=1", ...args])).stdout;
    expect(await dig("morgana.test", "MX")).toBe("10 mail.morgana.test.\n20 mail.backup.example.\n");
    expect(await dig("+tcp", "morgana.test", "NS")).toBe("ns1.morgana.test.\nns2.morgana.test.\n");
    const { stdout } = await exec("dig", ["-p", String(port), "@127.0.0.1", "+time=3", "+tries=1", "nowhere.morgana.test", "A"]);
    expect(stdout).toContain("status: NXDOMAIN");
  });

  describe("mistakes name the TypeScript file:line", () => {
    const source = readFileSync(path.join(ROOT, "tests/node/as/mistakes/main.ts"), "utf8").split("\n");
    const line = (mark: string) => source.findIndex((l) => l.includes(`MISTAKE:${mark}`)) + 1;
    const where = (mark: string) => `tests/node/as/mistakes/main.ts:${line(mark)}:`;

    test.each([
      ["divide", "wasm trap: divide by zero at "],
      ["index", "abort: Index out of range at ~lib/array.ts:114:42 (called from "],
      ["assert", "abort: the divisor must be positive at "],
    ])("%s", async (mistake, says) => {
      const r = await app("tests/node/as/mistakes", `--mistake=${mistake}`);
      expect(await r.image.exited).toBe(255);
      expect(r.console()).toContain(says + where(mistake));
    });
  });

  test("a host port taken already stops the image with a message naming it", async () => {
    const port = await freePort();
    const taken = dgram.createSocket("udp4");
    await new Promise<void>((r) => taken.bind(port, "127.0.0.1", r));
    try {
      const r = await app("apps/echo", "", new Map([[7, port]]));
      expect(await r.image.exited).toBe(1);
      expect(r.console()).toContain(`cannot open UDP 127.0.0.1:${port} (guest port 7): EADDRINUSE`);
    } finally {
      taken.close();
    }
  });

  test("--dhcp is refused: the host's addresses are used", async () => {
    const r = await app("apps/echo", "--dhcp=true", new Map([[7, await freePort()]]));
    expect(await r.image.exited).toBe(1);
    expect(r.console()).toContain("--dhcp: the node target has no DHCP");
  });
});

/** One datagram "ping" through socat to 127.0.0.1:port; what came back. */
async function echo(port: number): Promise<string> {
  return (await exec("bash", ["-c", `printf ping | timeout 5 socat -t2 - UDP:127.0.0.1:${port}`])).stdout;
}

describe("morgana run, the one command", () => {
  test("builds echo and serves it; the process is ended by its PID", async () => {
    const port = await freePort();
    const run = morganaRun(["echo", "--map-port", `7=${port}`, "--", "--log=info"]);
    try {
      await run.until("echoing UDP on 127.0.0.1:7");
      expect(await echo(port)).toBe("ping");
      expect(run.output()).toMatch(/morgana run: echo built in [\d.]+ s/);
    } finally {
      run.stop();
    }
  });

  test("--watch rebuilds and restarts on a save; a build error keeps the running image", async () => {
    const { dir, main, source } = copyApp("echo", "watch-echo");
    const port = await freePort();
    const run = morganaRun([dir, "--watch", "--map-port", `7=${port}`]);
    try {
      await run.until("echoing UDP on");
      writeFileSync(main, source + "const broken: i32 = \"not a number\";\n");
      await run.until("error E_ASC");
      expect(await echo(port)).toBe("ping");
      writeFileSync(main, source.replace("echoing UDP on", "echoing again UDP on"));
      await run.until("echoing again UDP on");
      expect(await echo(port)).toBe("ping");
    } finally {
      run.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("a bad option is a usage error that says what to do", async () => {
    const r = await exec(process.execPath, [path.join(ROOT, "toolchain/bin/morgana.mjs"), "run", "echo", "--port=8080"]).catch((e) => e);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("unknown option --port (boot arguments go after --, e.g. morgana run website -- --port=8080)");
  });
});
