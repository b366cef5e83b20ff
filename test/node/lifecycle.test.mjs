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

test('50 create/use/destroy cycles return engine memory to the baseline', async () => {
  const base = engine.memory();
  for (let i = 0; i < 50; i++) {
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
