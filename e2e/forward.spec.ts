// Forward kernels against the float64 reference: every activation, with and without bias, with
// the GPU kernels on shapes that hit every matmul path (skinny with and without split-K, tiled
// fused epilogue, split-K + epilogue, maxout, 64x64 and 128x128 tiles) and with the CPU-adapter
// kernels (matmul_outer + epilogue), with sizes that are not tile multiples
// (K = 1999 leaves a k tail in the last split), outputs poisoned with NaN first.
import { ACTIVATIONS, expect, kernelSets, test } from './fixtures';

// Z and A: |got - ref| <= ATOL + RTOL * |ref|. float32 sums of up to 1000 products of O(1)
// values carry ~1e-6 absolute error; the gelu erfc approximation 1.2e-7 relative.
const ATOL = 2e-5;
const RTOL = 1e-5;

const CASES = [
  { dims: [17, 65, 1000, 3], batch: 3 },
  { dims: [1, 1000, 17], batch: 1 },
  { dims: [65, 3, 129], batch: 33 },
  { dims: [129, 130], batch: 130 },
  { dims: [1999, 256, 4], batch: 5 },
];

for (const activation of ACTIVATIONS) {
  for (const bias of [false, true]) {
    test(`forward ${activation}${bias ? ' + bias' : ''} matches float64 (${kernelSets(activation).join(' and ')} kernels)`, async ({ harness }) => {
      const report = await harness.evaluate(async ({ activation, bias, cases, sets, ATOL, RTOL }) => {
        const { reference, compare, randomArray, randomNet, engine } = window.harness;
        const out: string[] = [];
        for (const kernels of sets) for (const [ci, { dims, batch }] of cases.entries()) {
          const e = await engine(kernels);
          const act = activation === 'leaky_relu' ? { name: 'leaky_relu' as const, slope: 0.1 }
            : activation === 'maxout' ? { name: 'maxout' as const, k: 3 } : activation;
          const { net, refNet } = randomNet(e, { dims, batch, activation: act, bias, seed: ci });
          const X = randomArray(batch * dims[0], 400 + ci, 2);
          void net.setInput(X);
          await window.harness.testing.poisonForTesting(net);
          void net.setInput(X);
          await net.forward({ stats: false });
          const ref = reference.referenceForward(refNet, X);
          for (let l = 0; l < dims.length - 1; l++) {
            for (const [name, got, want] of [['Z', await net.readPreactivations(l), ref.Z[l]], ['A', await net.readActivations(l), ref.A[l]]] as const) {
              const c = compare(got, want, ATOL, RTOL);
              if (!c.ok) out.push(`${kernels} kernels, case ${ci} ${JSON.stringify(dims)} batch ${batch} layer ${l} ${name}: ${c.bad}/${c.count} bad, worst ${JSON.stringify(c.worst)}`);
            }
          }
          net.destroy();
        }
        return out;
      }, { activation, bias, cases: CASES, sets: kernelSets(activation), ATOL, RTOL });
      expect(report).toEqual([]);
    });
  }
}

test('every activation stays finite and accurate for |z| up to 1e4', async ({ harness }) => {
  const report = await harness.evaluate(async (acts) => {
    const { reference, compare, engine, activationSpec } = window.harness;
    const e = await engine();
    const out: string[] = [];
    // One layer, Din = 1, W = 1: Z = X exactly, so the inputs are the z values themselves.
    const zs = [-1e4, -3000, -100, -30, -10, -3, -1, -1e-3, 0, 1e-3, 1, 3, 10, 30, 100, 3000, 1e4];
    for (const activation of acts) {
      const act = activation === 'maxout' ? { name: 'maxout' as const, k: 2 } : activation;
      const spec = activationSpec(act);
      const net = e.createMLP({ dims: [1, 1], batch: zs.length, activation: act, init: 'zeros' });
      const W = new Float32Array(spec.pieces).fill(1);
      void net.setParameters(0, { W });
      const X = new Float32Array(zs);
      void net.setInput(X);
      await net.forward({ stats: false });
      const got = await net.readActivations(0);
      const ref = reference.referenceForward({ dims: [1, 1], batch: zs.length, activation: spec, W: [W], alpha: [new Float32Array([0.25])] }, X).A[0];
      if (!got.every(Number.isFinite)) out.push(`${activation}: non-finite ${Array.from(got).join(',')}`);
      const c = compare(got, ref, 1e-6, 2e-6);
      if (!c.ok) out.push(`${activation}: ${c.bad} bad, worst ${JSON.stringify(c.worst)}`);
      net.destroy();
    }
    return out;
  }, [...ACTIVATIONS]);
  expect(report).toEqual([]);
});
