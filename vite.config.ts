// Dev server for the demo (npm start -> /demo/) and the test harness (/e2e/harness.html), and the
// static build of the demo (npm run build -> site/, relative paths so any static host serves it).
import { defineConfig } from 'vite';

export default defineConfig({
  base: './',
  server: { port: 5173, strictPort: false },
  build: {
    outDir: 'site',
    emptyOutDir: true,
    target: 'es2022',
    rollupOptions: { input: { demo: 'demo/index.html' } },
  },
});
