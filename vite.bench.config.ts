// Builds the Node benchmark into bench-dist/bench.js with its peer (tfjs) bundled in, so it runs
// on a GPU machine that has only Node and Dawn (see ../shared/gpu/README.md).
import { defineConfig } from 'vite';
import { builtinModules } from 'node:module';

export default defineConfig({
  build: {
    outDir: 'bench-dist',
    emptyOutDir: true,
    target: 'node20',
    minify: false,
    lib: { entry: { bench: 'bench/bench.ts' }, formats: ['es'] },
    rollupOptions: {
      external: ['webgpu', ...builtinModules, ...builtinModules.map((m) => `node:${m}`)],
      // tfjs's CommonJS parts call require() for Node built-ins.
      output: { banner: "import { createRequire as __initscopeRequire } from 'node:module'; const require = __initscopeRequire(import.meta.url);" },
    },
  },
});
