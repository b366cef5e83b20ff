// Residual blocks, dropout, masks, pruning, snapshots and the reading list's initialisations
// (design.md section 9) on the GPU against float64: forward and backward of nets with blocks
// (dense and conv branches, a learnable multiplier) on both kernel sets, every output poisoned
// first; training steps with a block, dropout and masks (SGD momentum, Adam); dropout's mask
// statistics, inverted scale, eval pass and determinism; magnitude pruning's exact count and
// tie rule; snapshot/restore; Fixup and random-walk weights; the refusals.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TextDecoder } from 'node:util';
import { createEngine } from 'initscope';
import { createNodeGPU } from 'initscope/node';
import {
  referenceActivation, referenceFixupFactor, referenceLayersBackward, referenceLayersForward, referenceLayersTraining, referenceLayersTrainStep,
  referenceDataInitWithin, referencePrune, referenceRandomWalkGain,
} from 'initscope/reference';
import { poisonForTesting } from '../../dist/testing.js';
import { assertClose, random } from './helpers.mjs';

const gpu = await createNodeGPU();
const engines = { cpu: await createEngine({ gpu, kernels: 'cpu' }), gpu: await createEngine({ gpu, kernels: 'gpu' }) };

const relu = referenceActivation('relu');
const tanh = referenceActivation('tanh');
const linear = referenceActivation('linear');

/** Input 5 -> dense 7 (tanh) -> block [dense 7 relu, dropout 0.3, dense 7 linear] (relu, multiplier)
 *  -> block [dense 7 tanh] (tanh) -> dense 3 linear. Units, not tile multiples. */
const DENSE_NET = {
  input: 5, activation: 'tanh',
  layers: [
    { type: 'dense', units: 7 },
    { type: 'residual', activation: 'relu', multiplier: true, layers: [
      { type: 'dense', units: 7, activation: 'relu' }, { type: 'dropout', p: 0.3 }, { type: 'dense', units: 7, activation: 'linear' }] },
    { type: 'residual', activation: 'tanh', layers: [{ type: 'dense', units: 7 }] },
    { type: 'dense', units: 3, activation: 'linear' },
  ],
};

/** A dense net's float64 twin with random parameters written into the engine's net (paths for a block's layers). */
async function randomBlockNet(engine, batch, seed) {
  const net = engine.createNet({ ...DENSE_NET, batch, seed });
  const dense = async (path, din, units, activation) => {
    const W = random(din * units, seed + 10 * path.length + path.at(-1), 1.5 / Math.sqrt(din));
    const b = random(units, seed + 50 + 10 * path.length + path.at(-1), 0.3);
    await net.setParameters(path.length === 1 ? path[0] : path, { W, b });
    return { type: 'dense', din, units, activation, W, b };
  };
  const ref = [
    await dense([0], 5, 7, tanh),
    { type: 'residual', activation: relu, multiplier: 1, layers: [await dense([1, 0], 7, 7, relu), { type: 'dropout', p: 0.3 }, await dense([1, 2], 7, 7, linear)] },
    { type: 'residual', activation: tanh, layers: [await dense([2, 0], 7, 7, tanh)] },
    await dense([3], 7, 3, linear),
  ];
  return { net, ref };
}

