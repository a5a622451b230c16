// Checks the built package as a consumer sees it: both entry points load through `import` and
// `require`, and the root entry bundles for a browser (no Node built-ins reachable from it).
import { createRequire } from "node:module";
import { build } from "esbuild";

const require = createRequire(import.meta.url);
const failures = [];

for (const entry of ["index", "testing"]) {
  try {
    const esm = await import(`../dist/${entry}.js`);
    const cjs = require(`../dist/${entry}.cjs`);
    if (Object.keys(esm).sort().join() !== Object.keys(cjs).sort().join()) {
      failures.push(`dist/${entry}: ESM and CJS export different names`);
    }
  } catch (error) {
    failures.push(`dist/${entry}: failed to load: ${error.message}`);
  }
}

const { parseSelector } = await import("../dist/index.js");
if (parseSelector("all()").uniqueId !== "s:5y5I3VdRZfDU01O--xXAPx2yxCQQqMf0M6IWug") {
  failures.push("dist/index.js: parseSelector('all()') has the wrong unique ID");
}

try {
  await build({ entryPoints: ["dist/index.js"], bundle: true, platform: "browser", write: false, logLevel: "silent" });
} catch (error) {
  failures.push(`dist/index.js does not bundle for browsers: ${error.message}`);
}

for (const failure of failures) console.error(failure);
if (failures.length > 0) process.exit(1);
console.log("dist: ESM and CJS entries load; the root entry bundles for browsers");
