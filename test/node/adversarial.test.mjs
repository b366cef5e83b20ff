// Adversarial training (src/inside/adversarialTraining.ts, Goodfellow et al. 2014 section 5): an
// MNIST MLP trained with half of every batch FGSM at eps 0.1 holds under FGSM at 0.1 where the
// same MLP trained plainly does not (20 points or more above it), its clean accuracy still high;
// one loss per step; refusals naming the field.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { adversarialTraining, createEngine, fgsm } from 'initscope';
import { createNodeGPU } from 'initscope/node';
import { mnist, standardization } from 'initscope/data';

const engine = await createEngine({ gpu: await createNodeGPU() });
const MLP = { input: 784, batch: 64, seed: 1, activation: 'relu', init: 'kaiming', bias: true,
  layers: [{ type: 'dense', units: 64 }, { type: 'dense', units: 10, activation: 'linear' }] };

test('adversarially trained, an MNIST MLP holds under FGSM at the eps it was trained at; plainly trained, it does not', async () => {
  const raw = await mnist();
  const pre = standardization(raw);
  const preprocessing = { mean: pre.mean, std: pre.std };
  const toNet = (x) => x.map((v, i) => (v - pre.mean[i % 784]) / pre.std);
  // Every 6th test digit: the test set is ordered by digit, so its first rows are all zeros.
  const rows = Math.floor(raw.test.labels.length / 6);
  const x = new Float32Array(rows * 784);
  const labels = new Int32Array(rows);
  for (let r = 0; r < rows; r++) { x.set(raw.test.x.subarray(6 * r * 784, (6 * r + 1) * 784), r * 784); labels[r] = raw.test.labels[6 * r]; }
  const accuracy = async (net, v) => {
    const t = net.trainer({ loss: 'cross_entropy' });
    const a = (await t.evaluate(toNet(v), labels)).accuracy;
    t.destroy();
    return a;
  };
  const optimizer = { name: 'sgd', lr: 0.05, momentum: 0.9 };
  const plain = engine.createNet(MLP);
  const trainer = plain.trainer({ loss: 'cross_entropy', optimizer });
  await trainer.setData(toNet(raw.train.x), raw.train.labels, { seed: 1 });
  await trainer.train(300, { every: 100 });
  const robust = engine.createNet(MLP);
  const losses = await adversarialTraining(robust, raw.train.x, raw.train.labels, { eps: 0.1, steps: 300, preprocessing, seed: 1, trainer: { optimizer } });
  assert.equal(losses.length, 300);
  assert.ok(losses.every(Number.isFinite) && losses.at(-1) < losses[0], `the mixed loss falls: ${losses[0]} -> ${losses.at(-1)}`);
  const result = {};
  for (const [name, net] of [['plain', plain], ['adversarial', robust]]) {
    result[name] = { clean: await accuracy(net, x), fgsm: await accuracy(net, await fgsm(net, x, labels, 0.1, { preprocessing })) };
  }
  console.log(`# FGSM at eps 0.1 on ${rows} test digits (every 6th): ${JSON.stringify(result)}`);
  assert.ok(result.plain.clean >= 0.85, `plain clean ${result.plain.clean}`);
  assert.ok(result.adversarial.clean >= 0.8, `adversarial clean ${result.adversarial.clean}`);
  assert.ok(result.adversarial.fgsm >= result.plain.fgsm + 0.2, `under FGSM: adversarial ${result.adversarial.fgsm}, plain ${result.plain.fgsm}`);
  plain.destroy();
  robust.destroy();
});

test('adversarialTraining refuses an odd batch, labels of another length, no steps; promises reject', async () => {
  const x = new Float32Array(40 * 784).fill(0.5);
  const labels = new Int32Array(40);
  const odd = engine.createNet({ ...MLP, batch: 5 });
  await assert.rejects(adversarialTraining(odd, x, labels, { eps: 0.1, steps: 1 }), (e) => e.code === 'invalid-option' && e.field === 'batch');
  odd.destroy();
  const net = engine.createNet(MLP);
  await assert.rejects(adversarialTraining(net, x, new Int32Array(3), { eps: 0.1, steps: 1 }), (e) => e.code === 'invalid-option' && e.field === 'labels');
  await assert.rejects(adversarialTraining(net, x, labels, { eps: 0.1, steps: 0 }), (e) => e.code === 'invalid-option' && e.field === 'steps');
  net.destroy();
});
