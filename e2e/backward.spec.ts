// Backward kernels against the float64 reference: dW, db, dalpha and dX for every activation
// (the CPU-adapter kernels: dz_store, then matmul_outer for dW and dX; the GPU kernels on the
// activations of fixtures.ts kernelSets),
// with and without bias, batch 1, 3 and 33, shapes that are not tile multiples, NaN-poisoned
// outputs; plus kinks (z = 0) and maxout ties, and |z| up to 1e4.
import { ACTIVATIONS, expect, kernelSets, test } from './fixtures';

// Gradients: |got - ref| <= 1e-5 * max|ref| + 1e-4 * |ref| per tensor (the goal is agreement
// to 1e-4 of the tensor's largest magnitude; this is ten times tighter on the absolute part).
const ATOL_FRACTION = 1e-5;
const RTOL = 1e-4;

const CASES = [
  { dims: [17, 65, 1000, 3], batch: 3 },
  { dims: [1, 1000, 17], batch: 1 },
  { dims: [65, 3, 129], batch: 33 },
];

for (const activation of ACTIVATIONS) {
  for (const bias of [false, true]) {
    test(`backward ${activation}${bias ? ' + bias' : ''} matches float64 (${kernelSets(activation).join(' and ')} kernels)`, async ({ harness }) => {
      const report = await harness.evaluate(async ({ activation, bias, cases, sets, ATOL_FRACTION, RTOL }) => {
        const { reference, compare, randomArray, randomNet, engine } = window.harness;
        const out: string[] = [];
        for (const kernels of sets) for (const [ci, { dims, batch }] of cases.entries()) {
          const e = await engine(kernels);
          const act = activation === 'leaky_relu' ? { name: 'leaky_relu' as const, slope: 0.1 }
            : activation === 'maxout' ? { name: 'maxout' as const, k: 2 } : activation;
          const { net, refNet } = randomNet(e, { dims, batch, activation: act, bias, seed: ci });
          const X = randomArray(batch * dims[0], 40 + ci, 2);
          const G = randomArray(batch * dims[dims.length - 1], 50 + ci, 1);
          void net.setInput(X);
          await net.forwardBackward(G, { stats: false });
          await window.harness.testing.poisonForTesting(net);
          await net.forward({ stats: false });
          await net.backward(G, { stats: false });
          const fwd = reference.referenceForward(refNet, X);
          const ref = reference.referenceBackward(refNet, X, fwd, G);
          for (let l = 0; l < dims.length - 1; l++) {
            const got = await net.readGradients(l);
            const pairs: Array<[string, ArrayLike<number> | undefined, ArrayLike<number>]> = [['dW', got.W, ref.dW[l]], ['dX', got.input, ref.dInput[l]]];
            if (bias) pairs.push(['db', got.b, ref.db[l]]);
            if (activation === 'prelu') pairs.push(['dalpha', got.alpha, ref.dalpha[l]]);
            for (const [name, g, r] of pairs) {
              if (!g) { out.push(`${kernels} case ${ci} layer ${l} ${name}: missing`); continue; }
              let maxAbs = 0;
              for (let i = 0; i < r.length; i++) maxAbs = Math.max(maxAbs, Math.abs(r[i]));
              const c = compare(g, r, ATOL_FRACTION * maxAbs, RTOL);
              if (!c.ok) out.push(`${kernels} kernels, case ${ci} ${JSON.stringify(dims)} batch ${batch} layer ${l} ${name}: ${c.bad}/${c.count} bad, worst ${JSON.stringify(c.worst)} max|ref| ${maxAbs}`);
            }
          }
          net.destroy();
        }
        return out;
      }, { activation, bias, cases: CASES, sets: kernelSets(activation), ATOL_FRACTION, RTOL });
      expect(report).toEqual([]);
    });
  }
}

test('kinks follow PyTorch: relu, leaky_relu, prelu at z = 0, maxout ties go to the first piece', async ({ harness }) => {
  const report = await harness.evaluate(async () => {
    const { engine } = window.harness;
    const e = await engine();
    const out: string[] = [];
    // Din = 2, one unit whose W column is zero: z = 0 exactly for every row; G = 1.
    const X = new Float32Array([1.5, -2, 0.5, 3]);
    for (const [act, expected] of [['relu', 0], [{ name: 'leaky_relu', slope: 0.2 }, 0.2], ['prelu', 0.25], ['elu', 1]] as const) {
      const net = e.createMLP({ dims: [2, 1], batch: 2, activation: act, bias: true });
      void net.setParameters(0, { W: new Float32Array([0, 0]) });
      void net.setInput(X);
      await net.forwardBackward('ones', { stats: false });
      const g = await net.readGradients(0);
      // dZ = f'(0) * 1 per row; db = 2 f'(0); dW[i] = sum_m X[m, i] f'(0).
      const want = { b: 2 * expected, W0: (1.5 + 0.5) * expected, W1: (-2 + 3) * expected };
      const got = { b: g.b![0], W0: g.W[0], W1: g.W[1] };
      for (const k of ['b', 'W0', 'W1'] as const) {
        if (Math.abs(got[k] - want[k]) > 1e-6) out.push(`${JSON.stringify(act)} ${k}: got ${got[k]}, want ${want[k]}`);
      }
      if (act === 'prelu' && Math.abs(g.alpha![0]) > 0) out.push(`prelu dalpha at z=0 should be 0 (z * dA), got ${g.alpha![0]}`);
      net.destroy();
    }
    // Maxout k=3 with all pieces equal (W columns identical): the gradient goes to piece 0 only.
    const net = e.createMLP({ dims: [2, 1], batch: 2, activation: { name: 'maxout', k: 3 }, bias: true });
    void net.setParameters(0, { W: new Float32Array([0.5, 0.5, 0.5, -1, -1, -1]) });
    void net.setInput(X);
    await net.forwardBackward('ones', { stats: false });
    const g = await net.readGradients(0);
    if (Array.from(g.b!).join(',') !== '2,0,0') out.push(`maxout tie db: got ${Array.from(g.b!).join(',')}, want 2,0,0`);
    const wantW = [2, 0, 0, 1, 0, 0];
    if (Array.from(g.W).some((v, i) => Math.abs(v - wantW[i]) > 1e-6)) out.push(`maxout tie dW: got ${Array.from(g.W).join(',')}, want ${wantW.join(',')}`);
    net.destroy();
    return out;
  });
  expect(report).toEqual([]);
});

