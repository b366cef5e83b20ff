import { invalid } from './errors';

/** The tensors whose statistics a pass reports, by their field name in the results. */
export const STATS_FIELDS = ['preactivation', 'normalized', 'activation', 'weightGrad', 'biasGrad', 'alphaGrad', 'inputGrad', 'gammaGrad', 'betaGrad', 'weight', 'update'] as const;
/** The field name of a tensor's statistics (ForwardLayerStats, BackwardLayerStats, weights, updates). */
export type StatsField = typeof STATS_FIELDS[number];

/** 'auto' = [min, max] of each tensor; [lo, hi] = one fixed range, values outside are counted apart. */
export type TensorRange = 'auto' | [number, number];

/** One range for every tensor, or one per tensor kind (fields not named are 'auto'), e.g.
 *  `{ activation: [-1, 1], weightGrad: [-0.01, 0.01] }`. */
export type HistogramRange = TensorRange | Partial<Record<StatsField, TensorRange>>;

/** Histogram settings of a pass: bin count (1..1024, default 64) and range. */
export interface HistogramOptions { bins?: number; range?: HistogramRange }

export interface HistogramSpec { bins: number; range: HistogramRange }

export const DEFAULT_BINS = 64;
const MAX_BINS = 1024;

const isTensorRange = (r: unknown): r is TensorRange => r === 'auto' ||
  (Array.isArray(r) && r.length === 2 && r.every((v) => typeof v === 'number' && Number.isFinite(v)) && (r[0] as number) < (r[1] as number));

/** The range of one tensor kind under a pass's range option. */
export function rangeOf(range: HistogramRange, field: string): TensorRange {
  if (typeof range === 'string' || Array.isArray(range)) return range;
  return range[field as StatsField] ?? 'auto';
}

export function parseHistogram(where: string, h: unknown): HistogramSpec {
  if (h === undefined) return { bins: DEFAULT_BINS, range: 'auto' };
  if (typeof h !== 'object' || h === null) throw invalid(where, 'histogram', h, 'an object { bins?, range? }');
  const o = h as Record<string, unknown>;
  const bins = o.bins ?? DEFAULT_BINS;
  if (typeof bins !== 'number' || !Number.isInteger(bins) || bins < 1 || bins > MAX_BINS) {
    throw invalid(where, 'histogram.bins', bins, `an integer from 1 to ${MAX_BINS}`);
  }
  const range = o.range ?? 'auto';
  if (isTensorRange(range)) return { bins, range };
  if (typeof range !== 'object' || range === null || Array.isArray(range)) {
    throw invalid(where, 'histogram.range', range, "'auto' or [lo, hi] with finite lo < hi (or one per tensor kind: { activation: [lo, hi], ... })");
  }
  for (const [field, r] of Object.entries(range)) {
    if (!(STATS_FIELDS as readonly string[]).includes(field)) throw invalid(where, `histogram.range.${field}`, r, `absent (tensor kinds: ${STATS_FIELDS.join(', ')})`);
    if (!isTensorRange(r)) throw invalid(where, `histogram.range.${field}`, r, "'auto' or [lo, hi] with finite lo < hi");
  }
  return { bins, range };
}
