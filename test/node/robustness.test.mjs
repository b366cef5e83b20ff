// Numerics and device loss: Inf and NaN that really reach a tensor are counted apart and kept out
// of the moments and the histogram; a device lost in the middle of training rejects the pending
// call with code 'device-lost' (nothing hangs), later calls too, and a new engine works; grids fold
// past the device's workgroups per dimension.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createEngine } from 'initscope';
import { createNodeGPU } from 'initscope/node';
import { spiral } from 'initscope/data';
import { referenceActivation, referenceLayersBackward, referenceLayersForward, referenceOutputSize, referenceStats } from 'initscope/reference';
import { poisonForTesting } from '../../dist/testing.js';
import { assertClose, random } from './helpers.mjs';

const gpu = await createNodeGPU();

test('Inf and NaN reaching Z are counted apart; moments and histogram are those of the finite values', async () => {
  const engine = await createEngine({ gpu });
  const [din, units, batch] = [4, 5, 3];
  const net = engine.createMLP({ dims: [din, units], batch, activation: 'linear' });
  const W = Float32Array.from({ length: din * units }, (_, i) => 0.1 + 0.05 * i);
  await net.setParameters(0, { W });
  const X = new Float32Array([0.5, -1, 2, 0.25, 1, Infinity, -0.5, 3, 0.75, 1, NaN, -2]);
  await net.setInput(X);
  const r = await net.forward({ histogram: { bins: 8 } });
  const Z = new Float64Array(batch * units);
  for (let m = 0; m < batch; m++) for (let j = 0; j < units; j++) {
    let s = 0;
    for (let k = 0; k < din; k++) s += X[m * din + k] * W[k * units + j];
    Z[m * units + j] = s;
  }
  const want = referenceStats(Z, batch, units, { bins: 8 });
  const got = r.layers[0].preactivation;
  assert.equal(want.infCount, units, 'the reference sees a row of +Inf');
  assert.equal(got.infCount, want.infCount, 'infCount');
  assert.equal(got.nanCount, want.nanCount, 'nanCount');
  assert.ok(Math.abs(got.mean - want.mean) < 1e-5 && Math.abs(got.std - want.std) < 1e-5, `moments of the finite row: ${got.mean}, ${got.std} vs ${want.mean}, ${want.std}`);
  assert.deepEqual(got.histogram.counts, want.histogram.counts, 'the histogram holds the finite values only');
  assert.equal(got.histogram.counts.reduce((s, c) => s + c, 0), units);
  engine.destroy();
});

test('a device lost during training rejects with device-lost, later calls too; a new engine works', async () => {
  const engine = await createEngine({ gpu });
  const data = spiral({ points: 200, seed: 1 });
  const net = engine.createMLP({ dims: [2, 64, 64, 3], batch: 16, output: 'linear', bias: true });
  const trainer = net.trainer({ optimizer: { name: 'sgd', lr: 0.1 } });
  await trainer.setData(data.train.x, data.train.labels);
  const training = trainer.train(100000, { every: 5 });
  await new Promise((resolve) => setTimeout(resolve, 300));
  engine.device.destroy();
  const error = await training.then(() => undefined, (e) => e);
  assert.equal(error?.code, 'device-lost', `train rejects with device-lost: ${error}`);
  await assert.rejects(net.setInput('randn'), (e) => e.code === 'device-lost');
  await assert.rejects(trainer.evaluate(data.test.x, data.test.labels), (e) => e.code === 'device-lost');
  const fresh = await createEngine({ gpu });
  const again = fresh.createMLP({ dims: [2, 8, 3], batch: 4 });
  await again.setInput('randn');
  assert.equal((await again.forward()).layers.length, 2, 'a new engine works');
  fresh.destroy();
});

test('a device lost in the middle of a forward and of a backward: both reject with device-lost, nothing hangs', async () => {
  for (const pass of ['forward', 'forwardBackward']) {
    const engine = await createEngine({ gpu });
    const net = engine.createMLP({ dims: [512, 512, 512, 512], batch: 64, activation: 'tanh' });
    await net.setInput('randn');
    const running = pass === 'forward' ? net.forward() : net.forwardBackward('randn');
    const queued = net.forward();
    engine.device.destroy();
    for (const [name, p] of [[pass, running], ['the call queued behind it', queued]]) {
      const error = await p.then(() => undefined, (e) => e);
      assert.equal(error?.code, 'device-lost', `${pass}: ${name} rejects with device-lost: ${error}`);
    }
  }
});

