// A training session of the training view, as the training host (demo/trainHost.ts) runs it: one
// net per configuration (A, and B in a comparison) on the same data, trained window by window,
// each window's per-layer statistics kept, and accuracy on a held-out sample measured after each
// window.
import type { Engine, MLP, Trainer, TrainLayerStats, TrainRecord } from '../src/index';
import type { Dataset } from '../src/data/index';
import { configName, stateB, trainingOptions, type TrainState } from './trainState';

export interface Summary { steps: number; history: Array<{ step: number; loss: number; accuracy: number }>; testAccuracy: number }
/** design.md section 8's record of a run (configuration A), with B's beside it in a comparison. */
export interface LastTraining extends Summary { compare?: Summary; testCurve: Array<{ step: number; accuracy: number; compare?: number }> }

/** One configuration being trained: its net, trainer, every record and the per-window statistics
 *  (of the layers with a W: a LeNet's pool and flatten layers have none). */
export interface Run { name: string; net: MLP; trainer: Trainer; history: TrainRecord[]; stats: Array<{ step: number; layers: TrainLayerStats[] }>; diverged: boolean }

/** The runs, the data, the held-out sample, and the steps done of the steps asked for. */
export interface Session { state: TrainState; runs: Run[]; data: Dataset; sample: { x: Float32Array; labels: Int32Array }; done: number; testCurve: LastTraining['testCurve'] }

/** Every 4th test example: a sample of every digit (the test set is ordered by digit). */
function sampleOf(d: Dataset): Session['sample'] {
  const rows = Math.ceil(d.test.labels.length / 4);
  const x = new Float32Array(rows * d.features);
  const labels = new Int32Array(rows);
  for (let r = 0; r < rows; r++) { x.set(d.test.x.subarray(4 * r * d.features, (4 * r + 1) * d.features), r * d.features); labels[r] = d.test.labels[4 * r]; }
  return { x, labels };
}

/** LeNet-5's weights: 6x1x5x5 + 16x6x5x5 + 400x120 + 120x84 + 84x10. */
const LENET5_WEIGHTS = 150 + 2400 + 48000 + 10080 + 840;

/** Steps per window: about 20 windows a run, at most 50 steps each. */
export const windowSteps = (steps: number) => Math.max(1, Math.min(50, Math.ceil(steps / 20)));

/** Makes the nets and trainers of a state (the data uploaded, LSUV run where asked). */
export async function createSession(engine: Engine, data: Dataset, s: TrainState, phase: (text: string) => void): Promise<Session> {
  const configs = s.compare ? [s, stateB(s)] : [s];
  const runs: Run[] = [];
  try {
    for (const [i, c] of configs.entries()) {
      const options = trainingOptions(c, data.features, data.classes);
      const o = options.net;
      const weights = 'dims' in o ? o.dims.slice(1).reduce((sum, d, l) => sum + d * o.dims[l], 0) : LENET5_WEIGHTS;
      phase(`initialising ${weights.toLocaleString('en')} weights (${configName(c)})...`);
      const net = 'dims' in o ? engine.createMLP(o) : engine.createNet(o);
      const run: Run = { name: `${i === 0 ? 'A' : 'B'}: ${configName(c)}`, net, trainer: net.trainer(options.trainer), history: [], stats: [], diverged: false };
      runs.push(run);
      await run.trainer.setData(data.train.x, data.train.labels, { shuffle: true, seed: s.seed });
      if (c.init === 'lsuv') await net.lsuv(data.train.x.slice(0, s.batch * data.features));
    }
  } catch (e) {
    for (const r of runs) r.net.destroy();
    throw e;
  }
  return { state: s, runs, data, sample: sampleOf(data), done: 0, testCurve: [] };
}

/** `n` steps of one run, with statistics on the last. */
async function trainRun(r: Run, n: number, signal?: AbortSignal): Promise<void> {
  const result = await r.trainer.train(n, { every: n, stats: true, signal });
  r.history.push(...result.history);
  const last = result.history.at(-1);
  if (last?.layers) r.stats.push({ step: last.step, layers: last.layers.filter((l) => (l as Partial<typeof l>).weightGrad !== undefined) });
  if (result.stopped === 'diverged') r.diverged = true;
}

/** One window of every live run towards `until` steps. Aborted for a pause (`keep`), the runs
 *  are brought level (a pause can land mid-window); otherwise the held-out sample is measured.
 *  The session is as far as its slowest live run. Returns false when no run can go on. */
export async function trainWindow(s: Session, until: number, signal: AbortSignal, keep: () => boolean): Promise<boolean> {
  const live = s.runs.filter((r) => !r.diverged);
  if (!live.length) return false;
  for (const r of live) {
    const n = Math.min(windowSteps(s.state.steps), until - r.history.length);
    if (n > 0 && !signal.aborted) await trainRun(r, n, signal);
  }
  if (signal.aborted && keep()) {
    const target = Math.max(...live.map((r) => r.history.length));
    for (const r of live) if (r.history.length < target) await trainRun(r, target - r.history.length);
  }
  const going = s.runs.filter((r) => !r.diverged);
  s.done = Math.min(...(going.length ? going : s.runs).map((r) => r.history.length));
  if (signal.aborted) return false;
  const test = await Promise.all(s.runs.map((r) => r.trainer.evaluate(s.sample.x, s.sample.labels)));
  s.testCurve.push({ step: s.done, accuracy: test[0].accuracy, ...(test[1] ? { compare: test[1].accuracy } : {}) });
  return true;
}

/** Test accuracy of every run on the whole test set. */
export async function summarize(s: Session): Promise<{ accuracies: number[] }> {
  const accuracies: number[] = [];
  for (const r of s.runs) accuracies.push((await r.trainer.evaluate(s.data.test.x, s.data.test.labels)).accuracy);
  return { accuracies };
}

/** design.md section 8's record from the runs' histories, their test accuracies and the held-out
 *  curve: made on the page, from the session it grew from the host's windows or from a run file. */
export function lastTraining(runs: ReadonlyArray<{ history: Summary['history'] }>, accuracies: number[], testCurve: LastTraining['testCurve']): LastTraining {
  const summary = (r: { history: Summary['history'] }, testAccuracy: number): Summary =>
    ({ steps: r.history.length, history: r.history.map(({ step, loss, accuracy }) => ({ step, loss, accuracy })), testAccuracy });
  return { ...summary(runs[0], accuracies[0]), testCurve, ...(runs[1] ? { compare: summary(runs[1], accuracies[1]) } : {}) };
}
