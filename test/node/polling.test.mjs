// createNodeGPU's polling: while a GPU promise is pending, dawn.node ticks the device from native
// callbacks it gives to the global setImmediate; by default createNodeGPU queues those on a timer
// (at most one a millisecond) so the main thread sleeps instead of spinning while the GPU works.
import test from 'node:test';
import assert from 'node:assert/strict';
import { createEngine } from 'initscope';
import { createNodeGPU } from 'initscope/node';

const isNative = (fn) => Function.prototype.toString.call(fn).endsWith('{ [native code] }');

test('by default Dawn ticks at most once a millisecond while a pass runs; JavaScript callbacks given to setImmediate stay immediates', async () => {
  const engine = await createEngine({ gpu: await createNodeGPU() });
  const net = engine.createMLP({ dims: [1024, 1024, 1024, 1024], batch: 64, activation: 'tanh' });
  net.setInput('randn');
  await net.forward();
  const throttled = globalThis.setImmediate;
  let ticks = 0;
  globalThis.setImmediate = (fn, ...args) => {
    if (isNative(fn)) ticks++;
    return throttled(fn, ...args);
  };
  let ms;
  try {
    const t0 = performance.now();
    await net.forward();
    ms = performance.now() - t0;
  } finally {
    globalThis.setImmediate = throttled;
  }
  assert.ok(ticks >= 1, 'the pass was waited for by Dawn ticks');
  assert.ok(ticks <= ms + 5, `${ticks} ticks in ${ms.toFixed(1)} ms: more than one a millisecond`);
  const immediate = await new Promise((resolve) => { const handle = globalThis.setImmediate(() => resolve(handle)); });
  assert.equal(immediate.constructor.name, 'Immediate');
  net.destroy();
  engine.destroy();
});
