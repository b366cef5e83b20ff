// net.inputGradient(x, target) (design.md section 10) against the float64 reference, on both
// kernel sets: dense layers with batch norm in inference mode (running estimates moved by three
// train-mode forwards first) and dropout (off), layer norm, conv with BatchNorm2d, max and average
// pooling, a residual block with a multiplier; a class's score (one class, one per row), each row's
// cross-entropy and mse; rows that are not a multiple of the batch; the net's state unchanged by
// the call; signs of a confident net's loss gradient; the float64 reference against central finite
// differences; the refusals.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createEngine } from 'initscope';
import { createNodeGPU } from 'initscope/node';
import { referenceActivation, referenceInputGradient, referenceLayersForward, referenceScoreGradient } from 'initscope/reference';
import { assertClose, random } from './helpers.mjs';

const gpu = await createNodeGPU();
const engines = { cpu: await createEngine({ gpu, kernels: 'cpu' }), gpu: await createEngine({ gpu, kernels: 'gpu' }) };
const act = (name) => referenceActivation(name);

/** Nets of every layer type, with the output shape of each layer written out by hand. */
const NETS = [
  {
    name: 'dense + BatchNorm1d (inference) + dropout, tanh',
    input: [7], norm: 'batch', activation: 'tanh',
    layers: [{ type: 'dense', units: 9 }, { type: 'dropout', p: 0.3 }, { type: 'dense', units: 6 }, { type: 'dense', units: 4, activation: 'linear' }],
    shapes: [[9], [9], [6], [4]],
  },
  {
    name: 'dense + LayerNorm, gelu',
    input: [5], norm: 'layer', activation: 'gelu',
    layers: [{ type: 'dense', units: 8 }, { type: 'dense', units: 3, activation: 'linear' }],
    shapes: [[8], [3]],
  },
  {
    name: 'conv + BatchNorm2d (inference), max pool, conv 2x1, avg pool, dense, relu',
    input: [2, 6, 5], norm: 'batch', activation: 'relu',
    layers: [{ type: 'conv', filters: 3, size: 3, padding: 1 }, { type: 'maxpool', size: 2 }, { type: 'conv', filters: 2, size: [2, 1] },
      { type: 'avgpool', size: 2, stride: 1 }, { type: 'flatten' }, { type: 'dense', units: 3, activation: 'linear' }],
    shapes: [[3, 6, 5], [3, 3, 2], [2, 2, 2], [2, 1, 1], [2], [3]],
  },
  {
    name: 'a residual block with a learnable multiplier, tanh',
    input: [6], norm: 'none', activation: 'tanh',
    layers: [{ type: 'dense', units: 6 }, { type: 'residual', activation: 'relu', multiplier: true,
      layers: [{ type: 'dense', units: 6, activation: 'relu' }, { type: 'dense', units: 6, activation: 'linear' }] }, { type: 'dense', units: 5, activation: 'linear' }],
    shapes: [[6], [6], [5]],
  },
];