test('a device with few workgroups per dimension: every grid past it folds, and every layer of a dense and a conv net is right; both kernel sets', async () => {
  // The engine folds grids past the device's maxComputeWorkgroupsPerDimension (65535 on every
  // adapter: a batch of millions). Here the device reports 16, so a batch of hundreds folds the
  // same way: the matmul's row blocks into z, every elementwise, conv and pool grid into y. (The
  // statistics' grid is [groups per tensor (<= 4096), tensors]: within 65535, so it never folds
  // and the passes here run without it.)
  const LIMIT = 16;
  const [real] = [await (await gpu.requestAdapter()).requestDevice({ requiredLimits: {} })];
  const device = withWorkgroupLimit(real, LIMIT);
  const nets = [
    { name: 'dense', input: 3, batch: LIMIT * 64 + 77, layers: [{ type: 'dense', units: 5 }, { type: 'dense', units: 4, activation: 'linear' }] },
    { name: 'conv', input: [2, 7, 6], batch: 40, layers: [{ type: 'conv', filters: 3, size: [3, 2], padding: 1 }, { type: 'maxpool', size: 2 },
      { type: 'flatten' }, { type: 'dense', units: 4, activation: 'linear' }] },
  ];
  for (const kernels of ['cpu', 'gpu']) {
    const engine = await createEngine({ device, kernels });
    for (const spec of nets) {
      const net = engine.createNet({ input: spec.input, batch: spec.batch, activation: 'tanh', layers: spec.layers, seed: 3 });
      const plan = await net.describePlan('forwardBackward', { stats: false, upstream: 'array' });
      const grids = [...plan.matchAll(/ (\d+)x(\d+)x(\d+) /g)].map((m) => m.slice(1, 4).map(Number));
      assert.ok(grids.length > 0 && grids.every((g) => g.every((n) => n <= LIMIT)), `${kernels} ${spec.name}: every grid within ${LIMIT}:\n${plan}`);
      assert.ok(grids.some((g) => g[1] > 1 || g[2] > 1), `${kernels} ${spec.name}: some grid folded:\n${plan}`);
      if (spec.name === 'dense' && kernels === 'gpu') assert.match(plan, /forward matmul\S* +\d+x\d+x2 /, `${kernels}: the forward matmul's row blocks fold into z:\n${plan}`);
      const ref = [];
      let shape = Array.isArray(spec.input) ? spec.input : [spec.input];
      for (const [l, layer] of spec.layers.entries()) {
        const activation = referenceActivation(layer.activation ?? 'tanh');
        if (layer.type === 'conv') {
          const fanIn = shape[0] * 3 * 2;
          const W = random(layer.filters * fanIn, 10 + l, 1.5 / Math.sqrt(fanIn));
          const b = random(layer.filters, 20 + l, 0.3);
          await net.setParameters(l, { W, b });
          ref.push({ type: 'conv', activation, W, b, shape: { cin: shape[0], h: shape[1], w: shape[2], cout: layer.filters, kh: 3, kw: 2, stride: 1, padding: 1 } });
          shape = [layer.filters, ...referenceOutputSize(shape[1], shape[2], 3, 2, 1, 1)];
        } else if (layer.type === 'maxpool') {
          ref.push({ type: 'maxpool', shape: { c: shape[0], h: shape[1], w: shape[2], size: 2, stride: 2 } });
          shape = [shape[0], Math.floor(shape[1] / 2), Math.floor(shape[2] / 2)];
        } else if (layer.type === 'flatten') {
          ref.push({ type: 'flatten' });
          shape = [shape.reduce((a, b) => a * b, 1)];
        } else {
          const W = random(shape[0] * layer.units, 10 + l, 1.5 / Math.sqrt(shape[0]));
          const b = random(layer.units, 20 + l, 0.3);
          await net.setParameters(l, { W, b });
          ref.push({ type: 'dense', din: shape[0], units: layer.units, activation, W, b });
          shape = [layer.units];
        }
      }
      const inputWidth = (Array.isArray(spec.input) ? spec.input : [spec.input]).reduce((a, b) => a * b, 1);
      const X = random(spec.batch * inputWidth, 40, 1);
      await net.setInput(X);
      await poisonForTesting(net);
      const G = random(spec.batch * shape[0], 50, 1);
      await net.forwardBackward(G, { stats: false });
      const fwd = referenceLayersForward(ref, spec.batch, X);
      const grads = referenceLayersBackward(ref, spec.batch, X, fwd, G);
      for (const [l, layer] of spec.layers.entries()) {
        const name = `${kernels} ${spec.name} layer ${l} (${layer.type})`;
        assertClose(`${name} A`, await net.readActivations(l), fwd.A[l], 1e-5, 1e-4);
        if (layer.type !== 'conv' && layer.type !== 'dense') continue;
        const g = await net.readGradients(l);
        assertClose(`${name} dW`, g.W, grads[l].dW, 2e-5, 2e-4);
        assertClose(`${name} db`, g.b, grads[l].db, 2e-5, 2e-4);
        assertClose(`${name} dInput`, g.input, grads[l].dInput, 2e-5, 2e-4);
      }
      net.destroy();
    }
    engine.destroy();
  }
  real.destroy();
});

