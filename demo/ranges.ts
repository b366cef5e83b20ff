// Histogram ranges for the "fixed" option: one range per tensor kind, shared by every layer (and
// by both configurations of a comparison), so the bins line up. A of tanh and sigmoid has its
// natural range; every other kind takes its range from its own data across layers: the union
// of [mean - 5 std, mean + 5 std] clipped to [min, max], so one outlier does not squash the rest.
import type { BackwardResult, ForwardResult, HistogramRange, StatsField, TensorStats, TensorRange } from '../src/index';

export interface PassResult { forward: ForwardResult; backward?: BackwardResult }

const NATURAL: Record<string, [number, number]> = { tanh: [-1, 1], sigmoid: [0, 1] };

/** The range of one kind over the statistics of every layer. */
export function dataRange(tensors: TensorStats[]): TensorRange {
  let lo = Infinity, hi = -Infinity;
  for (const t of tensors) {
    if (!(t.count > 0)) continue;
    lo = Math.min(lo, Math.max(t.min, t.mean - 5 * t.std));
    hi = Math.max(hi, Math.min(t.max, t.mean + 5 * t.std));
  }
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) return 'auto';
  if (hi - lo <= 1e-30 * Math.max(1, Math.abs(lo))) {
    const pad = Math.max(Math.abs(lo) * 1e-3, 1e-12);
    return [lo - pad, hi + pad];
  }
  return [lo, hi];
}

/** Ranges per tensor kind from results with automatic ranges; `acts` are the activations shown. */
export function sharedRanges(results: PassResult[], acts: string[]): HistogramRange {
  const forward = results.flatMap((r) => r.forward.layers);
  const backward = results.flatMap((r) => r.backward?.layers ?? []);
  const natural = acts.every((a) => a === acts[0]) ? NATURAL[acts[0]] : undefined;
  const ranges: Partial<Record<StatsField, TensorRange>> = {
    activation: natural ?? dataRange(forward.map((l) => l.activation)),
    preactivation: dataRange(forward.map((l) => l.preactivation)),
  };
  if (backward.length) {
    ranges.weightGrad = dataRange(backward.map((l) => l.weightGrad));
    ranges.inputGrad = dataRange(backward.map((l) => l.inputGrad));
  }
  return ranges;
}
