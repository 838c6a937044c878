import { describe, expect, test } from "vitest";
import { BuildError } from "../../toolchain/diagnostics.ts";
import { manifestNote } from "../../toolchain/manifest/index.ts";

function manifestError(devices: { name: string; type: "net" | "block" }[]): BuildError {
  try {
    manifestNote(devices);
  } catch (e) {
    if (e instanceof BuildError) return e;
    throw e;
  }
  throw new Error("manifestNote accepted the list");
}

describe("manifestNote", () => {
  test("declares the note, the header and one entry per device after the reserved one", () => {
    const s = manifestNote([
      { name: "service", type: "net" },
      { name: "storage", type: "block" },
    ]);
    expect(s).toContain(".section .note.solo5.manifest");
    expect(s).toContain(".long 0x3154464d");
    expect(s).toContain(`.long ${4 + 8 + 3 * 104} `); // descsz
    expect(s).toContain(".long 3 /* entries */");
    expect(s).toContain(`.long ${1 << 30}`);
    expect(s.indexOf('.ascii "service"')).toBeLessThan(s.indexOf('.ascii "storage"'));
    expect(s).toContain(".fill 61, 1, 0"); // 68 - "service".length
  });

  test("an empty list still has the reserved entry", () => {
    expect(manifestNote([])).toContain(".long 1 /* entries */");
  });

  test("accepts 63 devices and names of 67 characters", () => {
    const many = Array.from({ length: 63 }, (_, i) => ({ name: `n${i}`, type: "net" as const }));
    expect(() => manifestNote(many)).not.toThrow();
    expect(() => manifestNote([{ name: "a".repeat(67), type: "block" }])).not.toThrow();
  });

  test.each([
    [[{ name: "my-net", type: "net" }], /"my-net" is not alphanumeric/],
    [[{ name: "", type: "net" }], /empty name/],
    [[{ name: "a".repeat(68), type: "net" }], /68 characters long, at most 67/],
    [[{ name: "svc", type: "net" }, { name: "svc", type: "block" }], /"svc" is declared twice/],
    [Array.from({ length: 64 }, (_, i) => ({ name: `n${i}`, type: "net" })), /64 devices declared, at most 63/],
    [[{ name: "disk", type: "tape" }], /type "tape"/],
  ])("refuses %j with E_MANIFEST", (devices, message) => {
    const e = manifestError(devices as { name: string; type: "net" | "block" }[]);
    expect(e.code).toBe("E_MANIFEST");
    expect(e.message).toMatch(message);
  });
});
