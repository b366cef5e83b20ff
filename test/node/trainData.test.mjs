// The training path as every accuracy claim uses it: setData + train (the gather on the GPU, the
// shuffled order, drop_last, the epoch reshuffle) against float64 steps on the rows the README's
// data order gives; the update:data ratio and the update's statistics against float64; what a
// step submits and reads back, counted on the device; evaluate on arrays changed in place;
// trainer.destroy().
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createEngine } from 'initscope';
import { createNodeGPU } from 'initscope/node';
import { referenceBatchRows, referenceCrossEntropy, referenceForward, referenceStats, referenceTrainStep, referenceTraining } from 'initscope/reference';
import { assertClose, random, randomNet } from './helpers.mjs';

const gpu = await createNodeGPU();
const engines = { cpu: await createEngine({ gpu, kernels: 'cpu' }), gpu: await createEngine({ gpu, kernels: 'gpu' }) };

const dims = [6, 9, 4];
const batch = 5;
const rows = 23; // 4 batches an epoch; 3 rows left over each epoch (drop_last)
const X = random(rows * dims[0], 1, 1);
const labels = Int32Array.from({ length: rows }, (_, i) => (i * 7 + 3) % dims[2]);

/** The rows `rows` of X and labels, as one batch. */
function gather(indices) {
  const x = new Float32Array(indices.length * dims[0]);
  indices.forEach((r, i) => x.set(X.subarray(r * dims[0], (r + 1) * dims[0]), i * dims[0]));
  return { x, labels: Int32Array.from(indices, (r) => labels[r]) };
}

test('setData + train equals float64 steps on the README order: shuffled and not, drop_last, reshuffled epochs, both kernel sets', async () => {
  const steps = 10; // epochs of 4 steps: the run crosses two epoch boundaries
  for (const [kernels, engine] of Object.entries(engines)) {
    for (const data of [{ shuffle: true, seed: 7 }, { shuffle: true, seed: 8 }, { shuffle: false }]) {
      const optimizer = { name: 'sgd', lr: 0.3, momentum: 0.5 };
      const { net, ref } = await randomNet(engine, { dims, batch, activation: 'tanh', seed: 40 });
      const trainer = net.trainer({ optimizer });
      await trainer.setData(X, labels, data);
      const r = await trainer.train(steps, { every: 3 });
      const training = referenceTraining(ref, optimizer, 'cross_entropy');
      const order = referenceBatchRows(rows, batch, steps, data);
      const name = `${kernels} ${JSON.stringify(data)}`;
      if (data.shuffle) assert.notDeepEqual(order[4], order[0], `${name}: the second epoch has another order`);
      order.forEach((indices, s) => {
        const b = gather(indices);
        const want = referenceTrainStep(training, b.x, b.labels, optimizer.lr);
        const got = r.history[s];
        assert.ok(Math.abs(got.loss - want.loss) <= 1e-5 + 1e-4 * want.loss, `${name} step ${s + 1}: loss ${got.loss} vs float64 ${want.loss} on rows ${indices}`);
        assert.equal(got.accuracy, want.correct / batch, `${name} step ${s + 1}: accuracy`);
      });
      for (let l = 0; l < dims.length - 1; l++) {
        const p = await net.readParameters(l);
        assertClose(`${name} W${l} after ${steps} steps`, p.W, training.net.W[l], 2e-5, 2e-4);
        assertClose(`${name} b${l} after ${steps} steps`, p.b, training.net.b[l], 2e-5, 2e-4);
      }
      net.destroy();
    }
  }
});

