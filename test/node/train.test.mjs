// Training on the GPU against the float64 reference: whole steps (loss, backward, every
// optimiser with its state) on shapes that are not tile multiples, with both kernel sets;
// schedules; evaluation over a partial last batch; large logits; determinism; divergence;
// constant memory over 500 steps.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createEngine } from 'initscope';
import { createNodeGPU } from 'initscope/node';
import { spiral, standardize } from 'initscope/data';
import {
  referenceCrossEntropy, referenceForward, referenceMse, referenceTrainStep, referenceTraining,
} from 'initscope/reference';
import { assertClose, random, randomNet } from './helpers.mjs';

const gpu = await createNodeGPU();
const engines = { cpu: await createEngine({ gpu, kernels: 'cpu' }), gpu: await createEngine({ gpu, kernels: 'gpu' }) };

const dims = [13, 17, 6, 5];
const batch = 7;

const randomTrainNet = (engine, activation) => randomNet(engine, { dims, batch, activation, seed: 10 });

const OPTIMIZERS = [
  { name: 'sgd', lr: 0.3 },
  { name: 'sgd', lr: 0.1, momentum: 0.9 },
  { name: 'sgd', lr: 0.1, momentum: 0.8, nesterov: true, weightDecay: 0.01 },
  { name: 'adam', lr: 0.01 },
  { name: 'adam', lr: 0.01, betas: [0.8, 0.99], weightDecay: 0.05 },
  { name: 'adamw', lr: 0.01, weightDecay: 0.1 },
];

test('three training steps match float64: every optimiser, cross-entropy and mse, both kernel sets', async () => {
  for (const [kernels, engine] of Object.entries(engines)) {
    for (const [oi, optimizer] of OPTIMIZERS.entries()) {
      for (const loss of oi === 1 || oi === 3 ? ['cross_entropy', 'mse'] : ['cross_entropy']) {
        const { net, ref } = await randomTrainNet(engine, oi % 2 ? 'relu' : 'tanh');
        const trainer = net.trainer({ loss, optimizer });
        const training = referenceTraining(ref, optimizer, loss);
        for (let s = 0; s < 3; s++) {
          const X = random(batch * dims[0], 100 + s, 1);
          const labels = Int32Array.from({ length: batch }, (_, i) => (i * 3 + s) % dims[3]);
          const targets = loss === 'mse' ? random(batch * dims[3], 200 + s, 1) : labels;
          const record = await trainer.step(X, targets);
          const want = referenceTrainStep(training, X, loss === 'mse' ? targets : labels, optimizer.lr);
          const name = `${kernels} ${optimizer.name}#${oi} ${loss} step ${s + 1}`;
          assert.ok(Math.abs(record.loss - want.loss) <= 1e-5 + 1e-4 * Math.abs(want.loss), `${name}: loss ${record.loss} vs ${want.loss}`);
          assert.equal(record.accuracy, want.correct / batch, `${name}: accuracy`);
          assert.equal(record.lr, optimizer.lr, `${name}: lr`);
        }
        for (let l = 0; l < dims.length - 1; l++) {
          const p = await net.readParameters(l);
          const name = `${kernels} ${optimizer.name}#${oi} ${loss} layer ${l}`;
          assertClose(`${name} W after 3 steps`, p.W, training.net.W[l], 2e-5, 2e-4);
          assertClose(`${name} b after 3 steps`, p.b, training.net.b[l], 2e-5, 2e-4);
        }
        net.destroy();
      }
    }
  }
});

