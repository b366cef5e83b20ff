// The command line: refusals name the flag and what it got (exit 2, before any GPU work), the
// activation and init parameter flags reach the net, and `--init lsuv` runs LSUV in the single pass.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const bin = fileURLToPath(new URL('../../bin/initscope.mjs', import.meta.url));
const cli = (...args) => spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', maxBuffer: 64 << 20 });

test('a bad command line is refused with the flag, the value and the usage (exit 2)', () => {
  for (const [args, message] of [
    [['experiment', '--width', 'abc'], /experiment: --width needs an integer, got "abc"/],
    [['experiment', '--foo'], /experiment: Unknown option '--foo'/],
    [['experiment', '--gradient', 'zeros'], /--gradient must be randn or ones, got "zeros"/],
    [['experiment', '--layers', '0'], /--layers must be >= 1, got 0/],
    [['experiment', '--slope', 'steep'], /--slope needs a number, got "steep"/],
    [['train', '--lr', 'x'], /train: --lr needs a number, got "x"/],
    [['train', '--dataset', 'cifar'], /--dataset must be mnist or spiral, got "cifar"/],
  ]) {
    const r = cli(...args);
    assert.equal(r.status, 2, `${args.join(' ')}: exit ${r.status}`);
    assert.match(r.stderr, message);
    assert.match(r.stderr, /usage: /);
  }
});

test('experiment: parameter flags reach the net; --init lsuv rescales every layer to unit pre-activation variance', () => {
  const run = (...flags) => {
    const r = cli('experiment', '--width', '64', '--layers', '4', '--json', ...flags);
    assert.equal(r.status, 0, r.stderr);
    return JSON.parse(r.stdout);
  };
  const leaky = run('--act', 'leaky_relu', '--slope', '0.2', '--bias', '--init', 'normal', '--std', '0.1');
  assert.deepEqual(leaky.options.activation, { name: 'leaky_relu', slope: 0.2 });
  assert.deepEqual(leaky.options.init, { name: 'normal', std: 0.1 });
  assert.deepEqual(leaky.options.bias, { init: 0 });
  const std = (r) => r.forward.layers.map((l) => l.preactivation.std);
  const lsuv = std(run('--init', 'lsuv'));
  const orthogonal = std(run('--init', 'orthogonal'));
  console.log(`# std Z per layer: lsuv ${lsuv.map((s) => s.toFixed(3)).join(' ')}; orthogonal alone ${orthogonal.map((s) => s.toFixed(3)).join(' ')}`);
  // LSUV's tolerance is 0.1 on the variance; tanh shrinks Z layer by layer when it is not run.
  for (const s of lsuv) assert.ok(Math.abs(s * s - 1) < 0.1, `lsuv: std ${s}`);
  assert.ok(orthogonal[3] < 0.8, `orthogonal alone: std ${orthogonal[3]}`);
});

test('--net: lenet5 and a JSON file of layers run a single pass of a net of layers; a bad file is refused with its name', async () => {
  const { mkdtempSync, writeFileSync } = await import('node:fs');
  const { join } = await import('node:path');
  const { tmpdir } = await import('node:os');
  const lenet = cli('experiment', '--net', 'lenet5', '--act', 'relu', '--init', 'kaiming', '--batch', '4', '--backward');
  assert.equal(lenet.status, 0, lenet.stderr);
  // One row per layer, named by its type and output shape (design.md section 9's LeNet-5).
  for (const row of ['1 conv [6x28x28]', '2 maxpool [6x14x14]', '3 conv [16x10x10]', '4 maxpool [16x5x5]', '5 flatten [400]', '6 dense [120]', '8 dense [10]']) {
    assert.ok(lenet.stdout.includes(row), `row ${row} in\n${lenet.stdout}`);
  }
  const dir = mkdtempSync(join(tmpdir(), 'initscope-net-'));
  const file = join(dir, 'net.json');
  writeFileSync(file, JSON.stringify({ input: [2, 9, 9], layers: [{ type: 'conv', filters: 3, size: 3, stride: 2 }, { type: 'avgpool', size: 2 }, { type: 'flatten' }, { type: 'dense', units: 4 }] }));
  const r = cli('experiment', '--net', file, '--batch', '3', '--json');
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(JSON.parse(r.stdout).forward.layers.map((l) => l.shape), [[3, 4, 4], [3, 2, 2], [12], [4]]);
  const missing = cli('experiment', '--net', join(dir, 'none.json'));
  assert.equal(missing.status, 2);
  assert.match(missing.stderr, /--net must be mlp, lenet5 or a JSON file of layers; cannot read ".*none\.json"/);
  writeFileSync(file, JSON.stringify({ input: 16, layers: [{ type: 'conv', filters: 3, size: 3 }] }));
  const wrong = cli('experiment', '--net', file);
  assert.equal(wrong.status, 1);
  assert.match(wrong.stderr, /createNet: layers\[0\] \(conv\) needs an input of \[channels, height, width\], got an input of shape \[16\]/);
});

test('train --save writes a checkpoint and --load starts from it', async () => {
  const { mkdtempSync } = await import('node:fs');
  const { join } = await import('node:path');
  const { tmpdir } = await import('node:os');
  const file = join(mkdtempSync(join(tmpdir(), 'initscope-ckpt-')), 'spiral.safetensors');
  const flags = ['--dataset', 'spiral', '--layers', '2', '--width', '16', '--act', 'relu', '--init', 'kaiming', '--batch', '32', '--json'];
  const first = cli('train', ...flags, '--steps', '300', '--lr', '0.3', '--save', file);
  assert.equal(first.status, 0, first.stderr);
  const trained = JSON.parse(first.stdout).testAccuracy;
  // One step at a learning rate of 1e-9 leaves the loaded weights as they were: the same accuracy.
  const again = cli('train', ...flags, '--steps', '1', '--lr', '1e-9', '--load', file);
  assert.equal(again.status, 0, again.stderr);
  assert.ok(trained > 0.6, `the spiral net learned: ${trained}`);
  assert.equal(JSON.parse(again.stdout).testAccuracy, trained, 'the loaded net is the trained one');
  const wrong = cli('train', '--dataset', 'spiral', '--layers', '3', '--width', '16', '--steps', '1', '--load', file);
  assert.equal(wrong.status, 1);
  assert.match(wrong.stderr, /loadNet: tensor layers\.\d\.weight (must be F32 of shape|is missing)/);
});
