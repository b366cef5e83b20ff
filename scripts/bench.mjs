// npm run bench [-- options]: the Node benchmark (bench-dist/bench.js, built first), or with
// --browser the same benchmark in headless Chromium with WebGPU (the system's browser), served by
// Vite. Both write bench/results/<date>-<runtime>-<adapter>[-width<N>].json and print the table.
import { execSync, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { saveResult } from '../bench/resultFile.mjs';
import { URLSearchParams } from 'node:url';

const args = process.argv.slice(2);
const run = (cmd) => execSync(cmd, { stdio: 'inherit' });

if (!args.includes('--browser')) {
  run('npx vite build --config vite.bench.config.ts --logLevel warn');
  const child = spawn(process.execPath, ['bench-dist/bench.js', ...args], { stdio: 'inherit' });
  child.on('exit', (code) => process.exit(code ?? 1));
} else {
  const rest = args.filter((a) => a !== '--browser');
  const query = new URLSearchParams();
  let out = 'bench/results';
  for (let i = 0; i < rest.length; i++) {
    const flag = rest[i];
    if (['--width', '--layers', '--batch', '--steps', '--warmup', '--square'].includes(flag)) query.set(flag.slice(2), rest[++i]);
    else if (flag === '--no-peer') query.set('peer', '0');
    else if (flag === '--sweep') query.set('sweep', '1');
    else if (flag === '--out') out = rest[++i];
    else { console.error(`bench --browser: unknown option ${flag}`); process.exit(2); }
  }
  const { chromium } = await import('playwright-core');
  const { executablePath } = JSON.parse(readFileSync('node_modules/.initscope/browser.json', 'utf8'));
  const port = 5197;
  const server = spawn('npx', ['vite', '--port', String(port), '--strictPort', '--logLevel', 'warn'], {
    stdio: 'inherit', env: { ...process.env, INITSCOPE_TEST: '1' }, detached: true,
  });
  const stop = () => { try { process.kill(-server.pid); } catch { /* already gone */ } };
  try {
    const url = `http://localhost:${port}/bench/browser.html?${query}`;
    for (let i = 0; ; i++) {
      try { await fetch(url); break; } catch { if (i > 120) throw new Error('vite did not start'); await new Promise((r) => setTimeout(r, 500)); }
    }
    const browser = await chromium.launch({ executablePath, args: ['--enable-unsafe-webgpu', '--enable-features=Vulkan',
      '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-quic', '--no-first-run'] });
    const page = await browser.newPage();
    page.on('console', (m) => console.error(m.text()));
    await page.goto(url);
    await page.waitForFunction(() => window.benchResult || window.benchError, undefined, { timeout: 60 * 60_000, polling: 1000 });
    const { result, error } = await page.evaluate(() => ({ result: window.benchResult, error: window.benchError }));
    await browser.close();
    if (error) throw new Error(error);
    const suffix = result.options.width === 4096 ? '' : `-width${result.options.width}`;
    console.log(`results: ${saveResult(out, { date: result.date, kind: 'browser', adapter: result.adapter, suffix }, result)}`);
  } finally {
    stop();
  }
}
