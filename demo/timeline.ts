// What the training view draws per layer over time: distributions of A and dL/dW the way
// TensorBoard draws them (bands between percentiles of each window's histogram, darker towards
// the median), the update:data ratio on a log axis with a line at 1e-3, and the saturated and
// dead fractions. Fed with the per-layer statistics the trainer takes once per window.
import uPlot from 'uplot';
import type { TensorStats, TrainLayerStats } from '../src/index';
import { chartsOf, clear, keep, logTicks, StepCurves, type CurveSpec } from './plots';

/** Percentiles of TensorBoard's distributions: min, the normal's -1.5, -1, -0.5 sigma, median, ..., max. */
const PERCENTILES = [0, 6.68, 15.87, 30.85, 50, 69.15, 84.13, 93.32, 100];

/** Percentiles of a tensor from its histogram (entries spread evenly inside a bin; those outside
 *  the range sit at its ends). */
export function percentiles(t: TensorStats): number[] {
  const { counts, lo, hi, underflow, overflow } = t.histogram;
  const total = counts.reduce((a, b) => a + b, 0) + underflow + overflow;
  const width = (hi - lo) / counts.length;
  return PERCENTILES.map((p) => {
    if (p === 0) return t.min;
    if (p === 100) return t.max;
    let left = (p / 100) * total - underflow;
    if (left <= 0) return lo;
    for (let i = 0; i < counts.length; i++) {
      if (left <= counts[i]) return lo + (i + left / Math.max(counts[i], 1)) * width;
      left -= counts[i];
    }
    return hi;
  });
}

/** Colour of layer l of n: light (first) to dark (last). */
export const layerColor = (l: number, n: number) => `hsl(${220 - (160 * l) / Math.max(1, n - 1)}, 70%, ${62 - (30 * l) / Math.max(1, n - 1)}%)`;

/** At most `max` layers, evenly spaced, first and last included. */
export function shownLayers(layers: number, max = 12): number[] {
  if (layers <= max) return Array.from({ length: layers }, (_, i) => i);
  return [...new Set(Array.from({ length: max }, (_, i) => Math.round((i * (layers - 1)) / (max - 1))))];
}

/** One configuration's per-layer statistics, one entry per window. */
export class Timeline {
  readonly steps: number[] = [];
  readonly layers: TrainLayerStats[][] = [];

  add(step: number, layers: TrainLayerStats[]): void {
    this.steps.push(step);
    this.layers.push(layers);
  }
}

function bandsPlot(id: string, title: string, data: uPlot.AlignedData): void {
  const host = document.getElementById(id)!;
  const figure = document.createElement('figure');
  figure.append(Object.assign(document.createElement('figcaption'), { textContent: title }));
  host.append(figure);
  const n = PERCENTILES.length;
  const mid = (n - 1) / 2;
  const series: uPlot.Series[] = [{}, ...PERCENTILES.map((p, i) => ({ label: `p${p}`, stroke: i === mid ? 'rgb(200,80,20)' : 'transparent', width: i === mid ? 1.5 : 0, points: { show: false } }))];
  const bands: uPlot.Band[] = Array.from({ length: mid }, (_, i) => [
    { series: [n - i, n - i - 1] as [number, number], fill: `rgba(220,110,40,${0.15 + 0.12 * i})` },
    { series: [i + 2, i + 1] as [number, number], fill: `rgba(220,110,40,${0.15 + 0.12 * i})` },
  ]).flat();
  keep(id, new uPlot({
    width: 220, height: 140, legend: { show: false }, cursor: { show: false }, bands,
    scales: { x: { time: false } },
    axes: [{ size: 26, font: '10px system-ui', ticks: { size: 3 } }, { size: 52, font: '10px system-ui', ticks: { size: 3 }, values: logTicks }],
    series,
  }, data, figure));
}

/** Small multiples of a tensor kind's distribution over steps, one per shown layer; updated in
 *  place (setData) while the layers are the same, since making them anew each window is what
 *  held the page's main thread longest. */
export function distributions(id: string, timeline: Timeline, kind: 'activation' | 'weightGrad', label: string): void {
  const layers = timeline.layers[0]?.length ?? 0;
  const shown = shownLayers(layers);
  const data = (l: number): uPlot.AlignedData => {
    const quantiles = timeline.layers.map((w) => percentiles(w[l][kind]));
    return [timeline.steps, ...PERCENTILES.map((_, i) => quantiles.map((q) => q[i]))];
  };
  const host = document.getElementById(id)!;
  const existing = chartsOf(id);
  if (layers && host.dataset.layers === String(layers) && existing.length === shown.length && existing[0].root.isConnected) {
    shown.forEach((l, k) => existing[k].setData(data(l)));
    return;
  }
  clear(id);
  host.dataset.layers = String(layers);
  for (const l of shown) bandsPlot(id, `${label} layer ${l + 1}${l === layers - 1 ? ' (output)' : ''}`, data(l));
}

/** The per-layer curves over steps of one configuration: update ratio, saturated and dead. */
export class LayerCurves {
  private ratio: StepCurves;
  private saturated: StepCurves;
  private dead: StepCurves;

  constructor(prefix: string, name: string) {
    this.ratio = new StepCurves(`${prefix}-ratio`, `${name}: update:data ratio per layer (log; healthy near 1e-3)`, true);
    this.saturated = new StepCurves(`${prefix}-saturated`, `${name}: saturated fraction of A per layer`, false, [0, 1]);
    this.dead = new StepCurves(`${prefix}-dead`, `${name}: dead units (fraction) per layer`, false, [0, 1]);
  }

  update(t: Timeline): void {
    const layers = t.layers[0]?.length ?? 0;
    const curves: CurveSpec[] = shownLayers(layers).map((l) => ({ label: `L${l + 1}`, color: layerColor(l, layers) }));
    const pick = (f: (s: TrainLayerStats) => number) => shownLayers(layers).map((l) => t.layers.map((w) => f(w[l])));
    // The rule of thumb as a dashed line of its own, so the log axis always reaches it.
    this.ratio.update([...curves, { label: '1e-3', color: '#888', dash: [6, 4] }], t.steps, [...pick((s) => s.updateRatio), t.steps.map(() => 1e-3)]);
    this.saturated.update(curves, t.steps, pick((s) => s.activation.saturatedFraction));
    this.dead.update(curves, t.steps, pick((s) => s.activation.deadUnitFraction));
  }

  reset(): void {
    for (const c of [this.ratio, this.saturated, this.dead]) c.reset();
  }
}