test('the update:data ratio is std(update) / std(W before the update), and the update statistics equal float64', async () => {
  // Weight decay (L2 in SGD, decoupled in AdamW) moves std(W) enough within one step to tell std(W)
  // before the update from std(W) after it.
  for (const optimizer of [{ name: 'sgd', lr: 0.8, weightDecay: 0.2 }, { name: 'adamw', lr: 0.1, weightDecay: 1 }]) {
    const { net, ref } = await randomNet(engines.cpu, { dims, batch, activation: 'tanh', seed: 50 });
    const trainer = net.trainer({ optimizer });
    await trainer.setData(X, labels, { seed: 3 });
    const r = await trainer.train(2, { every: 1, stats: true });
    const training = referenceTraining(ref, optimizer, 'cross_entropy');
    const order = referenceBatchRows(rows, batch, 2, { seed: 3 });
    for (const [s, indices] of order.entries()) {
      const before = training.net.W.map((w) => Float64Array.from(w));
      const b = gather(indices);
      referenceTrainStep(training, b.x, b.labels, optimizer.lr);
      for (let l = 0; l < dims.length - 1; l++) {
        const name = `${optimizer.name} step ${s + 1} layer ${l}`;
        const update = training.net.W[l].map((w, i) => w - before[l][i]);
        const want = referenceStats(update, dims[l], dims[l + 1]);
        const got = r.history[s].layers[l];
        for (const field of ['mean', 'std', 'min', 'max', 'meanAbs']) {
          assert.ok(Math.abs(got.update[field] - want[field]) <= 1e-6 + 1e-3 * Math.abs(want[field]), `${name}: update ${field} ${got.update[field]} vs ${want[field]}`);
        }
        const ratio = want.std / referenceStats(before[l], dims[l], dims[l + 1]).std;
        const ratioAfter = want.std / referenceStats(training.net.W[l], dims[l], dims[l + 1]).std;
        // The test tells the two definitions apart: W's std moves by far more than the tolerance.
        assert.ok(Math.abs(ratioAfter - ratio) > 1e-2 * ratio, `${name}: std(W) changes enough to tell before from after (${ratio} vs ${ratioAfter})`);
        assert.ok(Math.abs(got.updateRatio - ratio) <= 1e-3 * ratio, `${name}: updateRatio ${got.updateRatio} vs float64 ${ratio} (with W after: ${ratioAfter})`);
      }
    }
    net.destroy();
  }
});

/** A device whose queue.submit and buffers' mapAsync are counted. */
async function countingEngine() {
  const adapter = await gpu.requestAdapter();
  const device = await adapter.requestDevice({ requiredFeatures: adapter.features.has('timestamp-query') ? ['timestamp-query'] : [] });
  const counts = { submits: 0, maps: 0 };
  const submit = device.queue.submit.bind(device.queue);
  device.queue.submit = (buffers) => { counts.submits++; return submit(buffers); };
  const proto = Object.getPrototypeOf(device.createBuffer({ size: 16, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST }));
  const mapAsync = proto.mapAsync;
  proto.mapAsync = function counted(...args) { counts.maps++; return mapAsync.apply(this, args); };
  const engine = await createEngine({ device, kernels: 'cpu' });
  const take = () => { const c = { ...counts }; counts.submits = 0; counts.maps = 0; return c; };
  return { engine, take, restore: () => { proto.mapAsync = mapAsync; engine.destroy(); device.destroy(); } };
}

