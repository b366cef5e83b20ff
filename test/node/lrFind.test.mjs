// The learning-rate range test (src/inside/lrFind.ts): its bookkeeping on curves with a known
// answer (a constant loss smooths to itself; a logistic fall has its steepest point at its centre;
// the stop is the first loss past 4x the minimum), the exponential schedule's rates, and the sweep
// on an MNIST MLP: the net's parameters unchanged by it, training at the suggestion learns, at ten
// times the blow-up it does not; refusals.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyzeRangeTest, createEngine, lrFind } from 'initscope';
import { createNodeGPU } from 'initscope/node';
import { mnist, standardize } from 'initscope/data';

const engine = await createEngine({ gpu: await createNodeGPU() });

test('range-test bookkeeping on known curves: bias-corrected smoothing, steepest point, minimum, blow-up', () => {
  const constant = analyzeRangeTest([1e-3, 1e-2, 1e-1, 1], [2, 2, 2, 2]);
  constant.smoothed.forEach((s) => assert.ok(Math.abs(s - 2) < 1e-12, `a constant loss smooths to itself: ${s}`));
  // log10 lr from -4 to 0 in steps of 0.1; unsmoothed: a logistic fall centred at 10^-2.5, then a
  // rise of 5 per decade from 10^-1 (the minimum), which passes 4x the minimum at 10^-0.3.
  const u = Array.from({ length: 41 }, (_, i) => -4 + i / 10);
  const fall = (v) => 2.3 - 1.2 / (1 + Math.exp(-4 * (v + 2.5)));
  const losses = u.map((v) => (v <= -1 ? fall(v) : fall(-1) + 5 * (v + 1)));
  const lrs = u.map((v) => 10 ** v);
  const r = analyzeRangeTest(lrs, losses, 0, 4);
  assert.equal(r.suggestion, lrs[15], `steepest at 10^-2.5, got 10^${Math.log10(r.suggestion)}`);
  assert.equal(r.minimum, lrs[30], `minimum at 10^-1, got 10^${Math.log10(r.minimum)}`);
  assert.equal(r.blowUp, lrs[37], `blow-up at 10^-0.3, got 10^${Math.log10(r.blowUp)}`);
  assert.equal(r.smoothed.length, 38, 'the sweep stops at the blow-up');
  // A loss that is not finite is a blow-up too; one that blows up at once leaves nothing to suggest.
  assert.equal(analyzeRangeTest([1, 2, 3, 4], [1, 0.9, NaN, 1]).blowUp, 3);
  assert.throws(() => analyzeRangeTest([1, 2], [1, Infinity]), (e) => e.code === 'invalid-state' && e.field === 'startLr');
});

test('lrFind on MNIST (784-64-64-10, ReLU, SGD momentum): geometric rates, parameters put back, the suggestion learns and ten times the blow-up does not', async () => {
  const data = standardize(await mnist());
  const make = () => engine.createMLP({ dims: [784, 64, 64, 10], batch: 64, activation: 'relu', init: 'kaiming', seed: 4 });
  const net = make();
  const before = await Promise.all([0, 1, 2].map((l) => net.readParameters(l)));
  const seen = [];
  const r = await lrFind(net, data.train.x, data.train.labels, { startLr: 1e-5, endLr: 10, steps: 100, onProgress: (p) => seen.push(p.step) });
  const ratio = (10 / 1e-5) ** (1 / 99);
  assert.ok(Math.abs(r.lrs[0] - 1e-5) < 1e-11, `first rate ${r.lrs[0]}`);
  r.lrs.slice(1).forEach((lr, i) => assert.ok(Math.abs(lr / r.lrs[i] - ratio) < 1e-4 * ratio, `rate ${i + 1}: x${lr / r.lrs[i]}, want x${ratio}`));
  assert.ok(r.blowUp !== undefined && r.lrs.length < 100, `the sweep blew up and stopped early (${r.lrs.length} steps, blow-up ${r.blowUp})`);
  assert.ok(r.suggestion < r.minimum && r.minimum < r.blowUp, `suggestion ${r.suggestion} < minimum ${r.minimum} < blow-up ${r.blowUp}`);
  assert.ok(seen.length > 0 && seen.every((s, i) => i === 0 || s > seen[i - 1]), `progress reported: ${seen}`);
  const after = await Promise.all([0, 1, 2].map((l) => net.readParameters(l)));
  after.forEach((p, l) => assert.deepEqual([p.W, p.b], [before[l].W, before[l].b], `layer ${l}: parameters put back`));
  net.destroy();
  const trainAt = async (lr) => {
    const fresh = make();
    const trainer = fresh.trainer({ optimizer: { name: 'sgd', lr, momentum: 0.9 } });
    await trainer.setData(data.train.x, data.train.labels);
    const t = await trainer.train(100, { every: 50 });
    fresh.destroy();
    return t;
  };
  const good = await trainAt(r.suggestion);
  assert.ok(good.history.at(-1).loss < 0.5 * good.history[0].loss, `at the suggestion ${r.suggestion} the loss falls: ${good.history[0].loss} -> ${good.history.at(-1).loss}`);
  // Ten times the blow-up: the loss explodes (not finite) or the units die and it stays at chance (ln 10).
  const bad = await trainAt(10 * r.blowUp);
  assert.ok(bad.stopped === 'diverged' || !(bad.loss < 2.0), `at ten times the blow-up (${10 * r.blowUp}) nothing is learnt: ${bad.stopped ?? bad.loss}`);
});

test('lrFind refuses rates and steps it cannot sweep, naming the field', async () => {
  const net = engine.createMLP({ dims: [2, 4, 3], batch: 5 });
  const x = new Float32Array(20).fill(0.5);
  const labels = new Int32Array(10);
  for (const [options, field] of [[{ startLr: 0 }, 'startLr'], [{ startLr: 1, endLr: 0.5 }, 'endLr'], [{ steps: 3 }, 'steps'], [{ smoothing: 1 }, 'smoothing'], [{ stopFactor: 1 }, 'stopFactor']]) {
    await assert.rejects(lrFind(net, x, labels, options), (e) => e.code === 'invalid-option' && e.field === field, JSON.stringify(options));
  }
  net.destroy();
});