/** The net with random parameters, and its float64 twin (norms in train mode until switched). */
async function randomNet(engine, spec, batch, seed) {
  const net = engine.createNet({ input: spec.input.length === 1 ? spec.input[0] : spec.input, batch, seed, activation: spec.activation,
    bias: true, norm: spec.norm, layers: spec.layers });
  const lastWeighted = spec.layers.findLastIndex((l) => l.type === 'dense' || l.type === 'conv');
  const normOf = (channels) => ({ kind: spec.norm, gamma: new Float64Array(channels).fill(1), beta: new Float64Array(channels),
    runningMean: new Float64Array(channels), runningVar: new Float64Array(channels).fill(1), mode: 'train' });
  const weighted = async (path, layer, shape, withNorm) => {
    const a = act(layer.activation ?? spec.activation);
    if (layer.type === 'dense') {
      const din = shape[0];
      const W = random(din * layer.units, seed + 10 * path.length + path.at(-1), 1.5 / Math.sqrt(din));
      const b = random(layer.units, seed + 50 + 10 * path.length + path.at(-1), 0.3);
      await net.setParameters(path.length === 1 ? path[0] : path, { W, b });
      return { type: 'dense', din, units: layer.units, activation: a, W, b, ...(withNorm ? { norm: normOf(layer.units) } : {}) };
    }
    const [kh, kw] = Array.isArray(layer.size) ? layer.size : [layer.size, layer.size];
    const fanIn = shape[0] * kh * kw;
    const W = random(layer.filters * fanIn, seed + 10 + path[0], 1.5 / Math.sqrt(fanIn));
    const b = random(layer.filters, seed + 20 + path[0], 0.3);
    await net.setParameters(path[0], { W, b });
    return { type: 'conv', activation: a, W, b, ...(withNorm ? { norm: normOf(layer.filters) } : {}),
      shape: { cin: shape[0], h: shape[1], w: shape[2], cout: layer.filters, kh, kw, stride: layer.stride ?? 1, padding: layer.padding ?? 0 } };
  };
  const ref = [];
  let shape = spec.input;
  for (const [l, layer] of spec.layers.entries()) {
    const withNorm = spec.norm !== 'none' && l !== lastWeighted;
    if (layer.type === 'dense' || layer.type === 'conv') ref.push(await weighted([l], layer, shape, withNorm));
    else if (layer.type === 'residual') {
      const inner = [];
      for (const [j, il] of layer.layers.entries()) inner.push(await weighted([l, j], il, shape, false));
      ref.push({ type: 'residual', activation: act(layer.activation), multiplier: 1, layers: inner });
    } else if (layer.type === 'dropout') ref.push({ type: 'dropout', p: layer.p });
    else if (layer.type === 'flatten') ref.push({ type: 'flatten' });
    else ref.push({ type: layer.type, shape: { c: shape[0], h: shape[1], w: shape[2], size: layer.size, stride: layer.stride ?? layer.size } });
    shape = spec.shapes[l];
  }
  return { net, ref };
}

const forEachNorm = (layers, f) => {
  for (const l of layers) {
    if (l.norm) f(l.norm);
    if (l.layers) forEachNorm(l.layers, f);
  }
};

for (const spec of NETS) {
  test(`inputGradient and predict (${spec.name}): every target, and the scores, equal float64 for 10 rows in batches of 4; the net's state unchanged; both kernel sets`, async () => {
    const width = spec.input.reduce((a, b) => a * b, 1);
    const classes = spec.shapes.at(-1)[0];
    const batch = 4;
    const rows = 10;
    for (const [kernels, engine] of Object.entries(engines)) {
      const { net, ref } = await randomNet(engine, spec, batch, 3);
      // Three train-mode forwards move batch norm's running estimates; the reference moves its own alike.
      const X = random(batch * width, 21, 1.5);
      await net.setInput(X);
      for (let i = 0; i < 3; i++) referenceLayersForward(ref, batch, X);
      await net.forward({ stats: false });
      await net.forward({ stats: false });
      await net.forwardBackward('randn', { stats: false });
      forEachNorm(ref, (n) => { n.mode = 'eval'; });
      // What the call must leave as it was: the input, every layer's activations and the gradients.
      const state = async () => ({ input: await net.readInput(), out: await Promise.all(spec.layers.map((_, l) => net.readActivations(l))),
        grad: await net.readGradients(0), checkpoint: await net.save() });
      const kept = await state();
      const x = random(rows * width, 31, 1.2);
      const labels = Int32Array.from({ length: rows }, (_, r) => (r * 7 + 1) % classes);
      for (const [what, target, refTarget] of [
        ['class 1', { class: 1 }, { kind: 'class', classes: new Int32Array(rows).fill(1) }],
        ['a class per row', { class: labels }, { kind: 'class', classes: labels }],
        ['cross-entropy', { labels }, { kind: 'cross_entropy', classes: labels }],
        ['mse', { labels, loss: 'mse' }, { kind: 'mse', classes: labels }],
      ]) {
        const got = await net.inputGradient(x, target);
        // Inference mode: rows are independent, so the reference runs all 10 as one batch.
        const want = referenceInputGradient(ref, rows, x, refTarget);
        let scale = 0;
        for (const v of want) scale = Math.max(scale, Math.abs(v));
        assertClose(`${kernels} ${what}`, got, want, 2e-5 * scale, 2e-4);
      }
      // net.predict: the same inference-mode forward, the last layer's output of every row.
      const fwd = referenceLayersForward(ref, rows, x);
      assertClose(`${kernels} predict`, await net.predict(x), fwd.A.at(-1), 2e-5, 2e-4);
      assertClose(`${kernels} predict layer 0`, await net.predict(x, { layer: 0 }), fwd.A[0], 2e-5, 2e-4);
      const after = await state();
      assert.deepEqual(after.input, kept.input, `${kernels}: the input unchanged`);
      after.out.forEach((a, l) => assert.deepEqual(a, kept.out[l], `${kernels}: layer ${l}'s activations unchanged`));
      assert.deepEqual(after.grad, kept.grad, `${kernels}: layer 0's gradients unchanged`);
      // Every parameter, running estimate and num_batches_tracked, byte for byte.
      assert.deepEqual(after.checkpoint, kept.checkpoint, `${kernels}: the checkpoint unchanged`);
      net.destroy();
    }
  });
}

