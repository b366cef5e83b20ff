// Plots with uPlot (axes, ticks, log scales, bars) for the demo's views.
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { TensorStats } from '../src/index';

const charts = new Map<string, uPlot[]>();

function clear(id: string): HTMLElement {
  const host = document.getElementById(id)!;
  for (const u of charts.get(id) ?? []) u.destroy();
  charts.set(id, []);
  host.replaceChildren();
  return host;
}

/** One small histogram per layer, all on the same x range so the layers line up like the slides. */
export function histograms(id: string, tensors: TensorStats[], label: string): void {
  const host = clear(id);
  if (!tensors.length) return;
  const lo = Math.min(...tensors.map((t) => t.histogram.lo));
  const hi = Math.max(...tensors.map((t) => t.histogram.hi));
  tensors.forEach((t, l) => {
    const figure = document.createElement('figure');
    const caption = document.createElement('figcaption');
    const outside = t.histogram.underflow + t.histogram.overflow;
    caption.textContent = `${label} layer ${l + 1}: mean ${t.mean.toPrecision(3)}, std ${t.std.toPrecision(3)}` +
      (outside ? `, ${outside} outside the range` : '');
    figure.append(caption);
    host.append(figure);
    const { counts, lo: hlo, hi: hhi } = t.histogram;
    const width = (hhi - hlo) / counts.length;
    const xs = counts.map((_, i) => hlo + (i + 0.5) * width);
    const u = new uPlot({
      width: 220, height: 130, legend: { show: false }, cursor: { show: false },
      scales: { x: { time: false, range: [lo, hi] }, y: { range: (_u, _min, max) => [0, Math.max(1, max)] } },
      axes: [{ size: 28, font: '10px system-ui', ticks: { size: 3 } }, { size: 40, font: '10px system-ui', ticks: { size: 3 } }],
      series: [{}, { fill: 'rgba(40,110,200,0.55)', stroke: 'rgb(40,110,200)', paths: uPlot.paths.bars!({ size: [1, Infinity], align: 0 }), points: { show: false } }],
    }, [xs, counts], figure);
    charts.get(id)!.push(u);
  });
}

export function lines(id: string, title: string, layers: number, series: Array<{ label: string; values: number[]; color: string }>, log: boolean): void {
  const host = clear(id);
  const xs = Array.from({ length: layers }, (_, i) => i + 1);
  const u = new uPlot({
    width: Math.max(380, host.clientWidth || 480), height: 240, title,
    scales: { x: { time: false }, y: log ? { distr: 3 } : {} },
    axes: [{ label: 'layer', incrs: [1] }, { size: 60 }],
    series: [{ label: 'layer' }, ...series.map((s) => ({ label: s.label, stroke: s.color, width: 2, points: { size: 6 } }))],
  }, [xs, ...series.map((s) => s.values.map((v) => (log ? Math.max(v, 1e-12) : v)))], host);
  charts.get(id)!.push(u);
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

/** A curve over training steps, created once and updated in place (setData) while training runs. */
export class StepCurves {
  private u?: uPlot;

  constructor(private id: string, private title: string, private series: Array<{ label: string; color: string }>, private log: boolean) {}

  /** Draws the curves; `ys[i][j]` is series i at step xs[j]. */
  update(xs: number[], ys: number[][]): void {
    const values = ys.map((s) => s.map((v) => (this.log ? Math.max(v, 1e-6) : v)));
    if (this.u) { this.u.setData([xs, ...values]); return; }
    const host = clear(this.id);
    this.u = new uPlot({
      width: Math.max(380, host.clientWidth || 480), height: 240, title: this.title,
      scales: { x: { time: false }, y: this.log ? { distr: 3 } : {} },
      axes: [{ label: 'step' }, { size: 60 }],
      series: [{ label: 'step' }, ...this.series.map((s) => ({ label: s.label, stroke: s.color, width: 1.5, points: { show: false } }))],
    }, [xs, ...values], host);
    charts.get(this.id)!.push(this.u);
  }

  reset(): void {
    clear(this.id);
    this.u = undefined;
  }
}
