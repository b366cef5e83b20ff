// The learning-rate range test (Smith 2017, "Cyclical learning rates for training neural networks";
// fastai's lr_find): train with the rate grown exponentially from startLr to endLr, one batch per
// step, smooth the loss (an exponential moving average with bias correction), stop once it passes
// stopFactor times its minimum, and suggest the rate where the smoothed loss falls fastest against
// log lr. The net's parameters are put back afterwards (net.snapshot / restore), as fastai does.
import { InitscopeError, invalid } from '../model/errors';
import type { LossName, OptimizerOption } from '../model/train';
import type { Net } from '../net/net';

/** What lrFind takes besides the net and the data. */
export interface LrFindOptions {
  /** First and last rate of the sweep (defaults 1e-7 and 10, fastai's). */
  startLr?: number;
  endLr?: number;
  /** Steps of the sweep (default 100); the rate is startLr (endLr/startLr)^(t/(steps-1)) at step t. */
  steps?: number;
  /** The optimiser without its rate (default SGD with momentum 0.9). */
  optimizer?: Omit<OptimizerOption, 'lr'>;
  loss?: LossName;
  /** beta of the moving average (default 0.98). */
  smoothing?: number;
  /** The sweep stops once the smoothed loss passes this times its minimum (default 4). */
  stopFactor?: number;
  /** Called once per window of 10 steps with the step, the rate and the smoothed loss. */
  onProgress?: (p: { step: number; steps: number; lr: number; smoothed: number }) => void;
  /** Stops the sweep where it is (as trainer.train does); the result is that of the steps taken. */
  signal?: AbortSignal;
}

/** The sweep and what it says. */
export interface LrFindResult {
  /** Per step taken: the rate, the batch's loss and the smoothed loss. */
  lrs: number[];
  losses: number[];
  smoothed: number[];
  /** The rate where the smoothed loss falls fastest against log lr, before its minimum (fastai's "steep"). */
  suggestion: number;
  /** The rate at the smallest smoothed loss. */
  minimum: number;
  /** The rate where the smoothed loss or a batch's loss first passed stopFactor times the
   *  smallest smoothed loss (or was not finite); absent when the sweep ended without blowing up. */
  blowUp?: number;
}

/** fastai's smoothing and the stop: the smoothed losses up to and including the first step whose
 *  smoothed loss, or its batch's own loss, passes stopFactor times the smallest smoothed loss so
 *  far (or is not finite), and the rate there. (fastai stops on the smoothed loss alone; a ReLU
 *  net whose units die after one exploding batch falls back to chance, ln(classes), and the
 *  average of 0.98 never reaches 4x: the batch's loss catches that explosion.) */
export function smoothRangeTest(lrs: ArrayLike<number>, losses: ArrayLike<number>, smoothing = 0.98, stopFactor = 4): { smoothed: number[]; blowUp?: number } {
  const smoothed: number[] = [];
  let avg = 0;
  let best = Infinity;
  let blowUp: number | undefined;
  for (let i = 0; i < losses.length; i++) {
    avg = smoothing * avg + (1 - smoothing) * losses[i];
    const s = avg / (1 - smoothing ** (i + 1));
    smoothed.push(s);
    if (!Number.isFinite(s) || !Number.isFinite(losses[i]) || Math.max(s, losses[i]) > stopFactor * best) { blowUp = lrs[i]; break; }
    best = Math.min(best, s);
  }
  return { smoothed, ...(blowUp === undefined ? {} : { blowUp }) };
}

