// Tests run in a real browser: headless Chromium with WebGPU (SwiftShader where there is no GPU).
// The browser is the system's (scripts/setup.mjs finds or installs it); nothing is downloaded.
import { defineConfig } from '@playwright/test';
import { existsSync, readFileSync } from 'node:fs';

const found = 'node_modules/.initscope/browser.json';
const executablePath = process.env.CHROME_PATH
  ?? (existsSync(found) ? (JSON.parse(readFileSync(found, 'utf8')) as { executablePath: string }).executablePath : '/usr/bin/chromium');

export const CHROMIUM_ARGS = [
  '--enable-unsafe-webgpu', '--enable-features=Vulkan', '--disable-background-networking', '--disable-component-update',
  '--disable-sync', '--disable-quic', '--no-first-run', '--disable-dev-shm-usage',
];

// INITSCOPE_TEST_PORT lets two checkouts run their suites side by side.
const PORT = Number(process.env.INITSCOPE_TEST_PORT ?? 5179);

export default defineConfig({
  testDir: 'e2e',
  timeout: 15 * 60_000,
  // The Node suite runs beside this one (scripts/test.mjs): the page's steps may wait for the cores.
  expect: { timeout: 30_000 },
  workers: 1,
  fullyParallel: false,
  reporter: [['list']],
  outputDir: 'test-results',
  use: {
    baseURL: `http://localhost:${PORT}`,
    browserName: 'chromium',
    launchOptions: { executablePath, args: CHROMIUM_ARGS },
    screenshot: 'only-on-failure',
  },
  webServer: {
    command: `INITSCOPE_TEST=1 npx vite --port ${PORT} --strictPort --logLevel warn`,
    url: `http://localhost:${PORT}/e2e/harness.html`,
    reuseExistingServer: false,
    timeout: 120_000,
  },
});
