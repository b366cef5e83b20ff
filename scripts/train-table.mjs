// node scripts/train-table.mjs [--seeds 0,3] [--rows name,...] [--out file.json]
// Runs the rows of design.md section 6 (MNIST, 6 tanh hidden layers of 128, batch 64, 1000 steps)
// and the He et al. 2015 30-layer ReLU experiment with `initscope train --json`, and prints the
// README's table of test accuracies. Needs `npm run build` (or `npm run train` once) first.
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';

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
};
const args = process.argv.slice(2);
const option = (name, fallback) => { const i = args.indexOf(name); return i >= 0 ? args[i + 1] : fallback; };
const seeds = option('--seeds', '0,3').split(',').map(Number);
const rows = option('--rows', Object.keys(ROWS).join(',')).split(',');
const out = option('--out');
const results = [];
for (const row of rows) {
  for (const seed of seeds) {
    const flags = ['train', '--dataset', 'mnist', '--act', 'tanh', '--layers', '6', '--width', '128', '--batch', '64', '--steps', '1000',
      '--lr', '0.1', ...ROWS[row], '--seed', String(seed), '--json'];
    const r = JSON.parse(execFileSync(process.execPath, ['bin/initscope.mjs', ...flags], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], maxBuffer: 256 << 20 }));
    results.push({ row, seed, testAccuracy: r.testAccuracy, seconds: r.seconds, stopped: r.stopped, adapter: r.adapter.description });
    console.error(`${row} seed ${seed}: ${r.testAccuracy.toFixed(3)} (${r.seconds.toFixed(0)} s)`);
    if (out) writeFileSync(out, JSON.stringify({ date: new Date().toISOString().slice(0, 10), results }, null, 2));
  }
}
console.log(`| setup | ${seeds.map((s) => `seed ${s}`).join(' | ')} |`);
console.log(`| --- | ${seeds.map(() => '---').join(' | ')} |`);
for (const row of rows) console.log(`| ${row} | ${seeds.map((s) => results.find((r) => r.row === row && r.seed === s).testAccuracy.toFixed(3)).join(' | ')} |`);