/** The smoothing, the stop and the suggestion on a sweep's rates and losses (float64). */
export function analyzeRangeTest(lrs: ArrayLike<number>, losses: ArrayLike<number>, smoothing = 0.98, stopFactor = 4): LrFindResult {
  const { smoothed, blowUp } = smoothRangeTest(lrs, losses, smoothing, stopFactor);
  // Up to the blow-up (excluded): the smallest smoothed loss, and before it the most negative
  // slope d smoothed / d log lr (central differences inside, one-sided at the ends). As fastai, the
  // first 10 and last 5 points are left out where the sweep is long enough: the moving average
  // starts from few batches, and the last ones lead into the blow-up.
  const n = blowUp === undefined ? smoothed.length : smoothed.length - 1;
  if (n < 2) {
    throw new InitscopeError(`lrFind: the loss blew up within ${smoothed.length} step(s) of the sweep; start from a smaller startLr`, 'invalid-state', 'startLr');
  }
  const [from, to] = n > 30 ? [10, n - 5] : [0, n];
  const x = Array.from({ length: n }, (_, i) => Math.log(lrs[i]));
  let minimum = from;
  for (let i = from; i < to; i++) if (smoothed[i] < smoothed[minimum]) minimum = i;
  let steepest = from;
  let slopeMin = Infinity;
  for (let i = from; i <= minimum; i++) {
    const [a, b] = [Math.max(from, i - 1), Math.min(to - 1, i + 1)];
    const slope = (smoothed[b] - smoothed[a]) / (x[b] - x[a]);
    if (slope < slopeMin) { slopeMin = slope; steepest = i; }
  }
  return {
    lrs: Array.from(lrs).slice(0, smoothed.length), losses: Array.from(losses).slice(0, smoothed.length), smoothed,
    suggestion: lrs[steepest], minimum: lrs[minimum], ...(blowUp === undefined ? {} : { blowUp }),
  };
}

function positive(field: string, v: unknown, fallback: number, ok: (x: number) => boolean, allowed: string): number {
  const x = v ?? fallback;
  if (typeof x !== 'number' || !ok(x)) throw invalid('lrFind', field, x, allowed);
  return x;
}

/** Runs the range test on rows x with their labels (batches of the net's batch, shuffled) and
 *  puts the net's parameters back as they were (net.restore: a trainer of this net starts its
 *  optimiser state again, as after any restore). Rejects with invalid-state when the loss blows up
 *  before two steps are taken. */
export async function lrFind(net: Net, x: Float32Array, labels: Int32Array | Uint32Array | Float32Array, options: LrFindOptions = {}): Promise<LrFindResult> {
  const startLr = positive('startLr', options.startLr, 1e-7, (v) => Number.isFinite(v) && v > 0, 'a finite number > 0');
  const endLr = positive('endLr', options.endLr, 10, (v) => Number.isFinite(v) && v > startLr, `a finite number > startLr (${startLr})`);
  const steps = positive('steps', options.steps, 100, (v) => Number.isInteger(v) && v >= 5, 'an integer >= 5');
  const smoothing = positive('smoothing', options.smoothing, 0.98, (v) => v >= 0 && v < 1, 'a number in [0, 1)');
  const stopFactor = positive('stopFactor', options.stopFactor, 4, (v) => Number.isFinite(v) && v > 1, 'a finite number > 1');
  const optimizer = { ...(options.optimizer ?? { name: 'sgd', momentum: 0.9 }), lr: startLr } as OptimizerOption;
  const trainer = net.trainer({ loss: options.loss, optimizer, schedule: { name: 'exponential', to: endLr, steps: steps - 1 } });
  const snapshot = await net.snapshot().catch((e: unknown) => { trainer.destroy(); throw e; });
  const stop = new AbortController();
  options.signal?.addEventListener('abort', () => stop.abort());
  const lrs: number[] = [];
  const losses: number[] = [];
  try {
    await trainer.setData(x, labels);
    await trainer.train(steps, {
      every: 10, signal: stop.signal,
      onProgress: ({ records }) => {
        for (const r of records) { lrs.push(r.lr); losses.push(r.loss); }
        const sweep = smoothRangeTest(lrs, losses, smoothing, stopFactor);
        options.onProgress?.({ step: lrs.length, steps, lr: lrs.at(-1)!, smoothed: sweep.smoothed.at(-1)! });
        if (sweep.blowUp !== undefined) stop.abort();
      },
    });
  } finally {
    trainer.destroy();
    await net.restore(snapshot);
    snapshot.release();
  }
  return analyzeRangeTest(lrs, losses, smoothing, stopFactor);
}
