/**
 * `morgana new NAME`: a project of its own that depends on morgana, ready
 * to build, boot and test: package.json (scripts build, boot, test), one
 * app under apps/NAME/ (a UDP echo), a tsconfig.json that gives editors
 * AssemblyScript's types and Morgana's libraries as `morgana/...`, a test,
 * a README with the three commands, and a .gitignore. The files are those
 * of template/ beside this one, with __NAME__ and __MORGANA__ (the version
 * range to depend on) filled in.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { BuildError } from "../diagnostics.ts";
import { root } from "../root.ts";

const template = path.join(root, "toolchain", "new", "template");

/** Where each template file goes in the new project. */
function destination(rel: string, name: string): string {
  if (rel === "gitignore") return ".gitignore"; // npm pack would drop a .gitignore
  if (rel.startsWith(`app${path.sep}`)) return path.join("apps", name, rel.slice(4));
  return rel;
}

function walk(dir: string, rel = ""): string[] {
  return readdirSync(path.join(dir, rel), { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? walk(dir, path.join(rel, e.name)) : [path.join(rel, e.name)]);
}

/** Writes the project NAME into `dir` (default ./NAME); its folder. */
export function scaffold(name: string, dir: string = path.resolve(name)): string {
  if (!/^[a-z][a-z0-9-]{0,63}$/.test(name)) {
    throw new BuildError("E_USAGE", `"${name}" cannot name a project: use lower-case letters, digits and '-', starting with a letter`);
  }
  if (existsSync(dir) && readdirSync(dir).length > 0) {
    throw new BuildError("E_USAGE", `${dir} exists and is not empty; choose another name or remove it`);
  }
  const version = JSON.parse(readFileSync(path.join(root, "package.json"), "utf8")).version as string;
  for (const rel of walk(template)) {
    const out = path.join(dir, destination(rel, name));
    mkdirSync(path.dirname(out), { recursive: true });
    const text = readFileSync(path.join(template, rel), "utf8").replaceAll("__NAME__", name).replaceAll("__MORGANA__", `^${version}`);
    writeFileSync(out, text);
  }
  return dir;
}
