// The shape of libos/, read from its sources: the folders form layers
// (no import cycle between folders), TCP's control block is private to
// libos/net/tcp, and HTTP and the DNS TCP server see only Flow. These are
// the seams libos/README.md draws; this test keeps them from eroding.
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { describe, expect, test } from "vitest";

const ROOT = path.resolve(import.meta.dirname, "../..");
const LIBOS = path.join(ROOT, "libos");

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = path.join(dir, n);
    return statSync(p).isDirectory() ? sources(p) : n.endsWith(".ts") ? [p] : [];
  });
}

/** Every relative import of a file, resolved to a path under the repo. */
function imports(file: string): string[] {
  const text = readFileSync(file, "utf8");
  return [...text.matchAll(/^\s*(?:import|export)\s[^;]*?from\s+"(\.[^"]+)"/gms)].map((m) => {
    const target = path.resolve(path.dirname(file), m[1]);
    return target.endsWith(".ts") ? target : `${target}.ts`;
  });
}

const folderOf = (file: string) => path.relative(LIBOS, path.dirname(file)) || ".";

describe("libos layers", () => {
  const files = sources(LIBOS);

  test("no import cycle between folders", () => {
    const edges = new Map<string, Set<string>>();
    for (const f of files) {
      for (const t of imports(f)) {
        const a = folderOf(f);
        const b = folderOf(t);
        if (a === b) continue;
        if (!edges.has(a)) edges.set(a, new Set());
        edges.get(a)!.add(b);
      }
    }
    // Depth-first search for a back edge; the cycle is named if found.
    const state = new Map<string, number>();
    const stack: string[] = [];
    const cycles: string[] = [];
    const visit = (n: string) => {
      state.set(n, 1);
      stack.push(n);
      for (const m of edges.get(n) ?? []) {
        if (state.get(m) === 1) cycles.push([...stack.slice(stack.indexOf(m)), m].join(" -> "));
        else if (!state.has(m)) visit(m);
      }
      stack.pop();
      state.set(n, 2);
    };
    for (const n of edges.keys()) if (!state.has(n)) visit(n);
    expect(cycles).toEqual([]);
    // The graph is not empty by accident: the known layers are there.
    expect([...(edges.get("stack") ?? [])].sort()).toEqual(expect.arrayContaining(["dhcp", "net", "platform"]));
    // TCP is reached through the transport seam, so images without it carry none.
    expect([...(edges.get("stack") ?? [])]).not.toContain("net/tcp");
  });

  test("nothing below libos/stack imports it, and DHCP does not import the stack", () => {
    for (const f of files) {
      const folder = folderOf(f);
      // Above the stack: the resolver may take a stack, and the node
      // target's host network (hostnet) makes stacks of its own.
      if (folder === "stack" || folder === "dns" || folder === "hostnet") continue;
      for (const t of imports(f)) expect(folderOf(t), `${path.relative(ROOT, f)} imports ${path.relative(ROOT, t)}`).not.toBe("stack");
    }
  });

  test("TCP's control block is reached only from libos/net/tcp", () => {
    const outside = files.filter((f) => folderOf(f) !== "net/tcp");
    for (const f of [...outside, ...sources(path.join(ROOT, "apps")), ...sources(path.join(ROOT, "tests")).filter((f) => f.endsWith(".ts") && f.includes("/as/"))]) {
      for (const t of imports(f)) {
        expect(path.relative(ROOT, t), `${path.relative(ROOT, f)} imports the control block`).not.toBe("libos/net/tcp/connection.ts");
      }
      expect(readFileSync(f, "utf8"), `${path.relative(ROOT, f)} names TcpConnection`).not.toMatch(/\bTcpConnection\b/);
    }
  });

  test("HTTP and the DNS TCP server are written against Flow, not TCP", () => {
    for (const f of [...sources(path.join(LIBOS, "http")), path.join(LIBOS, "dns", "tcp.ts")]) {
      for (const t of imports(f)) {
        expect(path.relative(LIBOS, t), `${path.relative(ROOT, f)}`).not.toMatch(/^net\//);
      }
    }
  });

  test("transports never name a 32-bit address type", () => {
    for (const f of [...sources(path.join(LIBOS, "net", "tcp")), path.join(LIBOS, "net", "udp.ts"), ...sources(path.join(LIBOS, "http")), ...sources(path.join(LIBOS, "flow"))]) {
      expect(readFileSync(f, "utf8"), path.relative(ROOT, f)).not.toMatch(/\bIpv4Address\b|remoteAddress|: u32 = 0; \/\/ address/);
    }
  });
});
