// Builds the engine as plain ESM for Node and bundlers: dist/index.js (engine), dist/node.js
// (Dawn helper), dist/data.js (datasets), dist/reference.js (float64 references), dist/cli.js (the
// `initscope` command) and dist/testing.js (test-only hooks, not exported by the package).
// WGSL sources are inlined as strings, so the output needs nothing from shaders/ at run time.
import { defineConfig } from 'vite';
import { builtinModules } from 'node:module';

export default defineConfig({
  build: {
    outDir: 'dist',
    emptyOutDir: false,
    target: 'node20',
    minify: false,
    sourcemap: true,
    lib: {
      entry: {
        index: 'src/index.ts',
        node: 'src/node/index.ts',
        data: 'src/data/index.ts',
        cli: 'src/cli/main.ts',
        reference: 'src/reference/index.ts',
        testing: 'src/testing.ts',
      },
      formats: ['es'],
    },
    rollupOptions: {
      external: ['webgpu', 'mnist', 'papaparse', /^@tensorflow\//, ...builtinModules, ...builtinModules.map((m) => `node:${m}`)],
    },
  },
});
