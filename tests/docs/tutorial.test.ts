/**
 * docs/tutorial.md cannot rot: every file it shows (a block after
 * `<!-- file: PATH -->`) is that file of the repository byte for byte, and
 * the commands it shows with their output (a line of a ```sh block
 * followed by `# …` lines) are run against the apps it builds, booted on
 * Morgana's tender in a namespace of their own (morgana/testing's
 * bootInNetns), and must print exactly that.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, test } from "vitest";
import { root } from "../../toolchain/root.ts";
import { bootInNetns, bootSkipReason } from "../../toolchain/testing/boot.ts";
import { testImage } from "../support/images.ts";

const doc = readFileSync(path.join(root, "docs", "tutorial.md"), "utf8");

/** The doc's text under the heading that starts with `title`. */
function part(title: string): string {
  const at = doc.indexOf(`\n## ${title}`);
  if (at < 0) throw new Error(`docs/tutorial.md has no section "## ${title}"`);
  const end = doc.indexOf("\n## ", at + 1);
  return doc.slice(at, end < 0 ? undefined : end);
}

/** Commands shown with their output: [command, expected stdout]. */
function examples(text: string): [string, string][] {
  const out: [string, string][] = [];
  for (const block of text.matchAll(/```sh\n([\s\S]*?)```/g)) {
    const lines = block[1].split("\n");
    for (let i = 0; i < lines.length; i++) {
      const expected: string[] = [];
      while (lines[i + 1 + expected.length]?.startsWith("# ")) expected.push(lines[i + 1 + expected.length].slice(2));
      if (expected.length) out.push([lines[i], expected.join("\n")]);
      i += expected.length;
    }
  }
  return out;
}

describe("docs/tutorial.md", () => {
  test("every file it shows is the repository's file, byte for byte", () => {
    const shown = [...doc.matchAll(/<!-- file: (\S+) -->\n```\w*\n([\s\S]*?)```\n/g)];
    expect(shown.map((m) => m[1])).toEqual([
      "tests/apps/lines/main.ts", "tests/apps/lines/app.json", "tests/apps/notes/main.ts", "tests/apps/notes/app.json",
    ]);
    for (const [, file, text] of shown) expect(text, file).toBe(readFileSync(path.join(root, file), "utf8"));
  });

  const apps = [
    { section: "1.", name: "lines", ready: /serving lines on port 7000/, examples: 1 },
    { section: "2.", name: "notes", ready: /serving notes on port 8080/, examples: 4 },
  ];
  for (const app of apps) {
    const why = bootSkipReason(testImage(app.name));
    if (why) console.warn(`docs/tutorial.md part ${app.section} on morgana-hvt: skipped: ${why}`);
    test.skipIf(!!why)(`part ${app.section} ${app.name}: the commands print what the page says`, async () => {
      const shown = examples(part(app.section));
      expect(shown.length).toBe(app.examples);
      const vm = await bootInNetns(testImage(app.name), { ready: app.ready, mem: 32 });
      try {
        for (const [command, expected] of shown) {
          const r = await vm.exec(["sh", "-c", command], { timeoutMs: 20_000 });
          expect(r.stdout.trimEnd(), command).toBe(expected);
        }
      } finally {
        await vm.stop();
      }
    });
  }
});
