// What is built on net.inputGradient (design.md section 10), against the float64 references of
// src/reference/attacks.ts on a small conv net with a per-feature preprocessing, on both kernel
// sets: saliency maps (max over 2 channels of |dS_c/dx|), FGSM and PGD in the data's units (the
// same signs, the same clipped inputs, within the bounds and the eps-ball), class models (gradient
// ascent on S_c - lambda |I|^2: every step's image and score), and their refusals; and FGSM on
// three MNIST nets the engine trained (softmax regression, an MLP, LeNet-5) against PyTorch in
// float64 on the same weights and digits (fixtures/torch/make_attacks.py).
import { Buffer } from 'node:buffer';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { classModels, createEngine, deletePixels, fgsm, pgd, rankCorrelation, rankPixels, saliency } from 'initscope';
import { createNodeGPU } from 'initscope/node';
import { referenceActivation, referenceClassModels, referenceFgsm, referencePgd, referenceSaliency } from 'initscope/reference';
import { readFileSync } from 'node:fs';
import { assertClose, random } from './helpers.mjs';

const gpu = await createNodeGPU();
const engines = { cpu: await createEngine({ gpu, kernels: 'cpu' }), gpu: await createEngine({ gpu, kernels: 'gpu' }) };
const FEATURES = 2 * 5 * 4;
const ROWS = 6;

/** [2, 5, 4] -> conv 3 filters 3x3 padding 1 (tanh) -> flatten -> dense 4: random parameters on the GPU and in float64. */
async function smallNet(engine) {
  const net = engine.createNet({ input: [2, 5, 4], batch: 4, activation: 'tanh', bias: true,
    layers: [{ type: 'conv', filters: 3, size: 3, padding: 1 }, { type: 'flatten' }, { type: 'dense', units: 4, activation: 'linear' }] });
  const Wc = random(3 * 18, 1, 1.5 / Math.sqrt(18));
  const bc = random(3, 2, 0.3);
  const Wd = random(60 * 4, 3, 3 / Math.sqrt(60));
  const bd = random(4, 4, 0.3);
  await net.setParameters(0, { W: Wc, b: bc });
  await net.setParameters(2, { W: Wd, b: bd });
  const ref = [
    { type: 'conv', activation: referenceActivation('tanh'), W: Wc, b: bc, shape: { cin: 2, h: 5, w: 4, cout: 3, kh: 3, kw: 3, stride: 1, padding: 1 } },
    { type: 'flatten' },
    { type: 'dense', din: 60, units: 4, activation: referenceActivation('linear'), W: Wd, b: bd },
  ];
  return { net, ref };
}

const x = random(ROWS * FEATURES, 7, 1).map((v) => Math.abs(v));
const labels = Int32Array.from({ length: ROWS }, (_, r) => r % 4);
const mean = random(FEATURES, 8, 0.2).map((v) => 0.4 + v);
const preprocessing = { mean, std: 0.35 };
const setup = { bounds: [0, 1], mean, std: 0.35 };

/** Entries where got and want differ by more than float32 rounding. */
const differing = (got, want) => Array.from(want).filter((w, i) => Math.abs(got[i] - w) > 1e-6).length;

test('saliency: max over channels of |dS_c/dx| in the data\'s units equals float64; both kernel sets', async () => {
  for (const [kernels, engine] of Object.entries(engines)) {
    const { net, ref } = await smallNet(engine);
    const got = await saliency(net, x, { class: labels, preprocessing });
    const want = referenceSaliency(ref, x, labels, 2, setup);
    assert.equal(got.length, ROWS * 20, 'rows x H x W');
    const scale = Math.max(...want);
    assertClose(`${kernels} saliency`, got, want, 1e-5 * scale, 1e-4);
    net.destroy();
  }
});