test('a confident net\'s loss gradient keeps its signs: >= 99% of entries agree with float64 where 1 - p_y < 1e-8 (it never rounds to 0)', async () => {
  for (const [kernels, engine] of Object.entries(engines)) {
    const { net, ref } = await randomNet(engine, { input: [20], norm: 'none', activation: 'tanh',
      layers: [{ type: 'dense', units: 16 }, { type: 'dense', units: 10, activation: 'linear' }], shapes: [[16], [10]] }, 8, 5);
    // Large output weights: most rows' top score is far above the rest, 1 - p_y far below float32's
    // 6e-8 (so 1 - p_y computed in float32 would be 0, and every sign lost).
    const W = ref[1].W.map((v) => 200 * v);
    await net.setParameters(1, { W });
    ref[1] = { ...ref[1], W };
    const rows = 16;
    const x = random(rows * 20, 41, 1);
    const scores = referenceLayersForward(ref, rows, x).A[1];
    const labels = Int32Array.from({ length: rows }, (_, r) => {
      let best = 0;
      for (let c = 1; c < 10; c++) if (scores[r * 10 + c] > scores[r * 10 + best]) best = c;
      return best;
    });
    const G = referenceScoreGradient(scores, rows, 10, { kind: 'cross_entropy', classes: labels });
    const confident = Array.from({ length: rows }, (_, r) => -G[r * 10 + labels[r]]).filter((v) => v < 1e-8).length;
    assert.ok(confident >= rows / 2, `${kernels}: ${confident} of ${rows} rows have 1 - p_y < 1e-8`);
    const got = await net.inputGradient(x, { labels });
    const want = referenceInputGradient(ref, rows, x, { kind: 'cross_entropy', classes: labels });
    let agree = 0;
    for (let i = 0; i < want.length; i++) if (Math.sign(got[i]) === Math.sign(want[i])) agree++;
    assert.ok(agree >= 0.99 * want.length, `${kernels}: signs agree on ${agree} of ${want.length}`);
    net.destroy();
  }
});

