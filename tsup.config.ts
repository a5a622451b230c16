import { defineConfig } from "tsup";

export default defineConfig({
  entry: { index: "src/index.ts", testing: "src/testing/index.ts", cli: "src/cli/main.ts" },
  format: ["esm", "cjs"],
  // tsup 8.5.1 injects `baseUrl` into the dts compiler options, which TypeScript 6 rejects
  // (TS5101) unless deprecations are ignored.
  dts: {
    entry: { index: "src/index.ts", testing: "src/testing/index.ts" },
    compilerOptions: { ignoreDeprecations: "6.0" },
  },
  sourcemap: true,
  clean: true,
  target: "node20",
  splitting: false,
});