test('residual blocks of dense layers: A, Z, dW, db and dX of every layer (inner ones by path) equal float64; both kernel sets', async () => {
  for (const [kernels, engine] of Object.entries(engines)) {
    const batch = 3;
    const { net, ref } = await randomBlockNet(engine, batch, 4);
    const X = random(batch * 5, 41, 1);
    const G = random(batch * 3, 42, 1);
    await net.setInput(X);
    await poisonForTesting(net);
    const r = await net.forwardBackward(G);
    const fwd = referenceLayersForward(ref, batch, X);
    const grads = referenceLayersBackward(ref, batch, X, fwd, G);
    const name = (p) => `${kernels} layer ${JSON.stringify(p)}`;
    for (const l of [0, 1, 2, 3]) assertClose(`${name(l)} A`, await net.readActivations(l), fwd.A[l], 1e-5, 1e-4);
    const inner = fwd.inner[1];
    for (const j of [0, 1, 2]) assertClose(`${name([1, j])} A`, await net.readActivations([1, j]), inner.A[j], 1e-5, 1e-4);
    const checks = [[[0], grads[0]], [[1, 0], grads[1].inner[0]], [[1, 2], grads[1].inner[2]], [[2, 0], grads[2].inner[0]], [[3], grads[3]]];
    for (const [path, g] of checks) {
      const got = await net.readGradients(path.length === 1 ? path[0] : path);
      assertClose(`${name(path)} dW`, got.W, g.dW, 2e-5, 2e-4);
      assertClose(`${name(path)} db`, got.b, g.db, 2e-5, 2e-4);
      assertClose(`${name(path)} dInput`, got.input, g.dInput, 2e-5, 2e-4);
    }
    // Results nest a block's layers under it, with their paths; the block reports X + m F as its preactivation.
    const block = r.forward.layers[1];
    assert.equal(block.type, 'residual');
    assert.deepEqual(block.layers.map((x) => [x.type, x.path]), [['dense', [1, 0]], ['dropout', [1, 1]], ['dense', [1, 2]]]);
    const z = fwd.Z[1];
    const mean = z.reduce((s, v) => s + v, 0) / z.length;
    assert.ok(Math.abs(block.preactivation.mean - mean) <= 1e-5, `${kernels}: block preactivation mean ${block.preactivation.mean} vs ${mean}`);
    const dx = grads[1].dInput;
    const dxStd = Math.sqrt(dx.reduce((s, v) => s + v * v, 0) / dx.length - (dx.reduce((s, v) => s + v, 0) / dx.length) ** 2);
    assert.ok(Math.abs(r.backward.layers[1].inputGrad.std - dxStd) <= 1e-4 * dxStd, `${kernels}: block inputGrad std (branch + skip)`);
    net.destroy();
  }
});

test('a residual block of conv layers (kh x kw 3, padding 1) keeps [C, H, W]: A and dW, dX equal float64; both kernel sets', async () => {
  for (const [kernels, engine] of Object.entries(engines)) {
    const batch = 2;
    const net = engine.createNet({ input: [2, 5, 4], batch, activation: 'relu', seed: 3, layers: [
      { type: 'conv', filters: 3, size: 3, padding: 1 },
      { type: 'residual', layers: [{ type: 'conv', filters: 3, size: 3, padding: 1 }, { type: 'conv', filters: 3, size: 3, padding: 1, activation: 'linear' }] },
      { type: 'flatten' }, { type: 'dense', units: 2, activation: 'linear' }] });
    const conv = async (path, cin, seed) => {
      const W = random(3 * cin * 9, seed, 1.2 / Math.sqrt(cin * 9));
      const b = random(3, seed + 1, 0.2);
      await net.setParameters(path.length === 1 ? path[0] : path, { W, b });
      return { type: 'conv', activation: path.length === 1 || path[1] === 0 ? relu : linear, W, b, shape: { cin, h: 5, w: 4, cout: 3, kh: 3, kw: 3, stride: 1, padding: 1 } };
    };
    const Wd = random(60 * 2, 9, 0.2);
    await net.setParameters(3, { W: Wd, b: Float32Array.of(0.1, -0.1) });
    const ref = [await conv([0], 2, 1), { type: 'residual', activation: relu, layers: [await conv([1, 0], 3, 3), await conv([1, 1], 3, 5)] },
      { type: 'flatten' }, { type: 'dense', din: 60, units: 2, activation: linear, W: Wd, b: Float32Array.of(0.1, -0.1) }];
    const X = random(batch * 40, 7, 1);
    const G = random(batch * 2, 8, 1);
    await net.setInput(X);
    await poisonForTesting(net);
    await net.forwardBackward(G);
    const fwd = referenceLayersForward(ref, batch, X);
    const grads = referenceLayersBackward(ref, batch, X, fwd, G);
    assertClose(`${kernels} block A`, await net.readActivations(1), fwd.A[1], 1e-5, 1e-4);
    assertClose(`${kernels} [1, 1] A`, await net.readActivations([1, 1]), fwd.inner[1].A[1], 1e-5, 1e-4);
    for (const [path, g] of [[0, grads[0]], [[1, 0], grads[1].inner[0]], [[1, 1], grads[1].inner[1]]]) {
      const got = await net.readGradients(path);
      assertClose(`${kernels} ${JSON.stringify(path)} dW`, got.W, g.dW, 3e-5, 3e-4);
      assertClose(`${kernels} ${JSON.stringify(path)} dInput`, got.input, g.dInput, 3e-5, 3e-4);
    }
    net.destroy();
  }
});

/** The keep mask of dropout [1, 1] on the last training step, read from its input and output
 *  (where the ReLU before it gave 0 the mask does not matter: 0 either way, and so is relu'). */
