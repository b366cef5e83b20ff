// The training view's Find learning rate (Smith 2017; fastai's lr_find): the host sweeps the rate
// from 1e-5 to 10 over 100 steps on a fresh net of A's settings (the session's nets untouched),
// and the page plots the batch loss and the smoothed loss against the rate (log x), marks the
// suggestion and where the loss blew up, and offers to use the suggestion as A's rate. The result
// is window.initscope.lastLrFind.
import uPlot from 'uplot';
import type { LrFindResult } from '../src/index';
import { $ } from './dom';
import { clear, keep, logTicks } from './plots';
import { LR_FIND } from './trainProtocol';

const short = (v: number) => Number(v.toPrecision(2));

/** The sweep's plot and sentence; `use` sets A's learning rate to the suggestion. */
export function showLrFind(r: LrFindResult, use: (lr: number) => void): void {
  const host = clear('train-lrfind-plot');
  $('train-lrfind-box').hidden = false;
  const marks = [{ at: r.suggestion, color: '#393', text: 'suggestion' }, ...(r.blowUp === undefined ? [] : [{ at: r.blowUp, color: '#c33', text: 'blow-up' }])];
  // Up to the smoothed loss's largest: a blown-up batch (loss 10 or more) would flatten the rest.
  const finite = (v: number[]) => v.filter(Number.isFinite);
  const [lo, hi] = [Math.min(...finite([...r.smoothed, ...r.losses])), Math.max(...finite(r.smoothed))];
  keep('train-lrfind-plot', new uPlot({
    width: Math.max(380, host.clientWidth || 480), height: 240, title: 'loss against the learning rate (one batch per step)',
    scales: { x: { time: false, distr: 3 }, y: { range: [Math.max(0, lo - 0.2 * (hi - lo)), hi + 0.2 * (hi - lo)] } },
    axes: [{ label: 'learning rate', values: logTicks }, { size: 60 }],
    series: [{ label: 'lr' }, { label: 'batch loss', stroke: '#bbb', width: 1, points: { show: false } },
      { label: 'smoothed', stroke: '#36c', width: 2, points: { show: false } }],
    hooks: {
      draw: [(u) => {
        const { ctx } = u;
        for (const m of marks) {
          const x = u.valToPos(m.at, 'x', true);
          ctx.save();
          ctx.strokeStyle = m.color;
          ctx.setLineDash([5, 4]);
          ctx.beginPath();
          ctx.moveTo(x, u.bbox.top);
          ctx.lineTo(x, u.bbox.top + u.bbox.height);
          ctx.stroke();
          ctx.restore();
        }
      }],
    },
  }, [r.lrs, r.losses.map((v) => (Number.isFinite(v) ? v : null)), r.smoothed.map((v) => (Number.isFinite(v) ? v : null))], host));
  const text = `Suggested learning rate ${short(r.suggestion)} (green: where the smoothed loss falls fastest); smallest smoothed loss at ${short(r.minimum)}; ` +
    (r.blowUp === undefined ? `no blow-up up to ${LR_FIND.to}.` : `the loss blew up at ${short(r.blowUp)} (red), so the sweep stopped after ${r.lrs.length} steps.`);
  $('train-lrfind-result').textContent = text;
  const button = $<HTMLButtonElement>('train-lrfind-use');
  button.textContent = `Use ${short(r.suggestion)} for A`;
  button.onclick = () => use(short(r.suggestion));
  window.initscope.lastLrFind = r;
}

/** Hides a previous sweep (new settings make it stale). */
export function hideLrFind(): void {
  clear('train-lrfind-plot');
  $('train-lrfind-box').hidden = true;
}