test('gradients stay finite and accurate for |z| up to 1e4', async ({ harness }) => {
  const report = await harness.evaluate(async (acts) => {
    const { reference, compare, engine, activationSpec } = window.harness;
    const e = await engine();
    const out: string[] = [];
    const zs = [-1e4, -3000, -100, -30, -10, -3, -1, -1e-3, 0.5, 1e-3, 1, 3, 10, 30, 100, 3000, 1e4];
    for (const activation of acts) {
      const act = activation === 'maxout' ? { name: 'maxout' as const, k: 2 } : activation;
      const spec = activationSpec(act);
      const net = e.createMLP({ dims: [1, 1], batch: zs.length, activation: act, init: 'zeros' });
      const W = new Float32Array(spec.pieces).map((_, p) => 1 - 0.5 * p);
      void net.setParameters(0, { W });
      const X = new Float32Array(zs);
      void net.setInput(X);
      await net.forwardBackward('ones', { stats: false });
      const g = await net.readGradients(0);
      const refNet = { dims: [1, 1], batch: zs.length, activation: spec, W: [W], alpha: [new Float32Array([0.25])] };
      const ref = reference.referenceBackward(refNet, X, reference.referenceForward(refNet, X), new Float32Array(zs.length).fill(1));
      if (!g.input.every(Number.isFinite) || !g.W.every(Number.isFinite)) out.push(`${activation}: non-finite gradient`);
      const c = compare(g.input, ref.dInput[0], 1e-6, 2e-6);
      if (!c.ok) out.push(`${activation} dX: ${c.bad} bad, worst ${JSON.stringify(c.worst)}`);
      net.destroy();
    }
    return out;
  }, [...ACTIVATIONS]);
  expect(report).toEqual([]);
});

test('the float64 reference backward agrees with central finite differences', async ({ harness }) => {
  const report = await harness.evaluate((acts) => {
    const { reference, randomArray, activationSpec } = window.harness;
    const out: string[] = [];
    for (const activation of acts) {
      const spec = activationSpec(activation === 'maxout' ? { name: 'maxout', k: 2 } : activation);
      const dims = [4, 5, 3];
      const batch = 3;
      const W = dims.slice(1).map((d, l) => Float64Array.from(randomArray(dims[l] * d * spec.pieces, 7 + l, 1)));
      const b = dims.slice(1).map((d, l) => Float64Array.from(randomArray(d * spec.pieces, 17 + l, 0.3)));
      const alpha = dims.slice(1).map((d, l) => Float64Array.from(randomArray(d, 27 + l, 0.3)));
      const X = Float64Array.from(randomArray(batch * dims[0], 37, 1.5));
      const G = Float64Array.from(randomArray(batch * dims[2], 47, 1));
      const net = { dims, batch, activation: spec, W, b, alpha };
      const grads = reference.referenceBackward(net, X, reference.referenceForward(net, X), G);
      const h = 1e-6;
      const check = (name: string, target: Float64Array, analytic: ArrayLike<number>) => {
        for (let i = 0; i < target.length; i++) {
          const keep = target[i];
          target[i] = keep + h; const up = reference.referenceLoss(net, X, G);
          target[i] = keep - h; const down = reference.referenceLoss(net, X, G);
          target[i] = keep;
          const numeric = (up - down) / (2 * h);
          if (Math.abs(numeric - analytic[i]) > 1e-5 * (1 + Math.abs(numeric))) {
            out.push(`${activation} ${name}[${i}]: analytic ${analytic[i]}, numeric ${numeric}`);
          }
        }
      };
      for (let l = 0; l < 2; l++) {
        check(`dW${l}`, W[l], grads.dW[l]);
        check(`db${l}`, b[l], grads.db[l]);
        if (activation === 'prelu') check(`dalpha${l}`, alpha[l], grads.dalpha[l]);
      }
      check('dX', X, grads.dInput[0]);
    }
    return out;
  }, [...ACTIVATIONS]);
  expect(report).toEqual([]);
});
