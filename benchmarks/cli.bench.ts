/**
 * CLI start-up and whole runs on the bundled example: wall time of `node dist/cli.js …` as a
 * person (or a test) pays it, for the shipped single-file CLI and for the same CLI built with its
 * npm dependencies left external (loaded from node_modules, as the library's consumers load them).
 * Both variants run alternately in this one process, so their ratio shares the machine's load.
 *
 * Needs `npm run build` first (it times the shipped dist/cli.js).
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { build } from "esbuild";
import { formatDuration } from "./harness.js";
import { ascending, describeLoad, percentile } from "./measure.js";

const SHIPPED = "dist/cli.js";
const EXTERNAL = "temp/bench/cli-external.mjs";
const RUNS = 15;
const COMMANDS: readonly (readonly string[])[] = [
  ["--help"],
  ["eval", "all()", "--data", "examples/federation"],
  ["policy", "payments/default.postgres-ingress", "--data", "examples/federation"],
  ["ipsets", "--data", "examples/federation"],
];

if (!existsSync(SHIPPED)) {
  console.error(`${SHIPPED} is missing: run npm run build first`);
  process.exit(1);
}
await build({
  entryPoints: ["src/cli/main.ts"],
  outfile: EXTERNAL,
  bundle: true,
  format: "esm",
  platform: "node",
  target: "node20",
  packages: "external",
  logLevel: "warning",
});

/** Wall time of one run, in milliseconds; fails loudly if the CLI fails (exit 2). */
function timeRun(cli: string, args: readonly string[]): number {
  const started = performance.now();
  const result = spawnSync(process.execPath, [path.resolve(cli), ...args], { encoding: "utf8" });
  const elapsed = performance.now() - started;
  if (result.status !== 0 && result.status !== 1) throw new Error(`${cli} ${args.join(" ")}: ${result.stderr}`);
  return elapsed;
}

console.log(`CLI wall time, ${RUNS} runs each, variants alternating (${describeLoad()})\n`);
console.log("command".padEnd(78), "shipped p50/p90".padEnd(22), "external p50/p90".padEnd(22), "ratio p50");
for (const args of COMMANDS) {
  const shipped: number[] = [];
  const external: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    shipped.push(timeRun(SHIPPED, args));
    external.push(timeRun(EXTERNAL, args));
  }
  const s = ascending(shipped);
  const e = ascending(external);
  const p50 = (xs: Float64Array) => percentile(xs, 50);
  const span = (xs: Float64Array) => `${formatDuration(p50(xs))} / ${formatDuration(percentile(xs, 90))}`;
  console.log(
    `fedcalc ${args.join(" ")}`.padEnd(78),
    span(s).padEnd(22),
    span(e).padEnd(22),
    `${(p50(e) / p50(s)).toFixed(2)}× faster`,
  );
}
