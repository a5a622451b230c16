import { defineConfig } from "tsup";

export default defineConfig([
  {
    entry: { index: "src/index.ts", testing: "src/testing/index.ts" },
    format: ["esm", "cjs"],
    // tsup 8.5.1 injects `baseUrl` into the dts compiler options, which TypeScript 6 rejects
    // (TS5101) unless deprecations are ignored.
    dts: { compilerOptions: { ignoreDeprecations: "6.0" } },
    sourcemap: true,
    // Each build cleans only its own files: the two run side by side.
    clean: ["index.*", "testing.*"],
    target: "node20",
    splitting: false,
  },
  {
    // The CLI is one self-contained file: loading chevrotain's hundreds of ES modules from
    // node_modules took about 0.3 s of every run.
    entry: { cli: "src/cli/main.ts" },
    format: ["esm"],
    noExternal: [/./],
    // `yaml` is CommonJS under Node; its bundled `require` calls need a real `require`.
    banner: { js: 'import { createRequire } from "node:module"; const require = createRequire(import.meta.url);' },
    sourcemap: true,
    clean: ["cli.*"],
    target: "node20",
    splitting: false,
  },
]);