/** A real device that reports `limit` workgroups per grid dimension (it allows 65535). */
function withWorkgroupLimit(device, limit) {
  const limits = new Proxy(device.limits, {
    get: (t, key) => (key === 'maxComputeWorkgroupsPerDimension' ? limit : Reflect.get(t, key)),
  });
  return new Proxy(device, {
    get(t, key) {
      if (key === 'limits') return limits;
      const value = Reflect.get(t, key);
      return typeof value === 'function' ? value.bind(t) : value;
    },
  });
}

/** Dawn's GPU with one twist: while `oom.next` is set, the next out-of-memory error scope popped
 *  reports an error, as a GPU that ran out of memory would. Everything else is the real device. */
function gpuWithOutOfMemory(real, oom) {
  const bind = (target, override) => new Proxy(target, {
    get(t, key) {
      if (key in override) return override[key];
      const value = Reflect.get(t, key);
      return typeof value === 'function' ? value.bind(t) : value;
    },
  });
  const wrapDevice = (device) => {
    const scopes = [];
    return bind(device, {
      pushErrorScope: (filter) => { scopes.push(filter); device.pushErrorScope(filter); },
      popErrorScope: async () => {
        const filter = scopes.pop();
        const error = await device.popErrorScope();
        if (filter === 'out-of-memory' && oom.next) { oom.next = false; return { message: 'injected out-of-memory' }; }
        return error;
      },
    });
  };
  return bind(real, {
    requestAdapter: async (options) => {
      const adapter = await real.requestAdapter(options);
      return bind(adapter, { requestDevice: async (descriptor) => wrapDevice(await adapter.requestDevice(descriptor)) });
    },
  });
}

test('out of memory when a net is made, or its gradients: that call rejects with out-of-memory, buffers are freed, the engine goes on', async () => {
  const oom = { next: false };
  const engine = await createEngine({ gpu: gpuWithOutOfMemory(gpu, oom) });
  const before = engine.memory();
  oom.next = true;
  const net = engine.createMLP({ dims: [8, 16, 4], batch: 4, activation: 'tanh' });
  await assert.rejects(net.ready(), (e) => e.code === 'out-of-memory' && /createMLP: the GPU is out of memory/.test(e.message));
  await assert.rejects(net.setInput('randn'), (e) => e.code === 'out-of-memory' && /^setInput:/.test(e.message));
  assert.deepEqual(engine.memory(), before, 'the refused net holds no buffer');
  net.destroy();

  const ok = engine.createMLP({ dims: [8, 16, 4], batch: 4, activation: 'tanh' });
  await ok.setInput('randn');
  const held = engine.memory();
  oom.next = true;
  await assert.rejects(ok.forwardBackward('ones'), (e) => e.code === 'out-of-memory' && /^backward: /.test(e.message));
  assert.deepEqual(engine.memory(), held, 'the gradient buffers that failed are freed');
  const f = await ok.forward();
  assert.equal(f.layers.length, 2, 'the net still runs forward');
  const r = await ok.forwardBackward('ones');
  assert.ok(r.backward.layers[0].weightGrad.count > 0, 'and backward once memory is there');
  ok.destroy();
  assert.deepEqual(engine.memory(), before);
  engine.destroy();
});

test('an initialisation of 67 million weights folds its 65,544 workgroups into 2-D: every weight written', async () => {
  // 8192 x 8193 floats / 1024 per workgroup = 65,544 workgroups, past the 65,535 of one dimension
  // (an unfolded grid would be refused as too-large before reaching the GPU).
  const engine = await createEngine({ gpu });
  const net = engine.createMLP({ dims: [8192, 8193], batch: 1, init: 'xavier', seed: 3 });
  const { W } = await net.readParameters(0);
  let zeros = 0, sum = 0, squares = 0;
  for (const v of W) { if (v === 0) zeros++; sum += v; squares += v * v; }
  assert.ok(zeros < 100, `${zeros} weights are exactly 0: some were never written`);
  assert.ok(W.subarray(-1024).every((v) => v !== 0), 'the last workgroup, past the fold, wrote its weights');
  const std = Math.sqrt(squares / W.length - (sum / W.length) ** 2);
  assert.ok(Math.abs(std - 1 / Math.sqrt(8192)) < 0.01 / Math.sqrt(8192), `std ${std}`);
  net.destroy();
  engine.destroy();
});
