// node scripts/train-table.mjs [--seeds 0,3] [--rows name,...]   |   node scripts/train-table.mjs --print FILE
// Runs the rows of design.md section 6 (MNIST, 6 tanh hidden layers of 128, batch 64, 1000 steps)
// and the He et al. 2015 30-layer ReLU experiment with `initscope train`, writes
// bench/results/<date>-train-table-<adapter>.json and prints the README's table from it; --print
// prints the table of a stored file. Needs `npm run build` (or `npm run train` once) first.
import { readFileSync } from 'node:fs';
import { saveResult } from '../bench/resultFile.mjs';
import { runHeader, trainJson } from './trainRuns.mjs';

const ROWS = {
  xavier: ['--init', 'xavier'],
  small: ['--init', 'small'],
  'small+batchnorm': ['--init', 'small', '--norm', 'batch'],
  'small+layernorm': ['--init', 'small', '--norm', 'layer'],
  kaiming: ['--init', 'kaiming'],
  'xavier+adam': ['--init', 'xavier', '--optimizer', 'adam', '--lr', '0.001'],
  'small+adam': ['--init', 'small', '--optimizer', 'adam', '--lr', '0.001'],
  'xavier+momentum': ['--init', 'xavier', '--momentum', '0.9', '--lr', '0.01'],
  'he30-xavier': ['--init', 'xavier', '--act', 'relu', '--layers', '30', '--lr', '0.01'],
  'he30-kaiming': ['--init', 'kaiming', '--act', 'relu', '--layers', '30', '--lr', '0.01'],
  // The lecture's width: three steps (the README's "3 steps take the loss from ... to ...").
  width4096: ['--init', 'xavier', '--width', '4096', '--steps', '3', '--every', '1'],
};
const BASE = ['--dataset', 'mnist', '--act', 'tanh', '--layers', '6', '--width', '128', '--batch', '64', '--steps', '1000', '--lr', '0.1'];

const args = process.argv.slice(2);
const option = (name, fallback) => { const i = args.indexOf(name); return i >= 0 ? args[i + 1] : fallback; };

function printTable(stored) {
  const seeds = [...new Set(stored.results.map((r) => r.seed))];
  const rows = [...new Set(stored.results.map((r) => r.row))];
  console.log(`${stored.date}, ${stored.adapter.description}: test accuracy`);
  console.log(`| setup | ${seeds.map((s) => `seed ${s}`).join(' | ')} |`);
  console.log(`| --- | ${seeds.map(() => '---').join(' | ')} |`);
  for (const row of rows) {
    const cell = (s) => stored.results.find((r) => r.row === row && r.seed === s)?.testAccuracy.toFixed(3) ?? '-';
    console.log(`| ${row} | ${seeds.map(cell).join(' | ')} |`);
  }
}

if (option('--print')) {
  printTable(JSON.parse(readFileSync(option('--print'), 'utf8')));
} else {
  const seeds = option('--seeds', '0,3').split(',').map(Number);
  const rows = option('--rows', Object.keys(ROWS).join(',')).split(',');
  const results = [];
  let adapter;
  for (const row of rows) {
    for (const seed of seeds) {
      // The row's flags come after the base ones, so they win (parseArgs keeps the last value).
      const flags = [...BASE, ...ROWS[row], '--seed', String(seed)];
      const r = trainJson(flags);
      adapter = r.adapter;
      results.push({ row, seed, flags: flags.join(' '), testAccuracy: r.testAccuracy, testLoss: r.testLoss, losses: r.history.length <= 10 ? r.history.map((h) => h.loss) : undefined,
        finalLoss: r.history.at(-1)?.loss,
        seconds: r.seconds, ...(r.stopped ? { stopped: r.stopped } : {}) });
      console.error(`${row} seed ${seed}: ${r.testAccuracy.toFixed(3)} (${r.seconds.toFixed(0)} s)`);
    }
  }
  const stored = { ...runHeader(adapter), results };
  const file = saveResult('bench/results', { date: stored.date, kind: 'train-table', adapter }, stored);
  printTable(stored);
  console.log(`results: ${file}`);
}