async function dropoutMask(net, p) {
  const x = await net.readActivations([1, 0]);
  const y = await net.readActivations([1, 1]);
  return Float64Array.from(x, (v, i) => {
    if (v === 0) return 0;
    assert.ok(y[i] === 0 || Math.abs(y[i] - v / (1 - p)) <= 1e-6 * Math.abs(v), `kept entries are scaled by 1 / (1 - p): ${y[i]} vs ${v / (1 - p)}`);
    return y[i] === 0 ? 0 : 1;
  });
}

test('a training step with a residual block (learnable multiplier), dropout and masks equals float64 for SGD momentum and Adam; masked W stays 0', async () => {
  const engine = engines.cpu;
  const batch = 6;
  for (const optimizer of [{ name: 'sgd', lr: 0.1, momentum: 0.9 }, { name: 'adam', lr: 0.01 }]) {
    const { net, ref } = await randomBlockNet(engine, batch, 9);
    const maskA = Uint8Array.from(random(49, 60, 1), (v) => (v > -0.3 ? 1 : 0));
    const maskB = Float32Array.from(random(21, 61, 1), (v) => (v > 0 ? 1 : 0));
    await net.setMask([1, 0], maskA);
    await net.setMask(3, maskB);
    const trainer = net.trainer({ loss: 'cross_entropy', optimizer });
    const training = referenceLayersTraining(ref, batch, optimizer);
    const [, block, , out] = training.layers;
    block.layers[0].W = block.layers[0].W.map((w, i) => w * maskA[i]);
    block.layers[0].mask = maskA;
    out.W = out.W.map((w, i) => w * maskB[i]);
    out.mask = maskB;
    for (let s = 0; s < 4; s++) {
      const X = random(batch * 5, 70 + s, 1);
      const labels = Int32Array.from({ length: batch }, (_, i) => (i + s) % 3);
      const record = await trainer.step(X, labels);
      block.layers[1].mask = await dropoutMask(net, 0.3);
      const want = referenceLayersTrainStep(training, X, labels, optimizer.lr);
      assert.ok(Math.abs(record.loss - want.loss) <= 1e-5 + 1e-4 * want.loss, `${optimizer.name} step ${s}: loss ${record.loss} vs ${want.loss}`);
    }
    assert.notEqual(block.multiplier, 1, 'the multiplier learned');
    const inner = await net.readParameters([1, 0]);
    assertClose(`${optimizer.name} [1, 0] W`, inner.W, block.layers[0].W, 3e-5, 3e-4);
    const last = await net.readParameters(3);
    assertClose(`${optimizer.name} layer 3 W`, last.W, out.W, 3e-5, 3e-4);
    maskA.forEach((m, i) => { if (!m) assert.equal(inner.W[i], 0, `${optimizer.name}: pruned W[1, 0][${i}] stays exactly 0`); });
    maskB.forEach((m, i) => { if (!m) assert.equal(last.W[i], 0, `${optimizer.name}: pruned W3[${i}] stays exactly 0`); });
    net.destroy();
  }
});

test('dropout: keep fraction 1 - p, kept entries scaled by 1 / (1 - p), forward() untouched, one mask per (seed, step, layer)', async () => {
  const engine = engines.cpu;
  const p = 0.25;
  const make = (seed) => engine.createNet({ input: 64, batch: 32, seed, activation: 'linear', layers: [
    { type: 'dense', units: 96 }, { type: 'dropout', p }, { type: 'dense', units: 4 }] });
  const masks = async (net, steps) => {
    const trainer = net.trainer({ loss: 'cross_entropy', optimizer: { name: 'sgd', lr: 0 } });
    const out = [];
    for (let s = 0; s < steps; s++) {
      await trainer.step(random(32 * 64, 5, 1), Int32Array.from({ length: 32 }, (_, i) => i % 4));
      const x = await net.readActivations(0);
      const y = await net.readActivations(1);
      y.forEach((v, i) => assert.ok(v === 0 || v === Math.fround(x[i] * Math.fround(1 / (1 - p))), `entry ${i}: ${v} is 0 or x / (1 - p) = ${x[i] / (1 - p)}`));
      out.push(Uint8Array.from(y, (v) => (v !== 0 ? 1 : 0)));
    }
    return out;
  };
  const net = make(1);
  const [first, second] = await masks(net, 2);
  const n = first.length;
  const kept = first.reduce((s, v) => s + v, 0) / n;
  const sigma = Math.sqrt(p * (1 - p) / n);
  assert.ok(Math.abs(kept - (1 - p)) < 4 * sigma, `kept fraction ${kept} within 4 sigma of ${1 - p}`);
  assert.ok(first.some((v, i) => v !== second[i]), 'another step draws another mask');
  const [again] = await masks(make(1), 1);
  assert.deepEqual(again, first, 'the same seed gives the same mask at the same step');
  const [other] = await masks(make(2), 1);
  assert.ok(other.some((v, i) => v !== first[i]), 'another seed gives another mask');
  await net.setInput(random(32 * 64, 6, 1));
  await net.forward();
  assert.deepEqual(await net.readActivations(1), await net.readActivations(0), 'forward() does not drop');
});

