// The orthogonal initialisation made on the GPU (W^T W, or W W^T for wide matrices, within 1e-3
// of gain^2 I, checked in float64) and LSUV (every Var(Z_l) within the tolerance of 1 afterwards,
// and W = scale x the orthogonal W of the same seed).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createEngine } from 'initscope';
import { createNodeGPU } from 'initscope/node';

const gpu = await createNodeGPU();
const engines = { cpu: await createEngine({ gpu, kernels: 'cpu' }), gpu: await createEngine({ gpu, kernels: 'gpu' }) };

/** Largest |(W^T W or W W^T) - gain^2 I| entry, in float64 (the smaller Gram matrix). */
function orthogonalityError(W, rows, cols, gain) {
  const tall = rows >= cols;
  const n = tall ? cols : rows;
  let worst = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      if (tall) for (let k = 0; k < rows; k++) s += W[k * cols + i] * W[k * cols + j];
      else for (let k = 0; k < cols; k++) s += W[i * cols + k] * W[j * cols + k];
      worst = Math.max(worst, Math.abs(s - (i === j ? gain * gain : 0)));
    }
  }
  return worst;
}

test('orthogonal: columns (tall) or rows (wide) orthonormal within 1e-3, times the gain; a seed repeats', async () => {
  for (const [kernels, engine] of Object.entries(engines)) {
    for (const [dims, gain] of [[[13, 17, 9], 1], [[64, 64, 65], 2], [[784, 128, 128], 1]]) {
      const net = engine.createMLP({ dims, batch: 2, init: { name: 'orthogonal', gain }, seed: 3 });
      for (let l = 0; l < dims.length - 1; l++) {
        const { W } = await net.readParameters(l);
        const error = orthogonalityError(W, dims[l], dims[l + 1], gain);
        assert.ok(error < 1e-3 * gain * gain, `${kernels} ${dims[l]}x${dims[l + 1]} gain ${gain}: max |W^T W - g^2 I| = ${error}`);
      }
      const again = engine.createMLP({ dims, batch: 2, init: { name: 'orthogonal', gain }, seed: 3 });
      assert.deepEqual(await again.readParameters(0), await net.readParameters(0), `${kernels}: the same seed, the same W`);
      net.destroy();
      again.destroy();
    }
  }
});

test('lsuv: every layer ends with Var(Z) within the tolerance of 1, W = scale x the orthogonal W', async () => {
  const engine = engines.cpu;
  const dims = [50, 40, 40, 30];
  const batch = 32;
  const net = engine.createMLP({ dims, batch, activation: 'tanh', init: 'lsuv', seed: 7 });
  const reference = engine.createMLP({ dims, batch, activation: 'tanh', init: 'orthogonal', seed: 7 });
  const x = Float32Array.from({ length: batch * dims[0] }, (_, i) => 3 * Math.sin(i * 12.9898) * Math.cos(i * 0.37));
  const r = await net.lsuv(x, { tolerance: 0.05, maxIterations: 10 });
  assert.equal(r.scales.length, 3);
  assert.ok(r.iterations.some((n) => n > 0), `some layer was rescaled: ${r.iterations}`);
  for (let l = 0; l < 3; l++) {
    const z = await net.readPreactivations(l);
    const mean = z.reduce((s, v) => s + v, 0) / z.length;
    const variance = z.reduce((s, v) => s + (v - mean) ** 2, 0) / z.length;
    assert.ok(Math.abs(variance - 1) < 0.05, `layer ${l}: Var(Z) = ${variance} (reported ${r.variances[l]})`);
    const W = (await net.readParameters(l)).W;
    const W0 = (await reference.readParameters(l)).W;
    for (let i = 0; i < W.length; i += 97) {
      assert.ok(Math.abs(W[i] - r.scales[l] * W0[i]) <= 1e-5 + 1e-4 * Math.abs(W[i]), `layer ${l}: W[${i}] = ${W[i]} vs ${r.scales[l]} x ${W0[i]}`);
    }
  }
  await assert.rejects(net.lsuv(undefined, { tolerance: 2 }), (e) => e.code === 'invalid-option' && e.field === 'tolerance');
  net.destroy();
  reference.destroy();
});
