/**
 * The `morgana run` command line (toolchain/cli.ts dispatches `run` here):
 * the app, the runner's own options, then `--` and the image's boot
 * arguments, passed on untouched.
 */
import path from "node:path";
import { projectRoot } from "../../project.ts";
import { listApps, loadApp } from "../../app/index.ts";
import { checkBind, parsePortMap, runApp } from "./run.ts";

export const runUsage = `  morgana run APP|DIR [--watch] [--bind ADDRESS] [--map-port GUEST=HOST]... [--OPTION DIR] [--tls-cert FILE --tls-key FILE] [--tls-ca FILE] [-- BOOT ARGS]
      Build apps/APP (or the app in DIR) for the node target (Wasm in Node, no gcc, no KVM, no
      root) and run it on the host's sockets: TCP and UDP on ADDRESS
      (127.0.0.1 by default), each guest port on the same host port unless
      mapped (--map-port 53=5353). Boot arguments are the same as on hvt
      (-- --port=8080). --watch rebuilds and restarts on every save.`;

/** An app's name (apps/NAME of the project: this repository, or one that
 * depends on morgana) or a folder path (with a '/'). */
function appDir(app: string): string {
  return app.includes("/") ? path.resolve(app) : path.join(projectRoot(), "apps", app);
}

export async function runCommand(argv: string[]): Promise<number> {
  const dash = argv.indexOf("--");
  const own = dash < 0 ? argv : argv.slice(0, dash);
  const bootArgs = dash < 0 ? [] : argv.slice(dash + 1);
  const apps = listApps(path.join(projectRoot(), "apps"));
  let app: string | undefined;
  let watch = false;
  let bind = "127.0.0.1";
  const maps: string[] = [];
  const assetDirs: Record<string, string> = {};
  let tlsCa: string | undefined;
  let tlsCert: string | undefined, tlsKey: string | undefined;
  const fail = (why: string): number => {
    console.error(`morgana run: ${why}\nusage:\n${runUsage}`);
    return 2;
  };
  for (let i = 0; i < own.length; i++) {
    const [name, inline] = own[i].includes("=") ? [own[i].slice(0, own[i].indexOf("=")), own[i].slice(own[i].indexOf("=") + 1)] : [own[i], undefined];
    const value = () => inline ?? own[++i];
    if (!name.startsWith("--")) {
      if (app) return fail(`one app at a time (${app} and ${name}); boot arguments go after --`);
      app = name;
    } else if (name === "--watch") watch = true;
    else if (name === "--bind") bind = value() ?? "";
    else if (name === "--map-port") maps.push(value() ?? "");
    else if (name === "--tls-ca") tlsCa = value() ?? "";
    else if (name === "--tls-cert") tlsCert = value() ?? "";
    else if (name === "--tls-key") tlsKey = value() ?? "";
    else if (app && loadApp(appDir(app)).assets?.option === name.slice(2)) assetDirs[name.slice(2)] = value() ?? "";
    else return fail(`unknown option ${name} (boot arguments go after --, e.g. morgana run website -- --port=8080)`);
  }
  if (!app) return fail(`which app? (apps: ${apps.join(", ")})`);
  if ((tlsCert === undefined) !== (tlsKey === undefined)) return fail("give both --tls-cert FILE and --tls-key FILE, or neither");
  const tls = tlsCert !== undefined && tlsKey !== undefined ? { cert: tlsCert, key: tlsKey } : undefined;
  if (!app.includes("/") && !apps.includes(app)) return fail(`no app "${app}" under apps/ (apps: ${apps.join(", ")}; or give a folder path)`);
  try {
    return await runApp({ appDir: appDir(app), bootArgs, watch, bind: checkBind(bind), ports: parsePortMap(maps), assetDirs, tls, tlsCa });
  } catch (e) {
    if (e instanceof Error && /^--/.test(e.message)) return fail(e.message);
    throw e;
  }
}