test('prune removes exactly round(fraction n) of the kept weights of smallest |W| (ties by index) on the GPU; masks through prune(all)', async () => {
  for (const [kernels, engine] of Object.entries(engines)) {
    const net = engine.createNet({ input: 37, batch: 2, layers: [{ type: 'dense', units: 23 }, { type: 'dense', units: 5, activation: 'linear' }] });
    // Values on a coarse grid: many ties in |W|, and some exact zeros, both signs.
    const W = Float32Array.from(random(37 * 23, 3, 1), (v) => Math.round(v * 8) / 8);
    await net.setParameters(0, { W });
    let mask = new Uint8Array(W.length).fill(1);
    let current = W;
    for (const fraction of [0.2, 0.5, 0.37]) {
      const got = await net.prune(0, { fraction });
      const want = referencePrune(current, mask, fraction);
      assert.deepEqual(got, want, `${kernels}: prune ${fraction} of ${mask.reduce((s, v) => s + v, 0)} kept`);
      const p = await net.readParameters(0);
      p.W.forEach((w, i) => assert.equal(w, want[i] ? W[i] : 0, `${kernels}: W[${i}] kept or zeroed`));
      mask = want;
      current = p.W;
    }
    const all = await net.prune('all', { fraction: 0.1 });
    assert.equal(all.length, 2);
    assert.equal(all[1].reduce((s, v) => s + v, 0), 23 * 5 - Math.round(0.1 * 23 * 5), `${kernels}: the output layer lost 10%`);
    net.destroy();
  }
});

test('snapshot and restore rewind every parameter, keep the masks and start the optimiser again (the same first step, bit for bit)', async () => {
  const engine = engines.cpu;
  const net = engine.createNet({ ...DENSE_NET, batch: 4, seed: 5 });
  const snap = await net.snapshot();
  const before = await net.readParameters([1, 0]);
  const trainer = net.trainer({ loss: 'cross_entropy', optimizer: { name: 'adam', lr: 0.01 } });
  const X = random(4 * 5, 1, 1);
  const labels = Int32Array.of(0, 1, 2, 0);
  const first = await trainer.step(X, labels);
  await trainer.step(X, labels);
  const mask = await net.prune([1, 0], { fraction: 0.5 });
  await net.restore(snap);
  const after = await net.readParameters([1, 0]);
  after.W.forEach((w, i) => assert.equal(w, mask[i] ? before.W[i] : 0, `W[1, 0][${i}]: the snapshot's value, 0 where pruned`));
  assert.deepEqual(after.b, before.b, 'biases rewound');
  await net.setMask([1, 0], new Uint8Array(mask.length).fill(1));
  await net.restore(snap);
  const again = await trainer.step(X, labels);
  assert.equal(again.loss, first.loss, 'after a rewind with every weight kept, the first step again (state zeroed, step count 0)');
  snap.release();
  await assert.rejects(net.restore(snap), (e) => e.code === 'invalid-option' && /released/.test(e.message));
  net.destroy();
});

