// Statistics kernels against the float64 reference computed on the same tensors (read back from
// the GPU): every field, histograms with auto and fixed range, dead units and saturation.
import { ACTIVATIONS, expect, kernelSets, test } from './fixtures';
import type { TensorStats } from '../src/stats/types';

/** Differences allowed: moments to 1e-5 relative (+1e-6 of the tensor's scale); counts exact,
 *  except saturation (an |f'(z)| within float32 rounding of the 1% line may flip: 0.1% of
 *  entries) and histogram bins (an entry within rounding of a bin edge may move one bin: the
 *  summed |difference| may be 2 per 1000 entries, and the total must match). */
function diff(name: string, got: TensorStats, ref: TensorStats): string[] {
  const out: string[] = [];
  const scale = Math.max(Math.abs(ref.min), Math.abs(ref.max), 1e-30);
  for (const k of ['mean', 'std', 'min', 'max', 'meanAbs', 'rms'] as const) {
    if (!(Math.abs(got[k] - ref[k]) <= 1e-6 * scale + 1e-5 * Math.abs(ref[k]))) out.push(`${name}.${k}: ${got[k]} vs ${ref[k]}`);
  }
  for (const k of ['count', 'zeroFraction', 'deadUnitFraction', 'nanCount', 'infCount'] as const) {
    if (got[k] !== ref[k]) out.push(`${name}.${k}: ${got[k]} vs ${ref[k]}`);
  }
  if (Math.abs(got.saturatedFraction - ref.saturatedFraction) > 1e-3) out.push(`${name}.saturatedFraction: ${got.saturatedFraction} vs ${ref.saturatedFraction}`);
  const h = got.histogram, r = ref.histogram;
  if (h.counts.length !== r.counts.length) out.push(`${name}.histogram: ${h.counts.length} bins vs ${r.counts.length}`);
  if (Math.abs(h.lo - r.lo) > 1e-6 * scale || Math.abs(h.hi - r.hi) > 1e-6 * scale) out.push(`${name}.histogram range [${h.lo}, ${h.hi}] vs [${r.lo}, ${r.hi}]`);
  if (h.underflow !== r.underflow || h.overflow !== r.overflow) out.push(`${name}.histogram under/overflow ${h.underflow}/${h.overflow} vs ${r.underflow}/${r.overflow}`);
  const total = (c: number[]) => c.reduce((a, b) => a + b, 0);
  if (total(h.counts) !== total(r.counts)) out.push(`${name}.histogram total ${total(h.counts)} vs ${total(r.counts)}`);
  const moved = h.counts.reduce((a, c, i) => a + Math.abs(c - r.counts[i]), 0);
  if (moved > 2 * Math.ceil(ref.count / 1000)) out.push(`${name}.histogram bins differ by ${moved}: ${h.counts.join(',')} vs ${r.counts.join(',')}`);
  return out;
}

