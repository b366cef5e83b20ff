// Batch norm and layer norm on the GPU against float64: forward (Y after the norm, A), backward
// (dW, db, dgamma, dbeta, dX) in train mode, running estimates and eval mode (an evaluation),
// and training steps with every parameter including gamma and beta; both kernel sets.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createEngine } from 'initscope';
import { createNodeGPU } from 'initscope/node';
import {
  referenceBackward, referenceCrossEntropy, referenceForward, referenceStats, referenceTrainStep, referenceTraining,
} from 'initscope/reference';
import { assertClose, random, randomNet } from './helpers.mjs';

const gpu = await createNodeGPU();
const engines = { cpu: await createEngine({ gpu, kernels: 'cpu' }), gpu: await createEngine({ gpu, kernels: 'gpu' }) };

const dims = [13, 17, 9, 5];
const batch = 7;
const hidden = dims.length - 2;

const randomNormNet = (engine, norm, activation) => randomNet(engine, { dims, batch, activation, norm, seed: 30 });

for (const kind of ['batch', 'layer']) {
  test(`${kind} norm: forward, backward and statistics equal float64 (train mode), both kernel sets`, async () => {
    for (const [kernels, engine] of Object.entries(engines)) {
      const { net, ref } = await randomNormNet(engine, kind, 'tanh');
      const X = random(batch * dims[0], 50, 1);
      const G = random(batch * dims[dims.length - 1], 51, 1);
      await net.setInput(X);
      const r = await net.forwardBackward(G);
      const fwd = referenceForward(ref, X);
      const grads = referenceBackward(ref, X, fwd, G);
      for (let l = 0; l < dims.length - 1; l++) {
        const name = `${kernels} ${kind} layer ${l}`;
        assertClose(`${name} A`, await net.readActivations(l), fwd.A[l], 2e-5, 1e-4);
        const g = await net.readGradients(l);
        assertClose(`${name} dW`, g.W, grads.dW[l], 2e-5, 2e-4);
        assertClose(`${name} db`, g.b, grads.db[l], 2e-5, 2e-4);
        assertClose(`${name} dX`, g.input, grads.dInput[l], 2e-5, 2e-4);
        if (l < hidden) {
          assertClose(`${name} dgamma`, g.gamma, grads.dgamma[l], 2e-5, 2e-4);
          assertClose(`${name} dbeta`, g.beta, grads.dbeta[l], 2e-5, 2e-4);
          const want = referenceStats(fwd.N[l].y, batch, dims[l + 1]);
          const got = r.forward.layers[l].normalized;
          assert.ok(Math.abs(got.std - want.std) <= 1e-5 + 1e-4 * want.std, `${name} std of the normalised Y: ${got.std} vs ${want.std}`);
          assert.ok(r.backward.layers[l].gammaGrad && r.backward.layers[l].betaGrad, `${name}: gamma and beta gradient statistics`);
        }
      }
      if (kind === 'batch') {
        const p = await net.readParameters(0);
        assert.deepEqual(Array.from(p.gamma), new Array(dims[1]).fill(1), 'gamma starts at 1');
        assert.deepEqual(Array.from(p.beta), new Array(dims[1]).fill(0), 'beta starts at 0');
      }
      net.destroy();
    }
  });

  test(`${kind} norm: three training steps (SGD momentum, Adam) move W, b, gamma, beta as float64 does; evaluate in eval mode`, async () => {
    for (const [kernels, engine] of Object.entries(engines)) {
      // The bias before a batch norm has a zero gradient (the norm removes the mean): with Adam's
      // default eps its float32 rounding noise (~1e-9) becomes steps of lr/10 whose sign is
      // chance. eps = 1e-4 keeps those below 1e-5 * lr while real gradients still take ~full steps.
      for (const optimizer of [{ name: 'sgd', lr: 0.1, momentum: 0.9 }, { name: 'adam', lr: 0.01, eps: 1e-4 }]) {
        const { net, ref } = await randomNormNet(engine, kind, 'relu');
        const trainer = net.trainer({ loss: 'cross_entropy', optimizer });
        const training = referenceTraining(ref, optimizer, 'cross_entropy');
        for (let s = 0; s < 3; s++) {
          const X = random(batch * dims[0], 60 + s, 1);
          const labels = Int32Array.from({ length: batch }, (_, i) => (2 * i + s) % dims[3]);
          const record = await trainer.step(X, labels);
          const want = referenceTrainStep(training, X, labels, optimizer.lr);
          assert.ok(Math.abs(record.loss - want.loss) <= 1e-5 + 1e-4 * want.loss, `${kernels} ${kind} step ${s}: loss ${record.loss} vs ${want.loss}`);
        }
        for (let l = 0; l < dims.length - 1; l++) {
          const p = await net.readParameters(l);
          const name = `${kernels} ${kind} ${optimizer.name} layer ${l}`;
          assertClose(`${name} W`, p.W, training.net.W[l], 3e-5, 3e-4);
          assertClose(`${name} b`, p.b, training.net.b[l], 3e-5, 3e-4);
          if (l < hidden) {
            assertClose(`${name} gamma`, p.gamma, training.net.norm.gamma[l], 3e-5, 3e-4);
            assertClose(`${name} beta`, p.beta, training.net.norm.beta[l], 3e-5, 3e-4);
          }
        }
        const rows = 11;
        const X = random(rows * dims[0], 70, 1);
        const labels = Int32Array.from({ length: rows }, (_, i) => i % dims[3]);
        const got = await trainer.evaluate(X, labels);
        const evalNet = { ...training.net, batch: rows, norm: { ...training.net.norm, mode: 'eval' } };
        const want = referenceCrossEntropy(referenceForward(evalNet, X).A[dims.length - 2], labels, rows, dims[3]);
        assert.ok(Math.abs(got.loss - want.loss) <= 1e-4 * (1 + want.loss), `${kernels} ${kind} ${optimizer.name} eval loss ${got.loss} vs ${want.loss}`);
        net.destroy();
      }
    }
  });
}
