// The lecture's claim, measured once at the CLI's example flags (MNIST, 6 tanh hidden layers of
// 128, batch 64, SGD at lr 0.1, seed 0): batch norm rescues small random weights (0.01) (>= 0.85
// after 300; PyTorch 0.915 after 1000); and LeNet-5 learns (>= 0.88 after 100 steps, 0.914 on 2026-12-07; PyTorch 0.944
// after 300). Xavier learning (>= 0.90 after 300 steps) and small weights not learning are
// asserted once, side by side, in e2e/train.spec.ts; the 1000-step run of the PyTorch table is a
// command (docs/training.md). 40 s to 2 min each on two CPU cores (SwiftShader).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const bin = fileURLToPath(new URL('../../bin/initscope.mjs', import.meta.url));
const FLAGS = ['--dataset', 'mnist', '--act', 'tanh', '--layers', '6', '--width', '128', '--batch', '64', '--steps', '1000',
  '--optimizer', 'sgd', '--lr', '0.1', '--seed', '0', '--json'];

function train(init, extra = []) {
  const out = execFileSync(process.execPath, [bin, 'train', '--init', init, ...FLAGS, ...extra], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], maxBuffer: 64 << 20 });
  const result = JSON.parse(out);
  console.log(`# ${init}${extra.length ? ` ${extra.join(' ')}` : ''}: test accuracy ${result.testAccuracy.toFixed(4)} after ${result.steps} steps in ${result.seconds.toFixed(1)} s`);
  return result;
}

// Small init without a remedy does not learn: e2e/train.spec.ts asserts it (<= 0.20 after 300
// steps, the loss held near ln 10) beside Xavier (>= 0.90). Batch norm's rescue runs 300 steps (the training
// view's preset, whose stored run has it at 88.2%); the guide's 1000-step table is the stored train-table run.
test('small (0.01) + tanh + batch norm learns (test accuracy >= 0.85 after 300 steps)', () => {
  const r = train('small', ['--norm', 'batch', '--steps', '300']);
  assert.ok(r.testAccuracy >= 0.85, `small + batch norm: ${r.testAccuracy}`);
});

test('LeNet-5 (ReLU, Kaiming with Din = Cin kh kw) learns MNIST: test accuracy >= 0.88 after 100 SGD-momentum steps', () => {
  const out = execFileSync(process.execPath, [bin, 'train', '--net', 'lenet5', '--act', 'relu', '--init', 'kaiming', '--optimizer', 'sgd',
    '--lr', '0.01', '--momentum', '0.9', '--batch', '64', '--steps', '100', '--seed', '0', '--json'],
  { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], maxBuffer: 64 << 20 });
  const r = JSON.parse(out);
  console.log(`# lenet5: test accuracy ${r.testAccuracy.toFixed(4)} after ${r.steps} steps in ${r.seconds.toFixed(1)} s`);
  assert.equal(r.steps, 100);
  assert.ok(r.testAccuracy >= 0.88, `lenet5: ${r.testAccuracy}`);
});