test("init 'fixup' zeroes each branch's last layer and the output layer and scales the rest by L^(-1/(2m-2)); random_walk's gain", async () => {
  const engine = engines.cpu;
  const width = 64;
  const blocks = 4;
  const net = engine.createNet({ input: width, batch: 2, init: 'fixup', layers: [
    ...Array.from({ length: blocks }, () => ({ type: 'residual', multiplier: true, layers: [{ type: 'dense', units: width }, { type: 'dense', units: width, activation: 'linear' }] })),
    { type: 'dense', units: 10, activation: 'linear' }] });
  const std = (a) => Math.sqrt(a.reduce((s, v) => s + v * v, 0) / a.length);
  for (let i = 0; i < blocks; i++) {
    const w0 = (await net.readParameters([i, 0])).W;
    const want = Math.sqrt(2 / width) * referenceFixupFactor(blocks, 2);
    assert.ok(Math.abs(std(w0) / want - 1) < 0.05, `block ${i} first layer std ${std(w0)} vs ${want}`);
    assert.ok((await net.readParameters([i, 1])).W.every((v) => v === 0), `block ${i} last layer is 0`);
  }
  assert.ok((await net.readParameters(blocks)).W.every((v) => v === 0), 'the output layer is 0');
  for (const activation of ['relu', 'linear']) {
    const rw = engine.createNet({ input: 100, batch: 2, activation, init: 'random_walk', layers: [{ type: 'dense', units: 100 }] });
    const w = (await rw.readParameters(0)).W;
    const want = referenceRandomWalkGain(100, activation === 'relu') / Math.sqrt(100);
    assert.ok(Math.abs(std(w) / want - 1) < 0.03, `random_walk ${activation}: std ${std(w)} vs ${want}`);
    rw.destroy();
  }
  net.destroy();
});

test('blocks, dropout and masks refuse what does not fit, naming the field, the value and what is allowed', async () => {
  const engine = engines.cpu;
  const refuse = (layers, pattern) => assert.throws(() => engine.createNet({ input: 6, batch: 2, layers }), (e) => {
    assert.equal(e.code, 'invalid-option');
    assert.match(e.message, pattern);
    return true;
  });
  refuse([{ type: 'residual', layers: [{ type: 'dense', units: 4 }] }], /layers\[0\] \(residual\) must keep its input's shape \[6\].*end with \[4\]/);
  refuse([{ type: 'residual', layers: [{ type: 'flatten' }] }], /layers\[0\]\.layers\[0\]\.type must be one of dense, conv, dropout \(inside a residual block\)/);
  refuse([{ type: 'residual', layers: [] }], /layers\[0\]\.layers must be a non-empty array/);
  refuse([{ type: 'residual', multiplier: 1, layers: [{ type: 'dense', units: 6 }] }], /layers\[0\]\.multiplier must be true .* or false, got 1/);
  refuse([{ type: 'dropout', p: 1 }, { type: 'dense', units: 2 }], /layers\[0\]\.p must be a number from 0 .* up to but not including 1, got 1/);
  const net = engine.createNet({ ...DENSE_NET, batch: 2 });
  await assert.rejects(net.setMask([1, 1], new Uint8Array(1)), (e) => e.code === 'invalid-option' && /layer \[1,1\] is a dropout/.test(e.message));
  await assert.rejects(net.setMask([1, 0], new Uint8Array(48)), (e) => e.code === 'invalid-option' && /mask must have length 49/.test(e.message));
  await assert.rejects(net.setMask(0, Float32Array.from({ length: 35 }, () => 0.5)), (e) => e.field === 'mask[0]' && /0 \(pruned\) or 1 \(kept\), got 0.5/.test(e.message));
  await assert.rejects(net.prune(0, { fraction: 1.5 }), (e) => e.field === 'fraction');
  await assert.rejects(net.readActivations([1, 3]), (e) => e.code === 'invalid-option' && /or a path \[i, j\] into a residual block \(\[1, 0\.\.2\], \[2, 0\.\.0\]\)/.test(e.message));
  const other = engine.createNet({ ...DENSE_NET, batch: 2 });
  await assert.rejects(net.restore(await other.snapshot()), (e) => e.field === 'snapshot');
  net.destroy();
  other.destroy();
});

test('a checkpoint of a net with blocks, a multiplier and a mask: section 9 names; loadNet gives the same outputs bit for bit, mask kept', async () => {
  const engine = engines.cpu;
  const options = { ...DENSE_NET, batch: 3, seed: 2 };
  const net = engine.createNet(options);
  const trainer = net.trainer({ loss: 'cross_entropy', optimizer: { name: 'sgd', lr: 0.1 } });
  await trainer.step(random(15, 1, 1), Int32Array.of(0, 1, 2));
  const mask = await net.prune([1, 2], { fraction: 0.3 });
  const bytes = await net.save();
  const n = Number(new DataView(bytes.buffer, bytes.byteOffset).getBigUint64(0, true));
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + n)));
  for (const name of ['layers.1.layers.0.weight', 'layers.1.layers.2.weight', 'layers.1.layers.2.weight_mask', 'layers.1.multiplier', 'layers.2.layers.0.bias', 'layers.3.weight']) {
    assert.ok(name in header, `${name} in the checkpoint`);
  }
  assert.deepEqual(header['layers.1.multiplier'].shape, [1]);
  assert.deepEqual(header['layers.1.layers.2.weight_mask'].shape, [7, 7]);
  assert.ok(!('layers.1.layers.0.weight_mask' in header), 'no mask where the net has none');
  const loaded = await engine.loadNet(bytes);
  const X = random(15, 2, 1);
  for (const m of [net, loaded]) await m.setInput(X);
  await net.forward();
  await loaded.forward();
  assert.deepEqual(await loaded.readActivations(3), await net.readActivations(3), 'the same outputs, bit for bit (the multiplier and the masked W included)');
  const t = loaded.trainer({ loss: 'cross_entropy', optimizer: { name: 'sgd', lr: 0.1 } });
  await t.step(random(15, 3, 1), Int32Array.of(0, 1, 2));
  const W = (await loaded.readParameters([1, 2])).W;
  mask.forEach((m, i) => { if (!m) assert.equal(W[i], 0, `the loaded mask keeps W[1, 2][${i}] at 0 through a step`); });
  for (const m of [net, loaded]) m.destroy();
});