// Learning rates written out from torch's documented formulas (checked once against torch 1.13's
// schedulers, base lr 0.2): StepLR(step_size=3, gamma=0.5); CosineAnnealingLR(T_max=10,
// eta_min=0.01) up to T_max, after which the engine holds eta_min (torch's closed form rises
// again); warm-up 4 = LinearLR(start_factor=1/4, total_iters=3), chained multiplicatively
// (ChainedScheduler: StepLR + LinearLR gives exactly the product; cosine x warm-up is the
// product of the two closed forms); exponential to 0.002 over 10 steps = ExponentialLR(gamma =
// 0.01^(1/10)) for 10 steps, then held (the range test's sweep).
const TORCH_LR = {
  step: [0.2, 0.2, 0.2, 0.1, 0.1, 0.1, 0.05, 0.05, 0.05, 0.025, 0.025, 0.025, 0.0125],
  cosine: [0.2, 0.1953503690480396, 0.18185661446562001, 0.16083959896778496, 0.13435661446562, 0.105, 0.07564338553437999,
    0.04916040103221506, 0.028143385534380005, 0.014649630951960414, 0.01, 0.01, 0.01],
  warmup: [0.05, 0.1, 0.15000000000000002, 0.2, 0.2, 0.2, 0.2, 0.2, 0.2, 0.2, 0.2, 0.2, 0.2],
  stepWarmup: [0.05, 0.1, 0.15000000000000002, 0.1, 0.1, 0.1, 0.05, 0.05, 0.05, 0.025, 0.025, 0.025, 0.0125],
};
TORCH_LR.cosineWarmup = TORCH_LR.cosine.map((lr, t) => lr * Math.min(1, (t + 1) / 4));
TORCH_LR.exponential = Array.from({ length: 13 }, (_, t) => 0.2 * (0.01 ** (1 / 10)) ** Math.min(t, 10));

test('PReLU trains: three steps move W, b and every alpha as float64 does (SGD momentum, Adam), both kernel sets', async () => {
  for (const [kernels, engine] of Object.entries(engines)) {
    for (const optimizer of [{ name: 'sgd', lr: 0.3, momentum: 0.9 }, { name: 'adam', lr: 0.02 }]) {
      const { net, ref } = await randomTrainNet(engine, 'prelu');
      const trainer = net.trainer({ optimizer });
      const training = referenceTraining(ref, optimizer, 'cross_entropy');
      for (let s = 0; s < 3; s++) {
        const X = random(batch * dims[0], 400 + s, 1);
        const labels = Int32Array.from({ length: batch }, (_, i) => (i * 3 + s) % dims[3]);
        const record = await trainer.step(X, labels);
        const want = referenceTrainStep(training, X, labels, optimizer.lr);
        assert.ok(Math.abs(record.loss - want.loss) <= 1e-5 + 1e-4 * want.loss, `${kernels} prelu ${optimizer.name} step ${s + 1}: loss ${record.loss} vs ${want.loss}`);
      }
      for (let l = 0; l < dims.length - 2; l++) {
        const p = await net.readParameters(l);
        const name = `${kernels} prelu ${optimizer.name} layer ${l}`;
        assert.ok(p.alpha.some((a, i) => Math.abs(a - ref.alpha[l][i]) > 1e-4), `${name}: alpha moved`);
        assertClose(`${name} alpha`, p.alpha, training.net.alpha[l], 2e-5, 2e-4);
        assertClose(`${name} W`, p.W, training.net.W[l], 2e-5, 2e-4);
      }
      net.destroy();
    }
  }
});

test('schedules: the learning rate of every step is the one torch.optim.lr_scheduler documents', async () => {
  const data = standardize(spiral({ points: 40, seed: 2 }));
  const cases = [
    ['step', { name: 'step', every: 3, gamma: 0.5 }], ['cosine', { name: 'cosine', steps: 10, minLr: 0.01 }],
    ['warmup', { name: 'constant', warmup: 4 }], ['stepWarmup', { name: 'step', every: 3, gamma: 0.5, warmup: 4 }],
    ['cosineWarmup', { name: 'cosine', steps: 10, minLr: 0.01, warmup: 4 }], ['exponential', { name: 'exponential', to: 0.002, steps: 10 }],
  ];
  for (const [name, schedule] of cases) {
    const net = engines.cpu.createMLP({ dims: [2, 8, 3], batch: 5, output: 'linear', bias: true });
    const trainer = net.trainer({ optimizer: { name: 'sgd', lr: 0.2 }, schedule });
    await trainer.setData(data.train.x, data.train.labels);
    const r = await trainer.train(13, { every: 5 });
    assert.equal(r.history.length, 13);
    r.history.forEach((h, t) => {
      const want = TORCH_LR[name][t];
      assert.ok(Math.abs(h.lr - want) <= 1e-12 * want, `${name} step ${t}: lr ${h.lr}, torch ${want}`);
      assert.equal(h.step, t + 1);
    });
    net.destroy();
  }
});