for (const activation of ACTIVATIONS) {
  test(`forward and backward statistics of ${activation} equal the float64 reference (${kernelSets(activation).join(' and ')} kernels)`, async ({ harness }) => {
    const report = await harness.evaluate(async ({ activation, sets, diffSource }) => {
      // eslint-disable-next-line @typescript-eslint/no-implied-eval, @typescript-eslint/no-unsafe-call -- the page gets diff() as source text
      const diffFn = new Function(`return (${diffSource})`)() as typeof diff;
      const { engine, reference, activationSpec, randomArray } = window.harness;
      const act = activation === 'maxout' ? { name: 'maxout' as const, k: 2 } : activation;
      const spec = activationSpec(act);
      const dims = [40, 300, 17];
      const batch = 9;
      const out: string[] = [];
      // CPU-adapter stats kernels (64-wide, coarse) with 64 bins on the auto range, and 10 fixed bins
      // for three activations; GPU ones (256-wide workgroups, fine grids) with both, on the
      // activations of kernelSets (each bin count compiles its own kernels: most of this test's time).
      const auto = { bins: 64, range: 'auto' as const };
      const fixed = { bins: 10, range: [-0.5, 0.7] as [number, number] };
      type Run = { kernels: 'gpu' | 'cpu'; histogram: typeof auto | typeof fixed };
      const runs: Run[] = [{ kernels: 'cpu', histogram: auto }, ...(sets.includes('gpu') ? [{ kernels: 'gpu' as const, histogram: auto }, { kernels: 'gpu' as const, histogram: fixed }] : []),
        ...(['tanh', 'relu', 'prelu'].includes(activation) ? [{ kernels: 'cpu' as const, histogram: fixed }] : [])];
      for (const { kernels, histogram } of runs) {
        const e = await engine(kernels);
        const net = e.createMLP({ dims, batch, activation: act, init: { name: 'normal', std: 0.4 }, bias: { init: -0.3 }, seed: 3 });
        // Layer 1 gets 5 columns that are exactly zero for every row (weights zero, bias zero):
        // dead units for every activation whose f(0) = 0.
        const W1 = randomArray(300 * 17 * spec.pieces, 9, 0.2);
        const b1 = new Float32Array(17 * spec.pieces).fill(-0.1);
        for (let c = 0; c < 5 * spec.pieces; c++) { b1[c] = 0; for (let i = 0; i < 300; i++) W1[i * 17 * spec.pieces + c] = 0; }
        void net.setParameters(1, { W: W1, b: b1 });
        void net.setInput(randomArray(batch * dims[0], 4, 3));
        const r = await net.forwardBackward('randn', { histogram });
        const alphaOf = async (l: number) => (await net.readParameters(l)).alpha;
        for (let l = 0; l < 2; l++) {
          const z = await net.readPreactivations(l);
          const a = await net.readActivations(l);
          const alpha = await alphaOf(l);
          const cols = dims[l + 1] * spec.pieces;
          const saturation = spec.pieces > 1 ? undefined : {
            act: spec.name, z,
            param: (c: number) => (alpha ? alpha[c] : spec.param),
            maxSlope: (c: number) => (alpha ? Math.max(1, Math.abs(alpha[c])) : spec.maxSlope),
          };
          out.push(...diffFn(`${kernels} ${String(histogram.range)} L${l} Z`, r.forward.layers[l].preactivation, reference.referenceStats(z, batch, cols, { ...histogram, saturation })));
          out.push(...diffFn(`${kernels} ${String(histogram.range)} L${l} A`, r.forward.layers[l].activation, reference.referenceStats(a, batch, dims[l + 1], { ...histogram, saturation })));
          const g = await net.readGradients(l);
          out.push(...diffFn(`${kernels} L${l} dW`, r.backward.layers[l].weightGrad, reference.referenceStats(g.W, dims[l], cols, histogram)));
          out.push(...diffFn(`${kernels} L${l} db`, r.backward.layers[l].biasGrad!, reference.referenceStats(g.b!, 1, cols, histogram)));
          out.push(...diffFn(`${kernels} L${l} dX`, r.backward.layers[l].inputGrad, reference.referenceStats(g.input, batch, dims[l], histogram)));
          if (alpha) out.push(...diffFn(`${kernels} L${l} dalpha`, r.backward.layers[l].alphaGrad!, reference.referenceStats(g.alpha!, 1, dims[l + 1], histogram)));
        }
        const a1 = r.forward.layers[1].activation;
        const fZero = reference.activate(spec.name, 0, spec.param) === 0;
        if (fZero && a1.deadUnitFraction < 5 / 17) out.push(`dead units not seen: ${a1.deadUnitFraction}`);
        net.destroy();
      }
      return out;
    }, { activation, sets: kernelSets(activation), diffSource: diff.toString() });
    expect(report).toEqual([]);
  });
}

test('NaN and Inf are counted apart and kept out of the moments', async ({ harness }) => {
  const report = await harness.evaluate(async () => {
    const { engine, reference } = window.harness;
    const e = await engine();
    const net = e.createMLP({ dims: [3, 4], batch: 2, activation: 'linear' });
    // Z = X W with W = identity-like; NaN and Inf in X reach Z unchanged in their columns.
    void net.setParameters(0, { W: new Float32Array([1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0]) });
    const X = new Float32Array([NaN, 2, Infinity, 1, -3, 0.5]);
    void net.setInput(X);
    const r = await net.forward();
    const z = await net.readPreactivations(0);
    const ref = reference.referenceStats(z, 2, 4, {});
    const got = r.layers[0].preactivation;
    const out: string[] = [];
    if (got.nanCount !== ref.nanCount || got.infCount !== ref.infCount) out.push(`NaN/Inf ${got.nanCount}/${got.infCount} vs ${ref.nanCount}/${ref.infCount}`);
    if (!(Math.abs(got.mean - ref.mean) < 1e-6) || !(Math.abs(got.std - ref.std) < 1e-6)) out.push(`moments ${got.mean}/${got.std} vs ${ref.mean}/${ref.std}`);
    return out;
  });
  expect(report).toEqual([]);
});