test('the float64 input gradient agrees with central finite differences (dense + eval batch norm, conv, pool, residual)', () => {
  const h = 1e-6;
  const nets = [
    [{ type: 'dense', din: 4, units: 5, activation: act('tanh'), W: random(20, 1, 0.7), b: random(5, 2, 0.3),
      norm: { kind: 'batch', gamma: Float64Array.from(random(5, 3, 1)), beta: Float64Array.from(random(5, 4, 0.2)),
        runningMean: Float64Array.from(random(5, 5, 0.3)), runningVar: Float64Array.from(random(5, 6, 0.5)).map((v) => 0.5 + Math.abs(v)), mode: 'eval' } },
    { type: 'residual', activation: act('tanh'), multiplier: 0.7, layers: [{ type: 'dense', din: 5, units: 5, activation: act('linear'), W: random(25, 7, 0.5) }] },
    { type: 'dense', din: 5, units: 3, activation: act('linear'), W: random(15, 8, 0.6) }],
    [{ type: 'conv', activation: act('silu'), W: random(2 * 1 * 9, 9, 0.5), b: random(2, 10, 0.2), shape: { cin: 1, h: 4, w: 4, cout: 2, kh: 3, kw: 3, stride: 1, padding: 1 } },
      { type: 'avgpool', shape: { c: 2, h: 4, w: 4, size: 2, stride: 2 } }, { type: 'flatten' },
      { type: 'dense', din: 8, units: 3, activation: act('linear'), W: random(24, 11, 0.5) }],
  ];
  for (const [n, layers] of nets.entries()) {
    const width = n === 0 ? 4 : 16;
    const rows = 2;
    const X = Float64Array.from(random(rows * width, 12 + n, 1));
    const labels = [2, 0];
    for (const kind of ['class', 'cross_entropy', 'mse']) {
      const target = { kind, classes: labels };
      const analytic = referenceInputGradient(layers, rows, X, target);
      const Q = () => {
        const S = referenceLayersForward(layers, rows, X).A.at(-1);
        let q = 0;
        for (let r = 0; r < rows; r++) {
          const s = Array.from(S.subarray(r * 3, r * 3 + 3));
          const y = labels[r];
          if (kind === 'class') q += s[y];
          else if (kind === 'mse') q += s.reduce((a, v, c) => a + (v - (c === y ? 1 : 0)) ** 2, 0) / 3;
          else q += Math.log(s.reduce((a, v) => a + Math.exp(v), 0)) - s[y];
        }
        return q;
      };
      for (let i = 0; i < X.length; i++) {
        const keep = X[i];
        X[i] = keep + h; const up = Q();
        X[i] = keep - h; const down = Q();
        X[i] = keep;
        const numeric = (up - down) / (2 * h);
        assert.ok(Math.abs(numeric - analytic[i]) <= 1e-6 * (1 + Math.abs(numeric)), `net ${n} ${kind} dX[${i}]: analytic ${analytic[i]}, numeric ${numeric}`);
      }
    }
  }
});

test('inputGradient and predict refuse what does not fit, naming the field, as a rejected promise', async () => {
  const net = engines.cpu.createNet({ input: 4, batch: 2, layers: [{ type: 'dense', units: 3, activation: 'linear' }] });
  const x = random(6 * 4, 1, 1);
  const refuse = async (args, field, pattern) => {
    let p;
    assert.doesNotThrow(() => { p = net.inputGradient(...args); }, 'never a synchronous throw');
    await assert.rejects(p, (e) => e.code === 'invalid-option' && e.field === field && pattern.test(e.message));
  };
  await refuse([random(5, 1, 1), { class: 0 }], 'x', /x must be a non-empty Float32Array of rows of the net's input \(4 values each/);
  await refuse([x, { class: 3 }], 'target.class', /a class from 0 to 2 \(the net's last layer has 3 outputs\), got 3/);
  await refuse([x, { class: Int32Array.of(0, 1) }], 'target.class', /one entry per row of x: length 6/);
  await refuse([x, { labels: Int32Array.from([0, 1, 2, 0, 1, 5]) }], 'target.labels[5]', /target.labels\[5\] must be a class from 0 to 2/);
  await refuse([x, { labels: Int32Array.of(0, 1, 2) }], 'target.labels', /one entry per row of x: length 6/);
  await refuse([x, { class: 0, labels: new Int32Array(6) }], 'target', /exactly one of "class" .* and "labels"/);
  await refuse([x, {}], 'target', /exactly one of "class"/);
  await refuse([x, { labels: new Int32Array(6), loss: 'hinge' }], 'target.loss', /'cross_entropy' \(the default\) or 'mse'/);
  await refuse([x, { class: 0, bogus: 1 }], 'target.bogus', /target.bogus must be absent/);
  for (const bad of [random(5, 1, 1), new Float32Array(0), [1, 2, 3, 4]]) {
    let p;
    assert.doesNotThrow(() => { p = net.predict(bad); }, 'predict: never a synchronous throw');
    await assert.rejects(p, (e) => e.code === 'invalid-option' && e.field === 'x' && /predict: x must be a non-empty Float32Array of rows of the net's input \(4 values each/.test(e.message));
  }
  await assert.rejects(net.predict(x, { layer: 5 }), (e) => e.code === 'invalid-option' && /predict/.test(e.message));
  await assert.rejects(net.predict(x, { layers: 0 }), (e) => e.code === 'invalid-option' && e.field === 'options.layers');
  net.destroy();
});
