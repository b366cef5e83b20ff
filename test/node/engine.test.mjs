// The engine under Node on Dawn (the `webgpu` package; SwiftShader when there is no GPU): the
// built package imported by name, forward and backward of every activation against the float64
// reference, and the lecture's xavier/tanh profile at a reduced width.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createEngine, InitscopeError } from 'initscope';
import { createNodeGPU } from 'initscope/node';
import { referenceActivation, referenceForward, referenceBackward, referenceStats } from 'initscope/reference';
import { poisonForTesting } from '../../dist/testing.js';
import { assertClose, random } from './helpers.mjs';

const ACTIVATIONS = ['linear', 'sigmoid', 'tanh', 'relu', 'leaky_relu', 'prelu', 'elu', 'selu', 'gelu', 'gelu_tanh', 'silu', 'maxout'];

const gpu = await createNodeGPU();
const engine = await createEngine({ gpu });
console.log(`# adapter: ${JSON.stringify(engine.adapterInfo)}, kernels: ${engine.kernelTarget}`);
// The other kernel choice on the same adapter, so both variants are tested wherever this runs.
const otherEngine = await createEngine({ gpu, kernels: engine.kernelTarget === 'cpu' ? 'gpu' : 'cpu' });

test('forward and backward of every activation match float64 (Node, Dawn; the other kernel set on tanh, prelu and maxout)', async () => {
  // [33, 70, 9]: tiled kernels; [260, 128, 12]: the skinny forward with split-K. The browser suite
  // runs every activation on both kernel sets; here the other set checks Dawn in Node on three.
  const cases = [engine, otherEngine].flatMap((e) => (e === engine ? ACTIVATIONS : ['tanh', 'prelu', 'maxout']).map((name) => [e, name]));
  for (const [e, name] of cases) for (const [dims, batch] of [[[33, 70, 9], 5], [[260, 128, 12], 7]]) {
    const act = name === 'maxout' ? { name, k: 2 } : name;
    const pieces = name === 'maxout' ? 2 : 1;
    const net = e.createMLP({ dims, batch, activation: act, bias: true });
    const W = [], b = [], alpha = [];
    for (let l = 0; l < 2; l++) {
      W.push(random(dims[l] * dims[l + 1] * pieces, 11 + l, 2 / Math.sqrt(dims[l])));
      b.push(random(dims[l + 1] * pieces, 21 + l, 0.3));
      alpha.push(random(dims[l + 1], 31 + l, 0.4));
      net.setParameters(l, { W: W[l], b: b[l], ...(name === 'prelu' ? { alpha: alpha[l] } : {}) });
    }
    const X = random(batch * dims[0], 41, 1);
    const G = random(batch * dims[2], 51, 1);
    net.setInput(X);
    await poisonForTesting(net);
    await net.forwardBackward(G, { stats: false });
    const spec = referenceActivation(act);
    const refNet = { dims, batch, activation: spec, W, b, alpha };
    const fwd = referenceForward(refNet, X);
    const grads = referenceBackward(refNet, X, fwd, G);
    for (let l = 0; l < 2; l++) {
      assertClose(`${e.kernelTarget} ${name} A${l}`, await net.readActivations(l), fwd.A[l], 2e-5, 1e-5);
      const g = await net.readGradients(l);
      const scale = Math.max(...grads.dW[l].map(Math.abs));
      assertClose(`${e.kernelTarget} ${name} dW${l}`, g.W, grads.dW[l], 1e-5 * scale, 1e-4);
      assertClose(`${e.kernelTarget} ${name} dX${l}`, g.input, grads.dInput[l], 1e-5 * Math.max(...grads.dInput[l].map(Math.abs)), 1e-4);
      assertClose(`${e.kernelTarget} ${name} db${l}`, g.b, grads.db[l], 1e-5 * Math.max(...grads.db[l].map(Math.abs)), 1e-4);
      if (name === 'prelu') assertClose(`${e.kernelTarget} prelu dalpha${l}`, g.alpha, grads.dalpha[l], 1e-5 * Math.max(...grads.dalpha[l].map(Math.abs)), 1e-4);
    }
    net.destroy();
  }
});

