// Errors and lifetime through the public API: every refusal is an InitscopeError with a code (and
// a field for options); methods that return a Promise reject instead of throwing; destroy()
// frees the net's GPU buffers at once, twice is harmless, and later or queued calls reject with
// code 'destroyed'; create/destroy cycles return memory to the baseline.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createEngine, InitscopeError } from 'initscope';
import { createNodeGPU } from 'initscope/node';

const engine = await createEngine({ gpu: await createNodeGPU() });

/** The call must return a promise (not throw) that rejects with an InitscopeError of this code. */
async function rejects(name, call, code, field) {
  let promise;
  assert.doesNotThrow(() => { promise = call(); }, `${name} threw synchronously instead of rejecting`);
  assert.ok(promise instanceof Promise, `${name} returns a Promise`);
  const error = await promise.then(() => undefined, (e) => e);
  assert.ok(error instanceof InitscopeError, `${name}: rejects with an InitscopeError, got ${error}`);
  assert.equal(error.code, code, `${name}: code (${error.message})`);
  if (field !== undefined) assert.equal(error.field, field, `${name}: field`);
  return error;
}

test('refusals: synchronous for createMLP, rejected promises for the net, each with code and field', async () => {
  assert.throws(() => engine.createMLP({ dims: [4, 3.5], batch: 2 }),
    (e) => e instanceof InitscopeError && e.code === 'invalid-option' && e.field === 'dims[1]' && /got 3\.5/.test(e.message));
  assert.throws(() => engine.createMLP({ dims: [4, 3], batch: 2, histogram: 1 }),
    (e) => e.code === 'invalid-option' && e.field === 'histogram');
  const net = engine.createMLP({ dims: [4, 3], batch: 2 });
  await rejects('forward before setInput', () => net.forward(), 'invalid-state');
  await rejects('profile before setInput', () => net.profile(), 'invalid-state');
  await rejects('setInput of the wrong length', () => net.setInput(new Float32Array(3)), 'invalid-option', 'input');
  await rejects('setParameters of layer 5', () => net.setParameters(5, {}), 'invalid-option', 'layer');
  await rejects('readActivations(-1)', () => net.readActivations(-1), 'invalid-option', 'layer');
  await rejects('readGradients before backward', () => net.readGradients(0), 'invalid-state');
  await net.setInput('randn');
  await rejects('backward before forward', () => net.backward(), 'invalid-state');
  await rejects('forward with 0 bins', () => net.forward({ histogram: { bins: 0 } }), 'invalid-option', 'histogram.bins');
  await rejects('backward with a short gradient', () => net.backward(new Float32Array(2)), 'invalid-option', 'gradient');
  await rejects('weightStats with a bad range', () => net.weightStats({ histogram: { range: [1, 1] } }), 'invalid-option', 'histogram.range');
  const f = await net.forward();
  assert.equal(f.layers.length, 1, 'the net still works after the refusals');
  net.destroy();
});

test('destroy frees at once, twice is harmless, queued and later calls reject with code destroyed', async () => {
  const base = engine.memory();
  const net = engine.createMLP({ dims: [64, 32, 16], batch: 8, bias: true });
  await net.setInput('randn');
  await net.forwardBackward('randn');
  assert.ok(engine.memory().buffers > base.buffers, 'the net holds buffers');
  const queued = [net.forward(), net.readGradients(0)];
  net.destroy();
  assert.deepEqual(engine.memory(), base, 'memory right after destroy() equals memory before the net');
  net.destroy();
  for (const [i, p] of queued.entries()) await rejects(`queued call ${i}`, () => p, 'destroyed');
  await rejects('forward after destroy', () => net.forward(), 'destroyed');
  await rejects('setInput after destroy', () => net.setInput('randn'), 'destroyed');
  assert.deepEqual(engine.memory(), base);
});

// 20 cycles go through every combination below (activation, bias and bins, profile) more than once.
test('20 create/use/destroy cycles return engine memory to the baseline', async () => {
  const base = engine.memory();
  for (let i = 0; i < 20; i++) {
    const net = engine.createMLP({ dims: [9, 7, 5], batch: 3, activation: i % 2 ? 'relu' : 'prelu', bias: i % 3 === 0, seed: i });
    await net.setInput('randn');
    await net.forwardBackward('ones', { histogram: { bins: 8 + (i % 3) } });
    if (i % 5 === 0) await net.profile('forward');
    net.destroy();
  }
  assert.deepEqual(engine.memory(), base);
});

test('a destroyed engine refuses new nets with code destroyed', async () => {
  const other = await createEngine({ gpu: await createNodeGPU() });
  other.destroy();
  other.destroy();
  assert.throws(() => other.createMLP({ dims: [2, 2], batch: 1 }), (e) => e instanceof InitscopeError && e.code === 'destroyed');
});

test('a net past the adapter\'s buffer limits is refused with the largest batch and widest width that fit; those fit, one more does not', () => {
  const before = engine.memory();
  const tooLarge = (options) => {
    let error;
    assert.throws(() => engine.createMLP(options), (e) => { error = e; return e instanceof InitscopeError && e.code === 'too-large'; });
    assert.deepEqual(engine.memory(), before, 'a refusal leaves no buffer behind');
    return error.message;
  };
  const dims = [48, 48, 48];
  const message = tooLarge({ dims, batch: 20_000_000 });
  assert.match(message, /maxStorageBufferBindingSize|maxBufferSize/);
  const batch = Number(/a batch of at most (\d+) fits/.exec(message)?.[1]);
  const width = Number(/the widest width that fits is (\d+)/.exec(message)?.[1]);
  assert.ok(batch > 1000 && width >= 1, message);
  for (const fits of [{ dims, batch }, { dims: dims.map(() => width), batch: 20_000_000 }]) {
    const net = engine.createMLP(fits);
    net.destroy();
  }
  tooLarge({ dims, batch: batch + 1 });
  tooLarge({ dims: dims.map(() => width + 1), batch: 20_000_000 });
  assert.deepEqual(engine.memory(), before);
});