test('a scheduled learning rate reaches the update kernel: six steps of a step schedule and of warmup match float64', async () => {
  // lr falling to a tenth every 2 steps, and a warmup over 3 steps (torch's StepLR and LinearLR,
  // written out): a kernel that used the base lr (or last step's) would end on other weights.
  const cases = [[{ name: 'step', every: 2, gamma: 0.1 }, [1, 1, 0.1, 0.1, 0.01, 0.01]], [{ name: 'constant', warmup: 3 }, [1 / 3, 2 / 3, 1, 1, 1, 1]]];
  for (const [schedule, factors] of cases) {
    for (const optimizer of [{ name: 'sgd', lr: 0.4, momentum: 0.5 }, { name: 'adam', lr: 0.05 }]) {
      const { net, ref } = await randomTrainNet(engines.gpu, 'tanh');
      const trainer = net.trainer({ loss: 'cross_entropy', optimizer, schedule });
      const training = referenceTraining(ref, optimizer, 'cross_entropy');
      for (let s = 0; s < 6; s++) {
        const X = random(batch * dims[0], 300 + s, 1);
        const labels = Int32Array.from({ length: batch }, (_, i) => (i * 5 + s) % dims[3]);
        const lr = optimizer.lr * factors[s];
        const record = await trainer.step(X, labels);
        const want = referenceTrainStep(training, X, labels, lr);
        assert.ok(Math.abs(record.loss - want.loss) <= 1e-5 + 1e-4 * Math.abs(want.loss), `${schedule.name} ${optimizer.name} step ${s + 1}: loss ${record.loss} vs ${want.loss}`);
      }
      for (let l = 0; l < dims.length - 1; l++) {
        const p = await net.readParameters(l);
        assertClose(`${schedule.name} ${optimizer.name} W${l} after 6 steps`, p.W, training.net.W[l], 2e-5, 2e-4);
      }
      net.destroy();
    }
  }
});

test('evaluate over rows that are not a multiple of the batch equals float64; logits up to 1e4 stay finite', async () => {
  const { net, ref } = await randomTrainNet(engines.cpu, 'tanh');
  const trainer = net.trainer({ loss: 'cross_entropy' });
  const rows = 23;
  const X = random(rows * dims[0], 7, 1);
  const labels = Int32Array.from({ length: rows }, (_, i) => (i * 7) % dims[3]);
  const got = await trainer.evaluate(X, labels);
  const fwd = referenceForward({ ...ref, batch: rows }, X);
  const want = referenceCrossEntropy(fwd.A[dims.length - 2], labels, rows, dims[3]);
  assert.ok(Math.abs(got.loss - want.loss) <= 1e-5 * (1 + want.loss), `loss ${got.loss} vs ${want.loss}`);
  assert.equal(got.accuracy, want.correct / rows);
  const mseTrainer = net.trainer({ loss: 'mse' });
  const T = random(rows * dims[3], 8, 1);
  const mse = await mseTrainer.evaluate(X, T);
  const wantMse = referenceMse(fwd.A[dims.length - 2], T, rows, dims[3]);
  assert.ok(Math.abs(mse.loss - wantMse.loss) <= 1e-5 * (1 + wantMse.loss), `mse ${mse.loss} vs ${wantMse.loss}`);

  const last = dims.length - 2;
  const W = random(dims[last] * dims[last + 1], 9, 3000);
  await net.setParameters(last, { W });
  const big = await trainer.evaluate(X, labels);
  const bigRef = referenceCrossEntropy(referenceForward({ ...ref, W: ref.W.map((w, l) => (l === last ? W : w)), batch: rows }, X).A[last], labels, rows, dims[3]);
  assert.ok(Number.isFinite(big.loss) && bigRef.loss > 100, `loss with logits ~1e4 is finite: ${big.loss} (float64 ${bigRef.loss})`);
  assert.ok(Math.abs(big.loss - bigRef.loss) <= 1e-4 * bigRef.loss, `large-logit loss ${big.loss} vs ${bigRef.loss}`);
  net.destroy();
});

