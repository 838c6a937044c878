// The image builds, and is what the hvt tenders boot: an ELF executable
// whose Solo5 manifest note names the "service" network device.
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import assert from "node:assert/strict";

test("__NAME__ builds into an hvt image that declares its network device", () => {
  execFileSync("npx", ["morgana", "build", "--target", "hvt", "--app", "__NAME__"], { stdio: "inherit" });
  const image = readFileSync("dist/__NAME__.hvt");
  assert.deepEqual([...image.subarray(0, 4)], [0x7f, 0x45, 0x4c, 0x46]);
  assert.ok(image.includes(Buffer.from("service\0")), "the manifest names the service device");
});
