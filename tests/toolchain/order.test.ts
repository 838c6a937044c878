/**
 * The order apps are built in (toolchain/build/order.ts): heaviest first,
 * judged by the TypeScript an app's entry reaches through relative
 * imports, so the website (HTTP, TLS, IPv6) is compiled before dns, echo
 * and hello, and a file reached twice counts once.
 */
import path from "node:path";
import { expect, test } from "vitest";
import { root } from "../../toolchain/root.ts";
import { heaviestFirst, sourceWeight } from "../../toolchain/build/order.ts";
import { project } from "./project.ts";

test("the repository's apps go heaviest first: website, dns, echo, hello", () => {
  const apps = ["hello", "echo", "dns", "website"];
  expect(heaviestFirst(apps, (a) => path.join(root, "apps", a, "main.ts"))).toEqual(["website", "dns", "echo", "hello"]);
});

test("an import reached twice counts once; a package import, none", () => {
  const files = {
    "main.ts": 'import { a } from "./lib/a";\nimport { b } from "./lib/b";\nimport { x } from "as-base64/assembly";\n',
    "lib/a.ts": 'import { b } from "./b";\nexport const a = 1;\n',
    "lib/b.ts": "export const b = 2;\n",
  };
  const dir = project(files);
  const all = Object.values(files).reduce((n, t) => n + t.length, 0);
  expect(sourceWeight(path.join(dir, "main.ts"))).toBe(all);
});
