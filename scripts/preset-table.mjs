// node scripts/preset-table.mjs [--seed S] [--only name,...]   |   node scripts/preset-table.mjs --print FILE
// Runs both nets of every training preset of the demo (demo/trainPresets.json) with
// `initscope train` on MNIST, writes bench/results/<date>-presets-<adapter>.json and prints the
// README's preset table from it; --print prints the table of a stored file. Needs `npm run build`.
import { readFileSync } from 'node:fs';
import { saveResult } from '../bench/resultFile.mjs';
import { runHeader, trainJson } from './trainRuns.mjs';

// The demo's training defaults (demo/trainState.ts TRAIN_DEFAULTS) that a preset does not set.
const DEFAULTS = { net: 'mlp', width: 128, batch: 64, seed: 0, optimizer: 'sgd', lr: 0.1, norm: 'none' };

const args = process.argv.slice(2);
const option = (name) => { const i = args.indexOf(name); return i >= 0 ? args[i + 1] : undefined; };

/** The CLI flags of one side of a preset. */
function flags(shared, side, seed) {
  const c = { ...DEFAULTS, ...shared, ...side, seed };
  return ['--dataset', 'mnist', '--net', c.net, '--act', c.act, '--init', c.init, ...(c.init === 'normal' ? ['--std', String(c.std)] : []),
    '--norm', c.norm, '--optimizer', c.optimizer, '--lr', String(c.lr), '--width', String(c.width), '--layers', String(c.layers),
    '--batch', String(c.batch), '--steps', String(c.steps), '--seed', String(c.seed)];
}

const pct = (x) => `${(100 * x).toFixed(1)}%`;

function printTable(stored) {
  console.log(`| preset | A | B | test accuracy A vs B (${stored.date}, ${stored.adapter.description}, seed ${stored.seed}) |`);
  console.log('| --- | --- | --- | --- |');
  for (const r of stored.results) {
    console.log(`| ${r.preset} | ${r.a.label} | ${r.b.label} | ${pct(r.a.testAccuracy)} vs ${pct(r.b.testAccuracy)} |`);
  }
}

const label = (shared, side) => {
  const c = { ...DEFAULTS, ...shared, ...side };
  const init = c.init === 'normal' ? `N(0, ${c.std}^2)` : c.init;
  const shape = c.net === 'lenet5' ? 'LeNet-5' : `${c.layers} x ${c.width}`;
  return `${c.act}, ${init}${c.norm !== 'none' ? ` + ${c.norm} norm` : ''}, ${c.optimizer} ${c.lr}; ${shape}, ${c.steps} steps`;
};

if (option('--print')) {
  printTable(JSON.parse(readFileSync(option('--print'), 'utf8')));
} else {
  const seed = Number(option('--seed') ?? 0);
  const only = option('--only')?.split(',');
  const presets = JSON.parse(readFileSync('demo/trainPresets.json', 'utf8')).filter((p) => !only || only.includes(p.name));
  const results = [];
  let adapter;
  for (const p of presets) {
    const row = { preset: p.name };
    for (const side of ['a', 'b']) {
      const f = flags(p.shared, p[side], seed);
      const r = trainJson(f);
      adapter = r.adapter;
      row[side] = { label: label(p.shared, p[side]), flags: f.join(' '), testAccuracy: r.testAccuracy, steps: r.steps, seconds: r.seconds,
        ...(r.stopped ? { stopped: r.stopped } : {}) };
      console.error(`${p.name} ${side.toUpperCase()}: ${pct(r.testAccuracy)} (${r.seconds.toFixed(0)} s)`);
    }
    results.push(row);
  }
  const stored = { ...runHeader(adapter), seed, results };
  const file = saveResult('bench/results', { date: stored.date, kind: 'presets', adapter }, stored);
  printTable(stored);
  console.log(`results: ${file}`);
}