test('FGSM and PGD equal the float64 attacks: the same signs and clipped inputs, within [0, 1] and the eps-ball; both kernel sets', async () => {
  for (const [kernels, engine] of Object.entries(engines)) {
    const { net, ref } = await smallNet(engine);
    for (const eps of [0.05, 0.2]) {
      const one = await fgsm(net, x, labels, eps, { bounds: [0, 1], preprocessing });
      const oneRef = referenceFgsm(ref, x, labels, eps, setup);
      assert.ok(differing(one, oneRef) <= 0.005 * x.length, `${kernels} FGSM eps ${eps}: ${differing(one, oneRef)} of ${x.length} entries differ`);
      const many = await pgd(net, x, labels, eps, { steps: 4, stepSize: eps / 2, preprocessing });
      const manyRef = referencePgd(ref, x, labels, eps, 4, eps / 2, setup);
      assert.ok(differing(many, manyRef) <= 0.02 * x.length, `${kernels} PGD eps ${eps}: ${differing(many, manyRef)} of ${x.length} entries differ`);
      for (const [name, adv] of [['FGSM', one], ['PGD', many]]) {
        adv.forEach((v, i) => {
          assert.ok(v >= 0 && v <= 1, `${kernels} ${name}: entry ${i} = ${v} outside [0, 1]`);
          assert.ok(Math.abs(v - x[i]) <= eps + 1e-6, `${kernels} ${name}: entry ${i} moved ${Math.abs(v - x[i])} > eps ${eps}`);
        });
      }
      // FGSM moves every entry with a gradient by eps unless a bound stops it.
      const moved = Array.from(one).filter((v, i) => Math.abs(Math.abs(v - x[i]) - eps) < 1e-6 || v === 0 || v === 1).length;
      assert.equal(moved, x.length, `${kernels} FGSM eps ${eps}: every entry moved by eps or clipped`);
    }
    net.destroy();
  }
});

test('the deletion test and the randomisation check on known answers: pixels ranked by the map, the top k deleted, Spearman\'s rho', () => {
  const map = Float32Array.of(0.1, 0.9, 0.5, 0.3, /* row 2 */ 4, 1, 3, 2);
  assert.deepEqual(rankPixels(map, 4, 0), [1, 2, 3, 0]);
  assert.deepEqual(rankPixels(map, 4, 1), [0, 2, 3, 1]);
  assert.deepEqual(rankPixels(Float32Array.of(1, 2, 2, 0), 4, 0), [1, 2, 0, 3], 'equal values in pixel order');
  const x = Float32Array.of(1, 2, 3, 4, 5, 6, 7, 8);
  const order = (r) => rankPixels(map, 4, r);
  assert.deepEqual(Array.from(deletePixels(x, 4, order, 2)), [1, 0, 0, 4, 0, 6, 0, 8], 'the 2 most salient pixels of each row to 0');
  assert.deepEqual(Array.from(deletePixels(x, 4, order, 1, -1)), [1, -1, 3, 4, -1, 6, 7, 8], 'to a given background');
  assert.deepEqual(Array.from(x), [1, 2, 3, 4, 5, 6, 7, 8], 'x untouched');
  const a = Float32Array.of(1, 2, 3, 4, 5);
  assert.equal(rankCorrelation(a, a, 5, 0), 1);
  assert.equal(rankCorrelation(a, Float32Array.of(5, 4, 3, 2, 1), 5, 0), -1);
  // Ranks 0..4 against 0, 2, 1, 3, 4: sum d^2 = 2, rho = 1 - 6 * 2 / (5 * 24) = 0.9.
  assert.ok(Math.abs(rankCorrelation(a, Float32Array.of(10, 30, 20, 40, 50), 5, 0) - 0.9) < 1e-12);
  // Only the ranks count: any increasing map correlates 1.
  assert.equal(rankCorrelation(a, Float32Array.of(-3, 0.5, 0.6, 8, 100), 5, 0), 1);
});

test('class models: every step of the ascent on S_c - lambda |I|^2 equals float64, the score climbs; progress, abort; both kernel sets', async () => {
  const classes = [3, 0, 1];
  const start = x.slice(0, FEATURES).map((v) => v - 0.5);
  const want = referenceClassModels((await smallNet(engines.cpu)).ref, start, classes, 6, 0.3, 0.05);
  for (const [kernels, engine] of Object.entries(engines)) {
    const { net } = await smallNet(engine);
    const seen = [];
    const got = await classModels(net, { classes, steps: 6, stepSize: 0.3, lambda: 0.05, start, onProgress: (t, n) => seen.push(`${t}/${n}`) });
    assert.deepEqual(got.classes, classes);
    assert.deepEqual(seen, ['1/6', '2/6', '3/6', '4/6', '5/6', '6/6'], `${kernels}: progress after every step`);
    assertClose(`${kernels} images`, got.images, want.images, 1e-5, 1e-4);
    assert.equal(got.scores.length, 7, 'the start and 6 steps');
    got.scores.forEach((row, t) => assertClose(`${kernels} scores after ${t} steps`, row, want.scores[t], 1e-5, 1e-4));
    classes.forEach((c, i) => assert.ok(got.scores[6][i] > got.scores[0][i] + 0.1, `${kernels}: class ${c}'s score climbs: ${got.scores[0][i]} -> ${got.scores[6][i]}`));
    const abort = new AbortController();
    const stopped = await classModels(net, { steps: 50, signal: abort.signal, onProgress: (t) => { if (t === 2) abort.abort(); } });
    assert.equal(stopped.scores.length, 3, `${kernels}: aborted after the step in flight`);
    assert.equal(stopped.images.length, 4 * FEATURES, `${kernels}: every class of the net by default`);
    net.destroy();
  }
});

