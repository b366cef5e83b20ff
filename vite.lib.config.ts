// Builds the engine as plain ESM for Node and bundlers: dist/index.js (engine), dist/node.js
// (Dawn helper), dist/reference.js (float64 references), dist/cli.js (npm run experiment).
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
        cli: 'src/cli/experiment.ts',
        reference: 'src/reference/index.ts',
      },
      formats: ['es'],
    },
    rollupOptions: {
      external: ['webgpu', /^@tensorflow\//, ...builtinModules, ...builtinModules.map((m) => `node:${m}`)],
    },
  },
});
