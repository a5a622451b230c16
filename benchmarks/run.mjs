/**
 * Runs the benchmark suites: `node benchmarks/run.mjs [name-filter…]` (npm run bench).
 *
 * Each `benchmarks/*.bench.ts` is bundled with esbuild into `temp/bench/*.mjs`, then run in its
 * own `node --expose-gc` process, one after another, with its output streamed as it comes.
 * Arguments, if any, keep only the suites whose file name contains one of them.
 *
 * Why bundle instead of running the TypeScript through tsx: tsx (esbuild with `keepNames`) wraps
 * every inline closure in `__name(...)`, and chevrotain's parser — whose grammar rules are inline
 * closures it calls on every parse — runs about ten times slower that way than in the built
 * library. This bundle matches the library build (tsup: esbuild, ESM, Node 20, no keepNames), and
 * leaves every npm package external, so chevrotain and friends load from node_modules as a
 * consumer's would.
 *
 * Exits non-zero if a bundle fails to build or a suite fails (non-zero exit or signal).
 */
import { spawn } from "node:child_process";
import { mkdir, readdir, rm } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, "..");
const outdir = path.join(root, "temp", "bench");
const filters = process.argv.slice(2);

const suites = (await readdir(here))
  .filter((file) => file.endsWith(".bench.ts"))
  .filter((file) => filters.length === 0 || filters.some((filter) => file.includes(filter)))
  .sort();
if (suites.length === 0) {
  console.error(`no benchmark suites match ${filters.length === 0 ? "benchmarks/*.bench.ts" : filters.join(", ")}`);
  process.exit(1);
}

await rm(outdir, { recursive: true, force: true });
await mkdir(outdir, { recursive: true });
await build({
  entryPoints: suites.map((file) => path.join(here, file)),
  outdir,
  outExtension: { ".js": ".mjs" },
  bundle: true,
  format: "esm",
  platform: "node",
  target: "node20",
  packages: "external",
  keepNames: false,
  sourcemap: "linked",
  logLevel: "warning",
});

/** Runs one bundled suite and resolves with a failure description, or undefined on success. */
function runSuite(file) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ["--expose-gc", "--enable-source-maps", file], {
      cwd: root,
      stdio: "inherit",
    });
    child.on("error", (error) => resolve(`could not start: ${error.message}`));
    child.on("exit", (code, signal) => {
      if (signal !== null) resolve(`killed by ${signal}`);
      else if (code !== 0) resolve(`exit code ${code}`);
      else resolve(undefined);
    });
  });
}

const failures = [];
for (const suite of suites) {
  const bundle = path.join(outdir, suite.replace(/\.ts$/, ".mjs"));
  console.log(`\n=== ${suite} ===\n`);
  const started = performance.now();
  const failure = await runSuite(bundle);
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  if (failure === undefined) {
    console.log(`\n=== ${suite}: done in ${seconds} s ===`);
  } else {
    console.error(`\n=== ${suite}: FAILED (${failure}) after ${seconds} s ===`);
    failures.push(suite);
  }
}

if (failures.length > 0) {
  console.error(`\n${failures.length} of ${suites.length} benchmark suites failed: ${failures.join(", ")}`);
  process.exit(1);
}
