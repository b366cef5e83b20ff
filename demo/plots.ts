// Plots with uPlot (axes, ticks, log scales, bars, bands) for the demo's views.
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { TensorStats } from '../src/index';

const charts = new Map<string, uPlot[]>();

/** Empties a plot host and frees its charts. */
export function clear(id: string): HTMLElement {
  const host = document.getElementById(id)!;
  for (const u of charts.get(id) ?? []) u.destroy();
  charts.set(id, []);
  host.replaceChildren();
  return host;
}

/** Keeps a chart so that clear() frees it and histogramsPng() finds it. */
export function keep(id: string, u: uPlot): uPlot {
  charts.set(id, [...charts.get(id) ?? [], u]);
  return u;
}

/** The charts kept for a plot host (to update in place). */
export const chartsOf = (id: string): readonly uPlot[] => charts.get(id) ?? [];

/** One row of small multiples: a configuration's tensors, one per layer. */
export interface HistogramRow { title?: string; tensors: TensorStats[] }

const fmt = (v: number) => (Math.abs(v) >= 1e-3 && Math.abs(v) < 1e4 || v === 0 ? String(Number(v.toPrecision(3))) : v.toExponential(2));

/** One small histogram per layer, every row and layer on the same x range so they line up like
 *  the slides; counts linear or log (log shows the tails and the spike at once). */
export function histograms(id: string, rows: HistogramRow[], label: string, log: boolean): void {
  const host = clear(id);
  const all = rows.flatMap((r) => r.tensors);
  if (!all.length) return;
  const lo = Math.min(...all.map((t) => t.histogram.lo));
  const hi = Math.max(...all.map((t) => t.histogram.hi));
  const fixed = all.every((t) => t.histogram.lo === all[0].histogram.lo && t.histogram.hi === all[0].histogram.hi);
  host.append(Object.assign(document.createElement('p'), {
    className: 'range',
    textContent: `x axis: ${label} from ${fmt(lo)} to ${fmt(hi)}` + (fixed ? ', the same bins in every layer' : ', each layer binned on its own [min, max]') +
      `; y axis: entries per bin (${log ? 'log' : 'linear'}).`,
  }));
  for (const row of rows) {
    if (row.title) host.append(Object.assign(document.createElement('h3'), { textContent: row.title }));
    row.tensors.forEach((t, l) => {
      const figure = document.createElement('figure');
      const caption = document.createElement('figcaption');
      const outside = t.histogram.underflow + t.histogram.overflow;
      caption.textContent = `${label} layer ${l + 1}: mean ${t.mean.toPrecision(3)}, std ${t.std.toPrecision(3)}` +
        (outside ? `, ${outside.toLocaleString('en')} outside the range` : '');
      figure.append(caption);
      host.append(figure);
      const { counts, lo: hlo, hi: hhi } = t.histogram;
      const width = (hhi - hlo) / counts.length;
      const xs = counts.map((_, i) => hlo + (i + 0.5) * width);
      const ys = log ? counts.map((c) => (c > 0 ? c : null)) : counts;
      keep(id, new uPlot({
        width: 220, height: 130, legend: { show: false }, cursor: { show: false },
        scales: { x: { time: false, range: [lo, hi] }, y: log ? { distr: 3, range: (_u, _min, max) => [1, Math.max(10, max)] } : { range: (_u, _min, max) => [0, Math.max(1, max)] } },
        axes: [{ size: 28, font: '10px system-ui', ticks: { size: 3 } }, { size: 40, font: '10px system-ui', ticks: { size: 3 } }],
        series: [{}, { fill: 'rgba(40,110,200,0.55)', stroke: 'rgb(40,110,200)', paths: uPlot.paths.bars!({ size: [1, Infinity], align: 0 }), points: { show: false } }],
      }, [xs, ys], figure));
    });
  }
}

export interface LineSeries { label: string; values: number[]; color: string; dash?: number[] }

/** Values per layer; on a log axis a missing or non-positive value is a gap, never a drop. */
export function lines(id: string, title: string, layers: number, series: LineSeries[], log: boolean): void {
  const host = clear(id);
  const xs = Array.from({ length: layers }, (_, i) => i + 1);
  keep(id, new uPlot({
    width: Math.max(380, host.clientWidth || 480), height: 240, title,
    scales: { x: { time: false }, y: log ? { distr: 3 } : {} },
    axes: [{ label: 'layer', incrs: [1, 2, 5, 10] }, { size: 60, ...(log ? { values: logTicks } : {}) }],
    series: [{ label: 'layer' }, ...series.map((s) => ({ label: s.label, stroke: s.color, width: 2, dash: s.dash, points: { size: 6 } }))],
  }, [xs, ...series.map((s) => s.values.map((v) => (Number.isFinite(v) && (!log || v > 0) ? v : null)))], host));
}

/** All histogram canvases of the page, stacked into one PNG. */
export function histogramsPng(): Promise<Blob | null> {
  const canvases = ['hist-activation', 'hist-preactivation', 'hist-weightGrad']
    .map((id) => (charts.get(id) ?? []).map((u) => u.ctx.canvas))
    .filter((row) => row.length);
  if (!canvases.length) return Promise.resolve(null);
  const cw = canvases[0][0].width;
  const ch = canvases[0][0].height;
  const out = document.createElement('canvas');
  out.width = cw * Math.max(...canvases.map((r) => r.length));
  out.height = ch * canvases.length;
  const ctx = out.getContext('2d')!;
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, out.width, out.height);
  canvases.forEach((row, r) => row.forEach((c, i) => ctx.drawImage(c, i * cw, r * ch)));
  return new Promise((resolve) => out.toBlob(resolve, 'image/png'));
}

export interface CurveSpec { label: string; color: string; dash?: number[]; /** Join points across gaps (a curve measured once per window). */ spanGaps?: boolean }

/** Tick labels that stay readable for small values (1e-4, not 0). */
export const logTicks = (_u: uPlot, splits: number[]) => splits.map((v) => (v === null ? '' : fmt(v)));

/** Curves over training steps, made on the first update and updated in place (setData) while
 *  training runs. `ys[i][j]` is curve i at xs[j]; a null is a gap. */
export class StepCurves {
  private u?: uPlot;

  constructor(private id: string, private title: string, private log: boolean, private range?: [number, number]) {}

  update(curves: CurveSpec[], xs: number[], ys: Array<Array<number | null>>): void {
    const values = ys.map((s) => s.map((v) => (v !== null && Number.isFinite(v) && (!this.log || v > 0) ? v : null)));
    if (this.u && this.u.series.length === curves.length + 1) { this.u.setData([xs, ...values]); return; }
    const host = clear(this.id);
    this.u = keep(this.id, new uPlot({
      width: Math.max(380, host.clientWidth || 480), height: 240, title: this.title,
      scales: { x: { time: false }, y: this.log ? { distr: 3 } : this.range ? { range: this.range } : {} },
      axes: [{ label: 'step' }, { size: 60, ...(this.log ? { values: logTicks } : {}) }],
      series: [{ label: 'step' }, ...curves.map((s) => ({ label: s.label, stroke: s.color, width: 1.5, dash: s.dash, spanGaps: s.spanGaps, points: { show: false } }))],
    }, [xs, ...values], host));
  }

  reset(): void {
    clear(this.id);
    this.u = undefined;
  }
}