// One layer, Din = 1, W = 1 (maxout's second piece 0.5): Z = X exactly, so the inputs are the z
// values themselves: |z| up to 1e4 and the kinks at 0, with parameters other than the defaults
// (elu alpha 0.5: f'(0) = alpha as PyTorch, where alpha 1 could not tell the two sides apart).
// Both kernel sets include the one activations.wgsl; the other set runs the five whose functions
// take exp or erf of z (where 1e4 overflows if computed naively), and maxout.
test('every activation: A, dL/dX and dL/dW stay finite and equal float64 for |z| up to 1e4 and at the kink (the other kernel set: the exponential ones and maxout)', async () => {
  const zs = [-1e4, -3000, -100, -30, -10, -3, -1, -1e-3, 0, 1e-3, 1, 3, 10, 30, 100, 3000, 1e4];
  const X = new Float32Array(zs);
  const G = random(zs.length, 61, 1);
  const cases = [...ACTIVATIONS.map((name) => (name === 'maxout' ? { name, k: 2 } : name)), { name: 'elu', alpha: 0.5 }, { name: 'leaky_relu', slope: 0.2 }];
  const exponential = new Set(['sigmoid', 'elu', 'selu', 'gelu', 'silu', 'maxout']);
  for (const e of [engine, otherEngine]) for (const act of cases.filter((a) => e === engine || exponential.has(a.name ?? a))) {
    const spec = referenceActivation(act);
    const label = `${e.kernelTarget} ${JSON.stringify(act)}`;
    const net = e.createMLP({ dims: [1, 1], batch: zs.length, activation: act, init: 'zeros' });
    const W = new Float32Array(spec.pieces).map((_, p) => 1 - 0.5 * p);
    net.setParameters(0, { W });
    net.setInput(X);
    await poisonForTesting(net);
    await net.forwardBackward(G, { stats: false });
    const refNet = { dims: [1, 1], batch: zs.length, activation: spec, W: [W], alpha: [new Float32Array([0.25])] };
    const fwd = referenceForward(refNet, X);
    const grads = referenceBackward(refNet, X, fwd, G);
    const A = await net.readActivations(0);
    const g = await net.readGradients(0);
    assert.ok(A.every(Number.isFinite) && g.input.every(Number.isFinite) && g.W.every(Number.isFinite), `${label}: finite`);
    assertClose(`${label} A`, A, fwd.A[0], 1e-6, 2e-6);
    assertClose(`${label} dX`, g.input, grads.dInput[0], 1e-6, 2e-6);
    assertClose(`${label} dW`, g.W, grads.dW[0], 1e-6 * Math.max(...grads.dW[0].map(Math.abs)), 1e-5);
    net.destroy();
  }
});

test('xavier/tanh activations shrink slowly layer by layer (width 512)', async () => {
  const net = engine.createMLP({ dims: [512, 512, 512, 512, 512, 512, 512], batch: 16, activation: 'tanh', init: 'xavier' });
  await net.setInput('randn');
  const r = await net.forward();
  const std = r.layers.map((l) => l.activation.std);
  // design.md (width 4096): 0.628 0.486 0.408 0.358 0.321 0.292; width 512 moves these by sampling only.
  const expected = [0.628, 0.486, 0.408, 0.358, 0.321, 0.292];
  std.forEach((s, l) => assert.ok(Math.abs(s - expected[l]) < 0.1 * expected[l], `layer ${l + 1}: std ${s}, expected ~${expected[l]}`));
  net.destroy();
});