test('a seed gives the same loss curve; a diverging learning rate stops with stopped: diverged', async () => {
  const data = standardize(spiral({ points: 60, seed: 3 }));
  const curve = async (lr, activation = 'tanh') => {
    const net = engines.cpu.createMLP({ dims: [2, 16, 16, 3], batch: 8, activation, output: 'linear', bias: true, seed: 5 });
    const trainer = net.trainer({ optimizer: { name: 'sgd', lr, momentum: 0.9 } });
    await trainer.setData(data.train.x, data.train.labels, { seed: 11 });
    const r = await trainer.train(40, { every: 10 });
    net.destroy();
    return r;
  };
  const [a, b] = [await curve(0.1), await curve(0.1)];
  assert.deepEqual(a.history.map((h) => h.loss), b.history.map((h) => h.loss), 'same seed, same curve, bit for bit');
  assert.ok(a.history[39].loss < a.history[0].loss, `the loss falls: ${a.history[0].loss} -> ${a.history[39].loss}`);
  const diverged = await curve(1e4, 'relu');
  assert.equal(diverged.stopped, 'diverged');
  assert.ok(!Number.isFinite(diverged.loss) || diverged.history.some((h) => !Number.isFinite(h.loss)), 'the non-finite loss is reported');
});

test('an abort signal stops training after the step in flight; aborted before the first step, nothing changes', async () => {
  const data = standardize(spiral({ points: 60, seed: 3 }));
  const net = engines.cpu.createMLP({ dims: [2, 16, 3], batch: 8, activation: 'tanh', output: 'linear', bias: true, seed: 5 });
  const trainer = net.trainer({ optimizer: { name: 'sgd', lr: 0.1 } });
  await trainer.setData(data.train.x, data.train.labels, { seed: 1 });
  const abort = new AbortController();
  const r = await trainer.train(100, { every: 5, signal: abort.signal, onProgress: (p) => { if (p.step >= 10) abort.abort(); } });
  assert.equal(r.stopped, 'aborted');
  assert.ok(r.history.length >= 10 && r.history.length < 100, `${r.history.length} steps`);
  const before = await net.readParameters(0);
  const none = await trainer.train(5, { signal: abort.signal });
  assert.deepEqual({ ...none, history: none.history.length }, { step: r.step, loss: NaN, accuracy: NaN, lr: NaN, history: 0, stopped: 'aborted' });
  assert.deepEqual(await net.readParameters(0), before, 'no step taken');
  const next = await trainer.train(3);
  assert.equal(next.history[0].step, r.step + 1, 'steps continue where the aborted call stopped');
  net.destroy();
});

test('500 training steps with statistics keep engine memory constant after the first', async () => {
  const engine = engines.cpu;
  const data = standardize(spiral({ points: 50, seed: 4 }));
  const net = engine.createMLP({ dims: [2, 12, 3], batch: 10, output: 'linear', bias: true });
  const trainer = net.trainer({ optimizer: { name: 'adam', lr: 0.01 } });
  await trainer.setData(data.train.x, data.train.labels);
  await trainer.train(3, { every: 2, stats: true });
  const after = engine.memory();
  const r = await trainer.train(500, { every: 50, stats: true });
  assert.deepEqual(engine.memory(), after);
  const layers = r.history[r.history.length - 1].layers;
  assert.equal(layers.length, 2);
  for (const l of layers) assert.ok(l.updateRatio > 0 && l.updateRatio < 1, `update ratio ${l.updateRatio}`);
  net.destroy();
});
