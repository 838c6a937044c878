// Runs the net benchmark suite alone and prints its table:
//   node toolchain/bin/run-ts.mjs tests/net/bench/run.ts [--rounds N]
import { formatTable } from "../../bench/suite.ts";
import { net } from "./suite.ts";

const i = process.argv.indexOf("--rounds");
const rounds = i > 0 ? Number(process.argv[i + 1]) : undefined;
const tables = await net.run({ log: (l) => console.error(l), rounds });
for (const t of tables) console.log(formatTable(t));
