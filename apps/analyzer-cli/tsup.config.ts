import { defineConfig } from 'tsup';

// One self-contained ESM bundle (no node_modules needed at run time, e.g. in the analysis image):
// dist/bin.js plus code-split chunks for the modules commands import lazily, so that
// `image-factory --version` loads only commander and the program.
export default defineConfig({
  entry: { bin: 'src/bin.ts' },
  format: ['esm'],
  platform: 'node',
  target: 'node20',
  outDir: 'dist',
  clean: true,
  splitting: true,
  bundle: true,
  noExternal: [/.*/],
  sourcemap: true,
  dts: false,
  minify: false,
  shims: false,
  // Bundled CommonJS dependencies (dockerfile-ast, commander) call require() for Node built-ins.
  banner: {
    js: "import { createRequire as __ifCreateRequire } from 'node:module';\nconst require = __ifCreateRequire(import.meta.url);",
  },
});