test('FGSM accuracy against eps (0 .. 0.3) on softmax regression, an MLP and LeNet-5 equals PyTorch float64 on the same checkpoints (fixtures/torch/attacks.json): the same class read in >= 98 of 100 digits per eps', async () => {
  const fixtures = new URL('./fixtures/torch/', import.meta.url);
  const torch = JSON.parse(readFileSync(new URL('attacks.json', fixtures), 'utf8'));
  const digits = JSON.parse(readFileSync(new URL('attack_digits.json', fixtures), 'utf8'));
  const pixels = Float32Array.from(Buffer.from(digits.pixels, 'base64'), (b) => b / 255);
  const digitLabels = Int32Array.from(digits.labels);
  const rows = digitLabels.length;
  const pre = { mean: Float64Array.from(digits.mean), std: digits.std };
  const toNet = (v) => v.map((p, i) => (p - pre.mean[i % 784]) / pre.std);
  const table = [];
  for (const [name, want] of Object.entries(torch.nets)) {
    const net = await engines.cpu.loadNet(readFileSync(new URL(`attack_${name}.safetensors`, fixtures)));
    const line = [name];
    for (const { eps, accuracy, read } of want) {
      const scores = await net.predict(toNet(await fgsm(net, pixels, digitLabels, eps, { preprocessing: pre })));
      const got = Array.from({ length: rows }, (_, r) => { const s = scores.subarray(r * 10, r * 10 + 10); return s.indexOf(Math.max(...s)); });
      const same = got.filter((c, r) => c === read[r]).length;
      const right = got.filter((c, r) => c === digitLabels[r]).length / rows;
      line.push(`${right.toFixed(2)}/${accuracy.toFixed(2)}`);
      assert.ok(same >= 98, `${name} at eps ${eps}: the engine reads the same class as PyTorch in ${same} of ${rows} digits`);
      assert.ok(Math.abs(right - accuracy) <= 0.02, `${name} at eps ${eps}: accuracy ${right} against PyTorch's ${accuracy}`);
    }
    table.push(line.join('  '));
    net.destroy();
  }
  console.log(`FGSM accuracy, engine/PyTorch float64, eps ${torch.eps.join(', ')}:\n${table.join('\n')}`);
});

test('the attacks, saliency and class models refuse what does not fit, naming the field', async () => {
  const { net } = await smallNet(engines.cpu);
  await assert.rejects(fgsm(net, x, labels, -0.1), (e) => e.code === 'invalid-option' && e.field === 'eps');
  await assert.rejects(fgsm(net, x, labels, 0.1, { bounds: [1, 0] }), (e) => e.field === 'bounds');
  await assert.rejects(fgsm(net, x, labels, 0.1, { preprocessing: { mean: new Float32Array(3) } }), (e) => e.field === 'preprocessing.mean' && /one value per feature \(40\), got 3/.test(e.message));
  await assert.rejects(fgsm(net, x, labels, 0.1, { preprocessing: { std: 0 } }), (e) => e.field === 'preprocessing.std');
  await assert.rejects(pgd(net, x, labels, 0.1, { steps: 0 }), (e) => e.field === 'steps');
  await assert.rejects(fgsm(net, x, Int32Array.of(0, 1), 0.1), (e) => e.field === 'target.labels');
  await assert.rejects(saliency(net, x, { class: 9 }), (e) => e.field === 'target.class');
  await assert.rejects(classModels(net, { classes: [4] }), (e) => e.field === 'classes' && /classes from 0 to 3/.test(e.message));
  await assert.rejects(classModels(net, { steps: -1 }), (e) => e.field === 'steps');
  await assert.rejects(classModels(net, { stepSize: 0 }), (e) => e.field === 'stepSize');
  await assert.rejects(classModels(net, { lambda: -1 }), (e) => e.field === 'lambda');
  await assert.rejects(classModels(net, { start: new Float32Array(3) }), (e) => e.field === 'start' && /40 values/.test(e.message));
  net.destroy();
});
