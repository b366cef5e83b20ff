// The training view's plots of a session: loss and accuracy of every run (held-out accuracy
// dashed), each run's per-layer distributions and curves, and LeNet-5's first filters.
import { $ } from './dom';
import { drawMaps } from './maps';
import { clear, StepCurves, type CurveSpec } from './plots';
import type { SessionView } from './runFile';
import { distributions, LayerCurves } from './timeline';
import { PANELS } from './trainLayout';

const COLORS = ['#c33', '#36c'];

export class TrainPlots {
  private readonly loss = new StepCurves('train-loss', 'loss (training batch)', true);
  private readonly accuracy = new StepCurves('train-accuracy', 'accuracy: training batch and held-out sample (dashed)', false, [0, 1]);
  private readonly layerCurves = PANELS.map((prefix, i) => new LayerCurves(prefix, i === 0 ? 'A' : 'B'));

  /** Every plot of the session as it stands. */
  draw(s: SessionView): void {
    const curves: CurveSpec[] = s.runs.map((r, i) => ({ label: r.name, color: COLORS[i] }));
    const steps = s.runs[0].history.map((h) => h.step);
    this.loss.update(curves, steps, s.runs.map((r) => steps.map((_, j) => r.history[j]?.loss ?? null)));
    const testCurves: CurveSpec[] = s.runs.map((r, i) => ({ label: `${r.name} (held-out)`, color: COLORS[i], dash: [6, 3], spanGaps: true }));
    const testAt = new Map(s.testCurve.map((t) => [t.step, t]));
    this.accuracy.update([...curves, ...testCurves], steps, [
      ...s.runs.map((r) => steps.map((_, j) => r.history[j]?.accuracy ?? null)),
      ...s.runs.map((_, i) => steps.map((st) => { const t = testAt.get(st); return t ? (i === 0 ? t.accuracy : t.compare ?? null) : null; })),
    ]);
    $('train-b-panel').hidden = s.runs.length < 2;
    s.runs.forEach((r, i) => {
      const prefix = PANELS[i];
      $(`${prefix}-title`).textContent = r.name;
      distributions(`${prefix}-dist-activation`, r.timeline, 'activation', 'A');
      distributions(`${prefix}-dist-weightGrad`, r.timeline, 'weightGrad', 'dL/dW');
      this.layerCurves[i].update(r.timeline);
    });
    this.drawFilters(s);
  }

  /** A LeNet-5's first-layer filters (6 x 1 x 5 x 5), as pictures, for each run. */
  private drawFilters(s: SessionView): void {
    for (const [i, r] of s.runs.entries()) {
      const prefix = PANELS[i];
      const filters = s.filters?.[i];
      $(`${prefix}-filters-box`).hidden = !filters;
      if (filters) drawMaps(`${prefix}-filters`, [{ title: `after ${r.history.length} steps`, data: filters, channels: 6, height: 5, width: 5 }]);
    }
  }

  /** Empties every plot (no session). */
  reset(): void {
    for (const c of PANELS) {
      for (const part of ['dist-activation', 'dist-weightGrad']) clear(`${c}-${part}`);
      $(`${c}-title`).textContent = '';
    }
    this.loss.reset();
    this.accuracy.reset();
    for (const c of this.layerCurves) c.reset();
  }
}