test('one submit and one readback per pass and per training step, counted on the device; forward and backward each timed', async () => {
  const { engine, take, restore } = await countingEngine();
  try {
    const { net } = await randomNet(engine, { dims, batch, activation: 'tanh', seed: 60 });
    await net.setInput(random(batch * dims[0], 61, 1));
    await net.forward();
    take();
    await net.forward();
    assert.deepEqual(take(), { submits: 1, maps: 1 }, 'forward with statistics');
    const fb = await net.forwardBackward('randn');
    assert.deepEqual(take(), { submits: 1, maps: 1 }, 'forward + backward with statistics');
    if (engine.hasTimestamps) {
      assert.ok(fb.forward.gpuTimeMs > 0 && fb.backward.gpuTimeMs > 0, `both passes timed: ${fb.forward.gpuTimeMs}, ${fb.backward.gpuTimeMs} ms`);
      // Each result has its own pass time, not the step's (which both would then repeat). A coarse
      // timestamp clock (SwiftShader's) can give two passes the same time once, so a few more steps:
      // the two differ in at least one.
      const pairs = [[fb.forward.gpuTimeMs, fb.backward.gpuTimeMs]];
      for (let i = 0; i < 4; i++) { const r = await net.forwardBackward('randn'); pairs.push([r.forward.gpuTimeMs, r.backward.gpuTimeMs]); }
      take();
      assert.ok(pairs.some(([f, b]) => f !== b), `each result has its own pass time, not the step's: ${JSON.stringify(pairs)}`);
    }
    const summary = await net.planSummary('forwardBackward');
    assert.deepEqual(summary.passes.map((p) => p.name), ['forward', 'backward']);
    const text = await net.describePlan('forwardBackward');
    assert.match(text, new RegExp(`^plan "[^"]+": ${summary.dispatchCount} dispatches in 2 compute passes \\(forward 0\\.\\.${summary.passes[1].first - 1}, backward ${summary.passes[1].first}\\.\\.`));

    const trainer = net.trainer({ optimizer: { name: 'adam', lr: 0.01 } });
    await trainer.setData(X, labels);
    await trainer.train(2, { every: 2, stats: true });
    take();
    for (const [steps, every, stats] of [[12, 5, false], [12, 4, true], [1, 50, false]]) {
      await trainer.train(steps, { every, stats });
      assert.deepEqual(take(), { submits: steps, maps: Math.ceil(steps / every) }, `train(${steps}, every ${every}, stats ${stats})`);
    }
    await trainer.step();
    assert.deepEqual(take(), { submits: 1, maps: 1 }, 'trainer.step()');
    net.destroy();
  } finally {
    restore();
  }
});

test('evaluate reads the rows as they are now: arrays changed in place between calls are uploaded again', async () => {
  const { net, ref } = await randomNet(engines.cpu, { dims, batch, activation: 'tanh', seed: 70 });
  const trainer = net.trainer();
  const x = Float32Array.from(X);
  const y = Int32Array.from(labels);
  const first = await trainer.evaluate(x, y);
  x.set(random(x.length, 71, 2));
  y.reverse();
  const memory = engines.cpu.memory();
  const second = await trainer.evaluate(x, y);
  assert.deepEqual(engines.cpu.memory(), memory, 'same row count: same buffers');
  const want = referenceCrossEntropy(referenceForward({ ...ref, batch: rows }, x).A[1], y, rows, dims[2]);
  assert.ok(Math.abs(second.loss - want.loss) <= 1e-5 * (1 + want.loss), `loss on the changed rows ${second.loss} vs float64 ${want.loss} (first call: ${first.loss})`);
  assert.equal(second.accuracy, want.correct / rows);
  net.destroy();
});

test('trainer.destroy() frees what the trainer made; its later calls reject with destroyed; the net and a new trainer go on', async () => {
  const engine = engines.cpu;
  const start = engine.memory();
  const { net } = await randomNet(engine, { dims, batch, activation: 'tanh', seed: 80 });
  const use = async (trainer) => {
    await trainer.setData(X, labels);
    await trainer.train(3, { stats: true });
    await trainer.evaluate(X, labels);
  };
  // The first trainer makes the net's own gradient and update buffers (they stay with the net).
  const first = net.trainer({ optimizer: { name: 'adam', lr: 0.01 } });
  await use(first);
  first.destroy();
  await net.ready();
  const before = engine.memory();
  const trainer = net.trainer({ optimizer: { name: 'adam', lr: 0.01 } });
  await use(trainer);
  assert.ok(engine.memory().buffers > before.buffers);
  const queued = trainer.train(2);
  trainer.destroy();
  await assert.rejects(queued, { code: 'destroyed' }, 'a call queued before destroy()');
  await assert.rejects(trainer.step(), { code: 'destroyed' });
  await net.ready();
  assert.deepEqual(engine.memory(), before, 'every buffer of the trainer freed');
  trainer.destroy();
  const again = net.trainer();
  await again.setData(X, labels);
  assert.ok(Number.isFinite((await again.train(2)).loss));
  net.destroy();
  assert.deepEqual(engine.memory(), start);
});