test('dataInit: every unit of every layer gets mean 0, variance 1 on the batch (W and b against float64), then equal change rates E[dW^2] / E[W^2], with and without biases, the output kept', async () => {
  const engine = engines.cpu;
  const batch = 40;
  const dims = [13, 17, 11, 5];
  const net = engine.createNet({ input: dims[0], batch, seed: 4, activation: 'tanh', layers: [
    { type: 'dense', units: 17 }, { type: 'dense', units: 11 }, { type: 'dense', units: 5, activation: 'linear' }] });
  const X = random(batch * dims[0], 12, 1);
  const ref = [];
  for (let l = 0; l < 3; l++) {
    const W = random(dims[l] * dims[l + 1], 30 + l, 0.7);
    const b = random(dims[l + 1], 40 + l, 0.5);
    await net.setParameters(l, { W, b });
    ref.push({ din: dims[l], units: dims[l + 1], W, b, activation: l < 2 ? tanh : linear });
  }
  const r0 = await net.dataInit(X, { iterations: 0 });
  const want = referenceDataInitWithin(ref, batch, X);
  for (let l = 0; l < 3; l++) {
    const p = await net.readParameters(l);
    assertClose(`layer ${l} W`, p.W, want[l].W, 1e-5, 1e-4);
    assertClose(`layer ${l} b`, p.b, want[l].b, 1e-5, 1e-4);
  }
  assert.deepEqual(r0.scales, [1, 1, 1]);
  const relu = engine.createNet({ input: 32, batch: 64, seed: 1, activation: 'relu', bias: false, layers: [
    { type: 'dense', units: 48 }, { type: 'dense', units: 40 }, { type: 'dense', units: 24 }, { type: 'dense', units: 8, activation: 'linear' }] });
  const r = await relu.dataInit(random(64 * 32, 5, 1));
  const spread = (rates) => Math.max(...rates) / Math.min(...rates);
  assert.ok(spread(r.ratesBefore) > 1.5, `the rates differ before: ${r.ratesBefore}`);
  assert.ok(spread(r.ratesAfter) < 1.01, `a ReLU net without bias: the rates equal after (${r.ratesAfter})`);
  await assert.rejects(relu.dataInit(undefined, { iterations: -1 }), (e) => e.field === 'iterations');
  // With biases too: each b_l scales by the product of the z's up to its layer, so the rates equal
  // and the net computes what it computed after the within-layer step (prod z = 1).
  const biased = (seed) => engine.createNet({ input: 32, batch: 64, seed, activation: 'relu', bias: { init: 0.3 }, layers: [
    { type: 'dense', units: 48 }, { type: 'dense', units: 40 }, { type: 'dense', units: 8, activation: 'linear' }] });
  const [within, rescaled] = [biased(2), biased(2)];
  const Xb = random(64 * 32, 6, 1);
  await within.dataInit(Xb, { iterations: 0 });
  const rb = await rescaled.dataInit(Xb);
  assert.ok(spread(rb.ratesBefore) > 1.5, `the rates differ before: ${rb.ratesBefore}`);
  assert.ok(spread(rb.ratesAfter) < 1.01, `a ReLU net with biases: the rates equal after (${rb.ratesAfter})`);
  for (const n of [within, rescaled]) await n.forward({ stats: false });
  assertClose('the output after rescaling', await rescaled.readActivations(2), await within.readActivations(2), 1e-5, 1e-4);
  net.destroy();
  relu.destroy();
  within.destroy();
  rescaled.destroy();
});
