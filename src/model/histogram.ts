import { invalid } from './errors';

/** 'auto' = [min, max] of each tensor; [lo, hi] = one fixed range, values outside are counted apart. */
export type HistogramRange = 'auto' | [number, number];

/** Histogram settings of a pass: bin count (1..1024, default 64) and range. */
export interface HistogramOptions { bins?: number; range?: HistogramRange }

export interface HistogramSpec { bins: number; range: HistogramRange }

export const DEFAULT_BINS = 64;
const MAX_BINS = 1024;

export function parseHistogram(where: string, h: unknown): HistogramSpec {
  if (h === undefined) return { bins: DEFAULT_BINS, range: 'auto' };
  if (typeof h !== 'object' || h === null) throw invalid(where, 'histogram', h, 'an object { bins?, range? }');
  const o = h as Record<string, unknown>;
  const bins = o.bins ?? DEFAULT_BINS;
  if (typeof bins !== 'number' || !Number.isInteger(bins) || bins < 1 || bins > MAX_BINS) {
    throw invalid(where, 'histogram.bins', bins, `an integer from 1 to ${MAX_BINS}`);
  }
  const range = o.range ?? 'auto';
  if (range !== 'auto' && !(Array.isArray(range) && range.length === 2 && range.every((v) => typeof v === 'number' && Number.isFinite(v))
    && range[0] < range[1])) {
    throw invalid(where, 'histogram.range', range, "'auto' or [lo, hi] with finite lo < hi");
  }
  return { bins, range: range as HistogramRange };
}
