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
