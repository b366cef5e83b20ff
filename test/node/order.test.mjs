// Calls run in the order they are issued, awaited or not (README "Calls queue"): every pair below
// is issued without awaiting the first, and must end as the same pair awaited one by one does
// (state checks included: they run when the call's turn comes, not when it is issued).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createEngine } from 'initscope';
import { createNodeGPU } from 'initscope/node';
import { random, randomNet } from './helpers.mjs';

const engine = await createEngine({ gpu: await createNodeGPU(), kernels: 'cpu' });
const dims = [5, 7, 3];
const batch = 4;
const X = random(batch * dims[0], 1, 1);
const rows = 12;
const data = { x: random(rows * dims[0], 2, 1), labels: Int32Array.from({ length: rows }, (_, i) => i % dims[2]) };
const W0 = random(dims[0] * dims[1], 3, 0.5);

/** What a pair leaves behind, as plain data: each call's outcome (its value, or its error's code)
 *  and the parameters of layer 0 after both. */
async function outcome(net, settled) {
  const values = settled.map((s) => (s.status === 'fulfilled' ? summarize(s.value) : { error: s.reason.code ?? s.reason.message }));
  return { values, W: Array.from((await net.readParameters(0)).W) };
}

function summarize(v) {
  if (v instanceof Float32Array) return Array.from(v);
  if (v && Array.isArray(v.layers)) return v.layers.map((l) => l.activation?.std ?? l.weightGrad?.std);
  if (v && typeof v === 'object' && 'loss' in v) return { loss: v.loss, accuracy: v.accuracy };
  return v ?? null;
}

/** Each pair: a fresh net (and trainer) with the input set unless `bare`; `first` and `second`
 *  are the calls. */
const PAIRS = [
  ['setInput then forward', { bare: true }, (n) => n.setInput(X), (n) => n.forward()],
  ['setParameters then forward', {}, (n) => n.setParameters(0, { W: W0 }), (n) => n.forward()],
  ['forward then backward', {}, (n) => n.forward(), (n) => n.backward('ones')],
  ['setParameters then backward (stale forward: refused)', { forward: true }, (n) => n.setParameters(0, { W: W0 }), (n) => n.backward('ones')],
  ['forward and setParameters, then backward (stale forward: refused)', {},
    (n) => Promise.all([n.forward(), n.setParameters(0, { W: W0 })]).then(() => null), (n) => n.backward('ones')],
  ['setInput then backward (stale forward: refused)', { forward: true }, (n) => n.setInput(X), (n) => n.backward('ones')],
  ['setParameters then readParameters', {}, (n) => n.setParameters(0, { W: W0 }), (n) => n.readParameters(0).then((p) => p.W)],
  ['forward then readActivations', {}, (n) => n.forward(), (n) => n.readActivations(0)],
  ['backward then readGradients', { forward: true }, (n) => n.backward('ones'), (n) => n.readGradients(0).then((g) => g.W)],
  ['lsuv(x) then forward', { bare: true }, (n) => n.lsuv(X).then((r) => r.scales), (n) => n.forward()],
  ['setData then train', {}, (n, t) => t.setData(data.x, data.labels), (n, t) => t.train(4, { every: 2 })],
  ['setData then step', {}, (n, t) => t.setData(data.x, data.labels), (n, t) => t.step()],
  ['step then evaluate', { data: true }, (n, t) => t.step(), (n, t) => t.evaluate(data.x, data.labels)],
  ['train then readParameters', { data: true }, (n, t) => t.train(3), (n) => n.readParameters(0).then((p) => p.W)],
  ['setParameters then evaluate', { data: true }, (n) => n.setParameters(0, { W: W0 }), (n, t) => t.evaluate(data.x, data.labels)],
  ['setParameters then train', { data: true }, (n) => n.setParameters(0, { W: W0 }), (n, t) => t.train(2)],
  ['trainer.destroy then train (refused)', { data: true }, (n, t) => { t.destroy(); return undefined; }, (n, t) => t.train(2)],
  ['net.destroy then forward (refused)', {}, (n) => { n.destroy(); return undefined; }, (n) => n.forward()],
  ['setMask then readParameters', {}, (n) => n.setMask(0, MASK), (n) => n.readParameters(0).then((p) => p.W)],
  ['prune then train', { data: true }, (n) => n.prune(0, { fraction: 0.5 }), (n, t) => t.train(2)],
  ['train then prune', { data: true }, (n, t) => t.train(2).then(() => null), (n) => n.prune(0, { fraction: 0.5 })],
  // snapshot and setParameters issued at once, then a restore of that snapshot: W is the snapshot's.
  ['snapshot and setParameters, then restore', {},
    (n) => { SNAPSHOTS.set(n, n.snapshot()); return n.setParameters(0, { W: W0 }); }, (n) => SNAPSHOTS.get(n).then((s) => n.restore(s))],
  ['save then setParameters', {}, (n) => n.save().then((b) => b.length), (n) => n.setParameters(0, { W: W0 })],
];
const SNAPSHOTS = new WeakMap();
const MASK = Uint8Array.from({ length: dims[0] * dims[1] }, (_, i) => i % 3 ? 1 : 0);

async function fresh(setup) {
  const { net } = await randomNet(engine, { dims, batch, activation: 'tanh', seed: 20 });
  const trainer = net.trainer({ optimizer: { name: 'sgd', lr: 0.1, momentum: 0.9 } });
  if (!setup.bare) await net.setInput(X);
  if (setup.forward) await net.forward();
  if (setup.data) await trainer.setData(data.x, data.labels);
  return { net, trainer };
}

test('every pair of calls issued without awaiting ends as the same pair awaited in turn', async () => {
  const settle = async (p) => (await Promise.allSettled([p]))[0];
  for (const [name, setup, first, second] of PAIRS) {
    const awaited = await fresh(setup);
    const inTurn = [await settle(first(awaited.net, awaited.trainer)), await settle(second(awaited.net, awaited.trainer))];
    const issued = await fresh(setup);
    const atOnce = await Promise.allSettled([first(issued.net, issued.trainer), second(issued.net, issued.trainer)]);
    if (name.startsWith('net.destroy')) {
      assert.deepEqual(atOnce.map((s) => s.reason?.code ?? 'ok'), ['ok', 'destroyed'], name);
      assert.deepEqual(inTurn.map((s) => s.reason?.code ?? 'ok'), ['ok', 'destroyed'], name);
      continue;
    }
    const want = await outcome(awaited.net, inTurn);
    assert.deepEqual(await outcome(issued.net, atOnce), want, name);
    if (name.includes('refused')) assert.ok(want.values[1].error, `${name}: the second call is refused (${JSON.stringify(want.values[1])})`);
    else assert.ok(!want.values.some((v) => v?.error), `${name}: both calls succeed when awaited (${JSON.stringify(want.values)})`);
    awaited.net.destroy();
    issued.net.destroy();
  }
});
