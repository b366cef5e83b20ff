// The benchmark in the browser (npm run bench -- --browser drives this page in headless
// Chromium): options from the query string, progress in the page, the result on window.
import { createEngine } from '../src/index';
import { DEFAULT_OPTIONS, formatBench, runBench, type BenchOptions, type BenchResult } from './run';

declare global { interface Window { benchResult?: BenchResult; benchError?: string } }

const logElement = document.getElementById('log')!;
const log = (line: string) => { logElement.textContent += `\n${line}`; console.log(line); };

async function main(): Promise<void> {
  const query = new URLSearchParams(location.search);
  const options: BenchOptions = { ...DEFAULT_OPTIONS };
  for (const key of ['width', 'layers', 'batch', 'steps', 'warmup', 'square'] as const) {
    const raw = query.get(key);
    if (raw !== null && /^\d+$/.test(raw)) options[key] = Number(raw);
  }
  options.peer = query.get('peer') !== '0';
  options.sweep = query.get('sweep') === '1';
  logElement.textContent = 'running';
  const engine = await createEngine();
  const result = await runBench(engine, navigator.gpu, options, 'browser', log);
  for (const line of formatBench(result)) log(line);
  window.benchResult = result;
  engine.destroy();
}

main().catch((e: unknown) => { window.benchError = String((e as Error).stack ?? e); log(window.benchError); });