test('weightStats() equals the float64 statistics of the weights read back', async () => {
  for (const e of [engine, otherEngine]) {
    // Layer 1 gets 3 all-zero columns: dead units of W are counted like those of any tensor.
    const dims = [70, 33, 9];
    const net = e.createMLP({ dims, batch: 4, activation: 'tanh', init: 'xavier', bias: true, seed: 5 });
    const W1 = random(33 * 9, 7, 0.3);
    for (let i = 0; i < 33; i++) for (let c = 0; c < 3; c++) W1[i * 9 + c] = 0;
    net.setParameters(1, { W: W1 });
    const histogram = { bins: 16, range: 'auto' };
    const stats = await net.weightStats({ histogram });
    assert.equal(stats.length, 2);
    for (let l = 0; l < 2; l++) {
      const { W } = await net.readParameters(l);
      const ref = referenceStats(W, dims[l], dims[l + 1], histogram);
      const got = stats[l];
      const where = `${e.kernelTarget} W${l}`;
      assert.equal(got.count, ref.count, `${where} count`);
      for (const key of ['mean', 'std', 'min', 'max', 'meanAbs', 'rms']) {
        assert.ok(Math.abs(got[key] - ref[key]) <= 1e-6 + 1e-4 * Math.abs(ref[key]), `${where} ${key}: ${got[key]} vs ${ref[key]}`);
      }
      for (const key of ['zeroFraction', 'deadUnitFraction', 'nanCount', 'infCount']) assert.equal(got[key], ref[key], `${where} ${key}`);
      const moved = got.histogram.counts.reduce((a, c, i) => a + Math.abs(c - ref.histogram.counts[i]), 0);
      assert.ok(moved <= 2, `${where} histogram ${got.histogram.counts} vs ${ref.histogram.counts}`);
    }
    assert.equal(stats[1].deadUnitFraction, 3 / 9);
    net.destroy();
  }
});

test('a histogram range per tensor kind bins each kind on its own range (kinds not named stay auto)', async () => {
  const dims = [30, 41, 23];
  const batch = 7;
  const range = { activation: [-1, 1], preactivation: [-2, 2.5], weightGrad: [-0.3, 0.3] };
  for (const e of [engine, otherEngine]) {
    const net = e.createMLP({ dims, batch, activation: 'tanh', init: { name: 'normal', std: 0.5 }, bias: false, seed: 9 });
    net.setInput(random(batch * dims[0], 3, 2));
    const r = await net.forwardBackward('randn', { histogram: { bins: 12, range } });
    for (let l = 0; l < 2; l++) {
      const where = `${e.kernelTarget} layer ${l}`;
      const g = await net.readGradients(l);
      const tensors = [
        ['preactivation', r.forward.layers[l].preactivation, await net.readPreactivations(l), batch, dims[l + 1]],
        ['activation', r.forward.layers[l].activation, await net.readActivations(l), batch, dims[l + 1]],
        ['weightGrad', r.backward.layers[l].weightGrad, g.W, dims[l], dims[l + 1]],
        ['inputGrad', r.backward.layers[l].inputGrad, g.input, batch, dims[l]],
      ];
      for (const [field, got, values, rows, cols] of tensors) {
        const ref = referenceStats(values, rows, cols, { bins: 12, range: range[field] ?? 'auto' });
        assertClose(`${where} ${field} range`, [got.histogram.lo, got.histogram.hi], [ref.histogram.lo, ref.histogram.hi], 1e-6, 1e-5);
        assert.equal(got.histogram.underflow + got.histogram.overflow, ref.histogram.underflow + ref.histogram.overflow, `${where} ${field} outside`);
        const moved = got.histogram.counts.reduce((a, c, i) => a + Math.abs(c - ref.histogram.counts[i]), 0);
        assert.ok(moved <= 2 * Math.ceil(rows * cols / 1000), `${where} ${field}: ${got.histogram.counts} vs ${ref.histogram.counts}`);
      }
    }
    assert.equal(r.forward.layers[0].activation.histogram.lo, -1);
    assert.ok(r.forward.layers[0].preactivation.histogram.underflow + r.forward.layers[0].preactivation.histogram.overflow > 0, 'std 0.5 sends some of Z outside [-2, 2.5]');
    await assert.rejects(net.forward({ histogram: { range: { activations: [-1, 1] } } }), (err) => err.code === 'invalid-option' && err.field === 'histogram.range.activations');
    await assert.rejects(net.forward({ histogram: { range: { activation: [1, -1] } } }), (err) => err.field === 'histogram.range.activation');
    net.destroy();
  }
});

test('bad options are refused before anything reaches the GPU', async () => {
  await assert.rejects(createEngine({ gpu, kernels: 'fast' }), /createEngine: kernels must be 'auto', 'gpu' or 'cpu', got "fast"/);
  assert.throws(() => engine.createMLP({ dims: [4, 0], batch: 1 }), (e) => e instanceof InitscopeError && /dims\[1\].*positive integer.*got 0/.test(e.message));
  assert.throws(() => engine.createMLP({ dims: [4, 4], batch: 1, activation: 'swish' }), /activation must be one of .*got "swish"/);
});