test('every option of the engine, data, trainer and lsuv is validated before GPU work: code, field, memory unchanged', async () => {
  const { spiral, standardize } = await import('initscope/data');
  const net = engine.createMLP({ dims: [2, 8, 3], batch: 4, activation: 'tanh', output: 'linear', bias: true });
  await net.setInput('randn');
  const data = standardize(spiral({ points: 20 }));
  const trainer = net.trainer({ optimizer: { name: 'sgd', lr: 0.1 } });
  const before = engine.memory();
  const cases = [
    ['createEngine(null)', () => createEngine(null), 'options'],
    ['createEngine unknown key', () => createEngine({ kernel: 'gpu' }), 'kernel'],
    ['createEngine kernels', () => createEngine({ kernels: 'fast' }), 'kernels'],
    ['createEngine powerPreference', () => createEngine({ powerPreference: 'max' }), 'powerPreference'],
    ['createEngine gpu', () => createEngine({ gpu: {} }), 'gpu'],
    ['createEngine device', () => createEngine({ device: 42 }), 'device'],
    ['trainer loss', () => net.trainer({ loss: 'hinge' }), 'loss'],
    ['trainer lr NaN', () => net.trainer({ optimizer: { name: 'sgd', lr: NaN } }), 'optimizer.lr'],
    ['trainer optimizer', () => net.trainer({ optimizer: { name: 'rmsprop', lr: 0.1 } }), 'optimizer.name'],
    ['setData labels out of range', () => trainer.setData(data.train.x, data.train.labels.map(() => 7)), 'labels[0]'],
    ['setData NaN in x', () => trainer.setData(data.train.x.map((v, i) => (i === 3 ? NaN : v)), data.train.labels), 'x[3]'],
    ['setData seed', () => trainer.setData(data.train.x, data.train.labels, { seed: -1 }), 'seed'],
    ['setData unknown option', () => trainer.setData(data.train.x, data.train.labels, { shufle: true }), 'shufle'],
    ['train steps', () => trainer.train(0), 'steps'],
    ['train every', () => trainer.train(5, { every: 1e9 }), 'every'],
    ['train stats', () => trainer.train(5, { stats: 'yes' }), 'stats'],
    ['evaluate x length', () => trainer.evaluate(new Float32Array(3), new Int32Array(2)), 'x'],
    ['lsuv tolerance', () => net.lsuv(undefined, { tolerance: 2 }), 'tolerance'],
    ['lsuv maxIterations', () => net.lsuv(undefined, { maxIterations: 1.5 }), 'maxIterations'],
    ['lsuv unknown option', () => net.lsuv(undefined, { tol: 0.1 }), 'tol'],
    ['histogram range kind', () => net.forward({ histogram: { range: { weights: [0, 1] } } }), 'histogram.range.weights'],
    ['readParameters(2)', () => net.readParameters(2), 'layer'],
  ];
  const wrong = [];
  for (const [name, call, field] of cases) {
    let error;
    try { await call(); } catch (e) { error = e; }
    if (!(error instanceof InitscopeError) || error.code !== 'invalid-option' || error.field !== field) wrong.push(`${name}: ${error?.code} ${error?.field} ${error?.message}`);
    assert.deepEqual(engine.memory(), before, `${name}: memory after the refusal`);
  }
  assert.deepEqual(wrong, []);
  const spiralCases = [[{ classes: 1 }, 'classes'], [{ points: 2.5 }, 'points'], [{ noise: -1 }, 'noise'], [{ testFraction: 1 }, 'testFraction'], [{ arms: 3 }, 'arms']];
  for (const [options, field] of spiralCases) assert.throws(() => spiral(options), (e) => e.code === 'invalid-option' && e.field === field, JSON.stringify(options));
  assert.throws(() => standardize({ train: { x: new Float32Array(3), labels: new Int32Array(2) }, test: data.test, features: 2, classes: 3 }), (e) => e.code === 'invalid-option');
  net.destroy();
});

test('calls on a net queue in order and never interleave, even when none is awaited', async () => {
  const dims = [3, 2];
  const net = engine.createMLP({ dims, batch: 2, activation: 'linear' });
  const X = new Float32Array([1, 2, 3, -1, 0.5, 2]);
  const Wa = new Float32Array([1, 0, 0, 1, 1, 1]);
  const Wb = new Float32Array([2, -1, 0.5, 0, -3, 1]);
  const Z = (W) => [0, 1].flatMap((m) => [0, 1].map((n) => X[3 * m] * W[n] + X[3 * m + 1] * W[2 + n] + X[3 * m + 2] * W[4 + n]));
  // Issued back to back: each forward must see exactly the parameters set before it.
  const calls = [net.setInput(X), net.setParameters(0, { W: Wa }), net.forward(), net.readPreactivations(0),
    net.setParameters(0, { W: Wb }), net.forward(), net.readPreactivations(0), net.setParameters(0, { W: Wa }), net.readParameters(0)];
  const results = await Promise.all(calls);
  assert.deepEqual([...results[3]], Z(Wa));
  assert.deepEqual([...results[6]], Z(Wb));
  assert.deepEqual([...results[8].W], [...Wa]);
  assert.equal(results[2].layers[0].preactivation.mean, Z(Wa).reduce((a, b) => a + b) / 4);
  net.destroy();
});
