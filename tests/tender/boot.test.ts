/**
 * Booting under the tender: exit status, console, command line, clocks,
 * poll, and the guest-visible state at entry (shared/DESIGN.md, "CPU state
 * at entry"; toolchain/tender/vm.c for the memory layout).
 */
import { spawn } from "node:child_process";
import { beforeAll, describe, expect, it } from "vitest";
import { buildTender } from "../../toolchain/tender/build.ts";
import { hasKvm, runImage, warnNoKvm, type RunOptions } from "../support/tender.ts";
import { buildGuest, values } from "./guests/build.ts";

warnNoKvm("tests/tender/boot");

describe.skipIf(!hasKvm)("booting a guest", () => {
  let image: string;
  let tender: string;
  beforeAll(async () => {
    tender = await buildTender();
    image = await buildGuest("boot");
  });
  // Always Morgana's tender: these tests check its messages too.
  const runImageOurs = (img: string, o: RunOptions) => runImage(img, { ...o, tender });
  const run = (args: string[], tenderArgs = ["--mem=32"]) => runImageOurs(image, { args, tenderArgs });

  it("shows the guest's console output and exits 0", async () => {
    const r = await run(["hello"]);
    expect(r.stdout).toBe("hello from the guest\n");
    expect(r.status).toBe(0);
  });

  it.each([0, 1, 3, 42, 200, 255])("passes exit status %i through", async (status) => {
    const r = await run(["exit", String(status)]);
    expect(r.status).toBe(status);
    expect(r.stderr).toBe("");
  });

  it("gives the guest its arguments joined by single spaces", async () => {
    const r = await run(["echo", "one", "two words", "--three=3"]);
    expect(r.stdout).toContain("cmdline=[echo one two words --three=3]\n");
    expect(values(r.stdout).argc).toBe("5");
  });

  it("accepts a command line of 8191 bytes and refuses 8192", async () => {
    const fill = (n: number) => "x".repeat(n - "echo ".length);
    const ok = await run(["echo", fill(8191)]);
    expect(ok.status).toBe(0);
    expect(ok.stdout).toContain(`cmdline=[echo ${fill(8191)}]`);
    const long = await run(["echo", fill(8192)]);
    expect(long.status).toBe(1);
    expect(long.stderr).toMatch(/command line is too long: at most 8191 bytes/);
  });

  it("sets up the CPU as solo5-hvt does", async () => {
    const r = await run(["state"], ["--mem=32"]);
    expect(r.status).toBe(0);
    const v = values(r.stdout);
    expect(v.rdi).toBe("0x10000");
    expect(v.rsp).toBe(`0x${(32 * 2 ** 20 - 8).toString(16)}`);
    expect(v.rflags).toBe("0x2");
    expect(v.cr0).toBe("0x80010021"); // PE | NE | WP | PG
    expect(v.cr3).toBe("0x2000");
    expect(v.cr4).toBe("0x620"); // PAE | OSFXSR | OSXMMEXCPT
    expect(v.efer).toBe("0x500"); // LME | LMA
    expect(v.gdt_base).toBe("0x1000");
    expect(v.gdt_limit).toBe("0x17");
    expect([v.cs, v.ss, v.ds]).toEqual(["0x8", "0x10", "0x10"]);
    expect(v.top_of_memory_rw).toBe("0x1234");
  });

  it("fills in the boot info", async () => {
    const r = await run(["state"], ["--mem=32"]);
    const v = values(r.stdout);
    expect(v.mem_size).toBe("0x2000000");
    // The image's last segment ends on a page inside the first 2 MiB.
    expect(Number(v.kernel_end) % 0x1000).toBe(0);
    expect(Number(v.kernel_end)).toBeGreaterThan(0x100000);
    expect(Number(v.kernel_end)).toBeLessThan(0x200000);
    expect(Number(v.cpu_cycle_freq)).toBeGreaterThan(100_000_000); // a TSC in Hz
    expect(v.mft).toBe("0x10040");
    expect(Number(v.cmdline)).toBeGreaterThan(0x10040);
    expect(v.cpuid_vendor).toMatch(/^(GenuineIntel|AuthenticAMD)$/);
  });

  it("rounds --mem down to 2 MiB and warns, as solo5-hvt does", async () => {
    const r = await run(["state"], ["--mem=33"]);
    expect(r.status).toBe(0);
    expect(values(r.stdout).mem_size).toBe("0x2000000");
    expect(r.stderr).toMatch(/adjusting guest memory to 32 MiB/);
  });

  it("uses 512 MiB when --mem is not given", async () => {
    const r = await runImageOurs(image, { args: ["state"] });
    expect(values(r.stdout).mem_size).toBe("0x20000000");
  });

  it("leaves the zero page unmapped", async () => {
    const r = await run(["null"]);
    expect(r.status).toBe(255);
    expect(r.stderr).toMatch(/triple-faulted.*cr2 0x8;/);
  });

  it("maps the boot info read-only", async () => {
    const r = await run(["lowwrite"]);
    expect(r.status).toBe(255);
    expect(r.stderr).toMatch(/triple-faulted/);
  });

  it("copies the manifest with only the reserved entry for an image without devices", async () => {
    const r = await run(["mft"]);
    expect(r.stdout).toContain("mft_version=1\nmft_entries=1\n");
    expect(r.stdout).toContain("dev0 name= type=0x40000000 attached=0 host=0x0\n");
  });

  it("tells the wall-clock time", async () => {
    const t0 = BigInt(Date.now() - 1) * 1_000_000n;
    const r = await run(["walltime"]);
    const t1 = BigInt(Date.now() + 1) * 1_000_000n;
    expect(r.status).toBe(0);
    const ns = BigInt(values(r.stdout).walltime);
    expect(ns).toBeGreaterThanOrEqual(t0);
    expect(ns).toBeLessThanOrEqual(t1);
  });

  it("returns from poll after its timeout when no device has input", async () => {
    const r = await run(["poll", "20000000"]);
    expect(r.status).toBe(0);
    const v = values(r.stdout);
    expect(v.poll_ret).toBe("0");
    expect(v.poll_ready).toBe("0x0");
    // Slept at least the timeout (a lower bound, not a timing measurement).
    expect(Number(v.poll_slept_ns)).toBeGreaterThanOrEqual(20_000_000);
  });

  it("ends on SIGTERM with status 1 and says so, as solo5-hvt does", async () => {
    const child = spawn(tender, ["--mem=32", image, "sleep", "60000000000"]);
    let stdout = "";
    let stderr = "";
    child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
    const closed = new Promise<number | null>((resolve) => child.on("close", resolve));
    // Once the guest speaks, the tender's handlers are installed. Bounded:
    // a guest that never speaks is killed and the test fails.
    const guard = setTimeout(() => child.kill("SIGKILL"), 20_000);
    const spoke = await new Promise<boolean>((resolve) => {
      child.stdout.setEncoding("utf8").on("data", (d: string) => {
        stdout += d;
        if (stdout.includes("sleeping\n")) resolve(true);
      });
      child.on("close", () => resolve(false));
    });
    expect(spoke).toBe(true);
    process.kill(child.pid!, "SIGTERM");
    expect(await closed).toBe(1);
    clearTimeout(guard);
    expect(stderr).toBe("morgana-hvt: exiting on signal 15\n");
  });

  it("runImage kills a run that outlives its timeout and reports it as a failure", async () => {
    await expect(
      runImageOurs(image, { args: ["sleep", "60000000000"], tenderArgs: ["--mem=32"], timeoutMs: 1000 }),
    ).rejects.toThrow(/still running after 1000 ms; killed[^]*--- stdout ---\nsleeping\n/);
  });
});
