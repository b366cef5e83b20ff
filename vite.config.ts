// Dev server for the demo (npm start -> /demo/) and the test harness (/e2e/harness.html), and the
// static build of the demo (npm run build -> site/, relative paths so any static host serves it).
import { defineConfig } from 'vite';

// Under the tests (INITSCOPE_TEST=1) the server neither watches files nor reloads pages, so
// editing the project while a long GPU test runs cannot navigate its page away.
const testing = process.env.INITSCOPE_TEST === '1';

export default defineConfig({
  base: './',
  server: { port: 5173, strictPort: false, hmr: !testing, watch: testing ? null : undefined },
  // The training worker (demo/trainWorker.ts) loads the data module on demand: an ES module worker.
  worker: { format: 'es' },
  build: {
    outDir: 'site',
    emptyOutDir: true,
    target: 'es2022',
    rollupOptions: { input: { demo: 'demo/index.html' } },
  },
});
