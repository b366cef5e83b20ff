// The lecture's claim, measured once at the CLI's example flags (MNIST, 6 tanh hidden layers of
// 128, batch 64, 1000 SGD steps at lr 0.1, seed 0): Xavier learns (>= 0.90 test accuracy;
// PyTorch 0.941), small random weights (0.01) do not (<= 0.20; PyTorch 0.113), and batch norm
// rescues them (>= 0.85; PyTorch 0.915); and LeNet-5 learns (>= 0.88 after 200 steps; PyTorch 0.944
// after 300). One to three minutes each on two CPU cores (SwiftShader).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const bin = fileURLToPath(new URL('../../bin/initscope.mjs', import.meta.url));
const FLAGS = ['--dataset', 'mnist', '--act', 'tanh', '--layers', '6', '--width', '128', '--batch', '64', '--steps', '1000',
  '--optimizer', 'sgd', '--lr', '0.1', '--seed', '0', '--json'];

function train(init, extra = []) {
  const out = execFileSync(process.execPath, [bin, 'train', '--init', init, ...extra, ...FLAGS], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], maxBuffer: 64 << 20 });
  const result = JSON.parse(out);
  console.log(`# ${init}${extra.length ? ` ${extra.join(' ')}` : ''}: test accuracy ${result.testAccuracy.toFixed(4)} after ${result.steps} steps in ${result.seconds.toFixed(1)} s`);
  return result;
}

test('xavier + tanh learns MNIST (test accuracy >= 0.90)', () => {
  const r = train('xavier');
  assert.equal(r.steps, 1000);
  assert.ok(r.testAccuracy >= 0.9, `xavier: ${r.testAccuracy}`);
});

test('small (0.01) + tanh does not learn (test accuracy <= 0.20)', () => {
  const r = train('small');
  assert.ok(r.testAccuracy <= 0.2, `small: ${r.testAccuracy}`);
  const losses = r.history.map((h) => h.loss);
  assert.ok(Math.min(...losses.slice(-100)) > 2.0, 'the loss stays near ln 10 = 2.30');
});

test('small (0.01) + tanh + batch norm learns (test accuracy >= 0.85)', () => {
  const r = train('small', ['--norm', 'batch']);
  assert.ok(r.testAccuracy >= 0.85, `small + batch norm: ${r.testAccuracy}`);
});

test('LeNet-5 (ReLU, Kaiming with Din = Cin kh kw) learns MNIST: test accuracy >= 0.88 after 200 SGD-momentum steps', () => {
  const out = execFileSync(process.execPath, [bin, 'train', '--net', 'lenet5', '--act', 'relu', '--init', 'kaiming', '--optimizer', 'sgd',
    '--lr', '0.01', '--momentum', '0.9', '--batch', '64', '--steps', '200', '--seed', '0', '--json'],
  { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], maxBuffer: 64 << 20 });
  const r = JSON.parse(out);
  console.log(`# lenet5: test accuracy ${r.testAccuracy.toFixed(4)} after ${r.steps} steps in ${r.seconds.toFixed(1)} s`);
  assert.equal(r.steps, 200);
  assert.ok(r.testAccuracy >= 0.88, `lenet5: ${r.testAccuracy}`);
});
