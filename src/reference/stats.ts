// Float64 reference of shaders/stats.wgsl: every TensorStats field of one [rows x cols] tensor.
import { derivative, type ReferenceActivationName } from './activations';

/** design.md's statistics of one tensor (the same fields as the engine's TensorStats). */
export interface ReferenceStats {
  count: number; mean: number; std: number; min: number; max: number; meanAbs: number; rms: number;
  zeroFraction: number; deadUnitFraction: number; saturatedFraction: number; nanCount: number; infCount: number;
  histogram: { lo: number; hi: number; counts: number[]; underflow: number; overflow: number };
}

/** What the reference needs to count saturated entries: the activation, Z, and per-column parameters. */
export interface ReferenceSaturation {
  act: ReferenceActivationName;
  /** The layer's Z, same [rows x cols] layout as the tensor. */
  z: ArrayLike<number>;
  /** Activation parameter of column c (prelu: its alpha). */
  param: (c: number) => number;
  /** Largest slope of column c's activation. */
  maxSlope: (c: number) => number;
}

/** Every TensorStats field of design.md for a rows x cols tensor, in float64 (the statistics kernels' reference). */
export function referenceStats(values: ArrayLike<number>, rows: number, cols: number,
  options: { bins?: number; range?: 'auto' | [number, number]; saturation?: ReferenceSaturation } = {}): ReferenceStats {
  const bins = options.bins ?? 64;
  const count = rows * cols;
  let n = 0, sum = 0, lo = Infinity, hi = -Infinity, absSum = 0, zeros = 0, nans = 0, infs = 0, saturated = 0;
  for (let i = 0; i < count; i++) {
    const x = values[i];
    if (Number.isNaN(x)) { nans++; continue; }
    if (!Number.isFinite(x)) { infs++; continue; }
    n++; sum += x; absSum += Math.abs(x);
    lo = Math.min(lo, x); hi = Math.max(hi, x);
    if (x === 0) zeros++;
    const s = options.saturation;
    if (s) {
      const c = i % cols;
      if (Math.abs(derivative(s.act, s.z[i], s.param(c))) < 0.01 * s.maxSlope(c)) saturated++;
    }
  }
  const mean = n ? sum / n : 0;
  let m2 = 0;
  for (let i = 0; i < count; i++) if (Number.isFinite(values[i])) m2 += (values[i] - mean) ** 2;
  let dead = 0;
  for (let c = 0; c < cols; c++) {
    let allZero = true;
    for (let r = 0; r < rows && allZero; r++) if (values[r * cols + c] !== 0) allZero = false;
    if (allZero) dead++;
  }
  let hLo: number, hHi: number;
  if (options.range && options.range !== 'auto') [hLo, hHi] = options.range;
  else {
    [hLo, hHi] = n ? [lo, hi] : [0, 1];
    if (hLo === hHi) { hLo -= 0.5; hHi += 0.5; }
  }
  const counts = new Array<number>(bins).fill(0);
  let underflow = 0, overflow = 0;
  for (let i = 0; i < count; i++) {
    const x = values[i];
    if (!Number.isFinite(x)) continue;
    if (x < hLo) underflow++;
    else if (x > hHi) overflow++;
    else counts[Math.min(Math.floor(((x - hLo) / (hHi - hLo)) * bins), bins - 1)]++;
  }
  const variance = n ? m2 / n : 0;
  return {
    count, mean, std: Math.sqrt(variance), min: n ? lo : NaN, max: n ? hi : NaN, meanAbs: n ? absSum / n : 0,
    rms: n ? Math.sqrt(variance + mean * mean) : 0, zeroFraction: zeros / count, deadUnitFraction: dead / cols,
    saturatedFraction: saturated / count, nanCount: nans, infCount: infs,
    histogram: { lo: hLo, hi: hHi, counts, underflow, overflow },
  };
}
