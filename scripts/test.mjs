// The test step of `npm test`: the Node tests (test/node, on Dawn, two files at a time) and the
// browser tests (Playwright, headless Chromium) run at once: on a machine without a GPU both are
// mostly pipeline compiling and kernels on the CPU, and together they keep every core busy where
// one suite after the other left cores idle (docs/tests.md has the measured times). Their lines
// are prefixed [node] and [browser], and each suite's output is also kept whole in
// test-logs/{node,browser}.log. The tests tagged @timing (the page's main thread measured while it
// trains) run alone after both. Exits non-zero when any fails, after all have finished.
import { spawn } from 'node:child_process';
import { createWriteStream, mkdirSync, readdirSync } from 'node:fs';
import { createInterface } from 'node:readline';

// Node's files two at a time, the longest first (the reading list's presets, then the claims), so
// the last minutes are not one long file on one core.
const LONGEST = ['reproduce', 'claim', 'robustness', 'engine'].map((f) => `test/node/${f}.test.mjs`);
const nodeFiles = [...LONGEST, ...readdirSync('test/node').filter((f) => f.endsWith('.test.mjs')).map((f) => `test/node/${f}`).filter((f) => !LONGEST.includes(f))];
const SUITES = [
  { name: 'node', command: process.execPath, args: ['--test', '--test-concurrency=2', '--test-reporter=spec', ...nodeFiles] },
  { name: 'browser', command: 'npx', args: ['playwright', 'test', '--grep-invert', '@timing'] },
];
/** Tests that time the page's main thread: alone, after both suites. */
const ALONE = { name: 'timing', command: 'npx', args: ['playwright', 'test', '--grep', '@timing'] };

mkdirSync('test-logs', { recursive: true });
const started = performance.now();
const minutes = () => ((performance.now() - started) / 60_000).toFixed(1);

function run({ name, command, args }) {
  return new Promise((resolve) => {
    const log = createWriteStream(`test-logs/${name}.log`);
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, FORCE_COLOR: '0' } });
    for (const stream of [child.stdout, child.stderr]) {
      createInterface({ input: stream }).on('line', (line) => {
        log.write(`${line}\n`);
        process.stdout.write(`[${name}] ${line}\n`);
      });
    }
    child.on('close', (code, signal) => {
      log.end();
      console.log(`[${name}] finished after ${minutes()} min: ${code === 0 ? 'passed' : `FAILED (exit ${code ?? signal})`}`);
      resolve(code === 0);
    });
  });
}

const results = [...await Promise.all(SUITES.map(run)), await run(ALONE)];
const names = [...SUITES, ALONE].map((s) => s.name);
console.log(`tests: ${minutes()} min; ${names.map((name, i) => `${name} ${results[i] ? 'passed' : 'FAILED'}`).join(', ')} (logs in test-logs/)`);
process.exit(results.every(Boolean) ? 0 : 1);
