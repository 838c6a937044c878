#!/usr/bin/env node
// Runs one TypeScript file under Node: bundles it with esbuild into
// build/run-ts/NAME.mjs (npm packages stay external, so they load from
// node_modules as usual) and imports the bundle, passing the remaining
// arguments through process.argv. Used by `npm run bench`; the same pattern
// as morgana.mjs, but for any entry file and rebuilt every time (bundling
// is a fraction of a second and a stale bundle would measure old code).
// The bundle lives in build/, so each source's own `import.meta.url`,
// `.dirname` and `.filename` are replaced by its real location while
// bundling: code that finds files next to itself works as under vitest.
import { build } from "esbuild";
import { mkdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { nodeBundle } from "./bundle.mjs";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const [entry, ...args] = process.argv.slice(2);
if (!entry) {
  console.error("usage: run-ts.mjs FILE.ts [ARGS...]");
  process.exit(2);
}
const source = path.resolve(entry);
const rel = path.relative(root, source).replace(/\.ts$/, "").replace(/[\\/]/g, "_");
const outfile = path.join(root, "build", "run-ts", `${rel}.mjs`);
mkdirSync(path.dirname(outfile), { recursive: true });
await build({
  ...nodeBundle,
  entryPoints: [source],
  outfile,
  plugins: [
    {
      name: "own-location",
      setup(b) {
        b.onLoad({ filter: /\.ts$/ }, (args) => {
          const file = args.path;
          const contents = readFileSync(file, "utf8")
            .replaceAll("import.meta.url", JSON.stringify(pathToFileURL(file).href))
            .replaceAll("import.meta.dirname", JSON.stringify(path.dirname(file)))
            .replaceAll("import.meta.filename", JSON.stringify(file));
          return { contents, loader: "ts" };
        });
      },
    },
  ],
});
// The bundled file sees the arguments after the entry as its own.
process.argv = [process.argv[0], source, ...args];
await import(pathToFileURL(outfile).href);
