// The class models' climb: each class's score on its image against the ascent's step (uPlot).
import uPlot from 'uplot';
import { clear, keep } from './plots';

const COLOURS = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#17becf'];

/** scores[t][i]: class classes[i]'s score after t steps. */
export function scoresPlot(id: string, scores: number[][], classes: number[]): void {
  const host = clear(id);
  const steps = scores.map((_, t) => t);
  const series = classes.map((c, i) => ({ label: `class ${c}`, stroke: COLOURS[i % COLOURS.length], width: 1.5, points: { show: false } }));
  keep(id, new uPlot({
    width: Math.max(380, host.clientWidth || 480), height: 220, title: 'each class\'s score S_c on its image, per ascent step',
    scales: { x: { time: false } },
    axes: [{ label: 'step' }, { label: 'S_c', size: 60 }],
    series: [{ label: 'step' }, ...series],
  }, [steps, ...classes.map((_, i) => scores.map((row) => row[i]))], host));
}
