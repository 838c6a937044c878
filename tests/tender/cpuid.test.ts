/**
 * The CPU features a guest sees (the `cpuid` command of the test guest,
 * executed in ring 0), against the host's (/proc/cpuinfo). The tenders set
 * the guest's CPUID from KVM_GET_SUPPORTED_CPUID, which on KVM's PVM
 * backend lists none of AES-NI, PCLMULQDQ, SSE4.1, RDRAND or RDSEED; yet
 * the guest sees every one the host has, since PVM answers CPUID with the
 * host's own (libos/tls/README.md, "Entropy"). This test says so, under
 * Morgana's tender and solo5-hvt alike, so that BearSSL's AES-NI path and
 * RDRAND are what the guests use; if a host ever hid them, it fails here
 * first.
 */
import { readFileSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import { runImage, skipReason, hvtTenders } from "../support/tender.ts";
import { buildGuest, values } from "./guests/build.ts";

const flags = new Set((/^flags\s*:(.*)$/m.exec(readFileSync("/proc/cpuinfo", "utf8"))?.[1] ?? "").trim().split(/\s+/));
// Intel SDM vol. 2A, CPUID: Table 3-10 (leaf 1 ECX), Table 3-8 (leaf 7 EBX).
const bits: [string, "leaf1_ecx" | "leaf7_ebx", number][] = [
  ["pclmulqdq", "leaf1_ecx", 1], ["ssse3", "leaf1_ecx", 9], ["sse4_1", "leaf1_ecx", 19],
  ["aes", "leaf1_ecx", 25], ["rdrand", "leaf1_ecx", 30], ["rdseed", "leaf7_ebx", 18],
];

let image: string;
beforeAll(async () => {
  image = await buildGuest("boot");
});

for (const tender of hvtTenders()) describe.skipIf(!!skipReason("tests/tender/cpuid.test.ts", tender))(`CPUID under ${tender.name}`, () => {
  it.each(bits)("shows %s when the host has it", async (flag, reg, bit) => {
    const r = await runImage(image, { tender: tender.path, tenderArgs: ["--mem=32"], args: ["cpuid"] });
    expect(r.status, r.stderr).toBe(0);
    const value = Number(values(r.stdout)[reg]);
    expect(((value >>> bit) & 1) === 1).toBe(flags.has(flag));
  });
});
