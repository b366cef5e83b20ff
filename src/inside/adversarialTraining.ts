// Adversarial training (Goodfellow, Shlens & Szegedy 2014, section 5): the loss alpha J(x) +
// (1 - alpha) J(x'), x' the FGSM example of x at eps made from the current weights. With alpha =
// 0.5, the paper's value, one training step on a batch whose first half is clean rows and second
// half their FGSM versions has exactly that loss (the batch mean). Each step is two passes on the
// GPU: net.inputGradient for x' (inference mode, the weights of this step), then trainer.step.
// A function over the trainer rather than an option of net.trainer(): x' needs dL/dx of the
// weights before the update, a pass of its own.
import { InitscopeError } from '../model/errors';
import type { TrainerOptions } from '../model/train';
import { seededUniform } from '../model/random';
import type { Net } from '../net/net';
import { fgsm } from './attacks';
import { checkPreprocessing, toNet, type Preprocessing } from './preprocessing';

/** What adversarialTraining takes besides the net and the data (in the data's own units). */
export interface AdversarialTrainingOptions {
  /** FGSM's eps in the data's units (the paper: 0.25 on MNIST pixels in [0, 1]). */
  eps: number;
  /** Training steps (each: FGSM of half a batch, then one step on the clean and FGSM rows). */
  steps: number;
  /** The trainer (loss cross_entropy; the optimiser and schedule as net.trainer takes them). */
  trainer?: TrainerOptions;
  /** The data's valid range (default [0, 1]) and the map to the net's input, as the attacks take them. */
  bounds?: [number, number];
  preprocessing?: Preprocessing;
  /** Seeds the order of the rows (mulberry32 shuffles per epoch). */
  seed?: number;
  /** Called every `every` steps with the step and that step's loss. */
  onProgress?: (p: { step: number; steps: number; loss: number }) => void;
  /** Steps between onProgress calls (default 50). */
  every?: number;
}

/** Trains `net` on rows x (data units) with labels, half of every batch clean and half FGSM;
 *  resolves to the loss of each step. The net's batch must be even. */
export async function adversarialTraining(net: Net, x: Float32Array, labels: Int32Array | Uint32Array, options: AdversarialTrainingOptions): Promise<number[]> {
  const input = net.options.input;
  const features = typeof input === 'number' ? input : input.reduce((a, b) => a * b, 1);
  const batch = net.options.batch;
  const half = batch / 2;
  const fail = (field: string, message: string) => new InitscopeError(`adversarialTraining: ${message}`, 'invalid-option', field);
  if (!Number.isInteger(half)) throw fail('batch', `the net's batch must be even (half clean, half FGSM), got ${batch}`);
  if (!(Number.isInteger(options.steps) && options.steps >= 1)) throw fail('steps', `steps must be an integer >= 1, got ${options.steps}`);
  if (!(x instanceof Float32Array) || x.length % features !== 0) throw fail('x', `x must be a Float32Array of rows of ${features} values`);
  const rows = x.length / features;
  if (labels.length !== rows) throw fail('labels', `labels must have one entry per row (${rows}), got ${labels.length}`);
  if (rows < half) throw fail('x', `x must hold at least half a batch (${half} rows), got ${rows}`);
  checkPreprocessing('adversarialTraining', options.preprocessing, features);
  const trainer = net.trainer({ ...options.trainer, loss: 'cross_entropy' });
  const attack = { bounds: options.bounds, preprocessing: options.preprocessing };
  const uniform = seededUniform(options.seed ?? 0);
  let order: number[] = [];
  let next = 0;
  const losses: number[] = [];
  const every = options.every ?? 50;
  try {
    for (let s = 0; s < options.steps; s++) {
      if (next + half > order.length) {
        order = Array.from({ length: rows }, (_, i) => i).map((i) => [uniform(), i]).sort((a, b) => a[0] - b[0]).map((e) => e[1]);
        next = 0;
      }
      const pick = order.slice(next, next + half);
      next += half;
      const clean = new Float32Array(half * features);
      const y = new Int32Array(batch);
      pick.forEach((r, i) => { clean.set(x.subarray(r * features, (r + 1) * features), i * features); y[i] = y[half + i] = labels[r]; });
      const adversarial = await fgsm(net, clean, y.subarray(0, half), options.eps, attack);
      const both = new Float32Array(batch * features);
      both.set(clean);
      both.set(adversarial, half * features);
      const record = await trainer.step(toNet(both, features, options.preprocessing), y);
      losses.push(record.loss);
      if ((s + 1) % every === 0 || s === options.steps - 1) options.onProgress?.({ step: s + 1, steps: options.steps, loss: record.loss });
    }
  } finally {
    trainer.destroy();
  }
  return losses;
}
