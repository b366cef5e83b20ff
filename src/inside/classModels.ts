// Class model visualisation (Simonyan, Vedaldi & Zisserman 2013, section 2): for each class c the
// image I that maximises S_c(I) - lambda ||I||^2, found by gradient ascent from a start image (the
// blank image), in the net's own input units. One row per class goes through net.inputGradient
// together, so a step of every class is one batch; the score of each class on its image is read
// with net.predict after every step, so the climb can be plotted.
import { InitscopeError } from '../model/errors';
import type { Net } from '../net/net';

/** Options of `classModels(net, options)`: which classes, the ascent's steps, size and penalty, where it starts. */
export interface ClassModelOptions {
  /** The classes to model (default every output of the net). */
  classes?: number[];
  /** Ascent steps (default 100). */
  steps?: number;
  /** Step size on dS_c/dI - 2 lambda I (default 0.5). */
  stepSize?: number;
  /** The L2 penalty's weight (default 0.01). */
  lambda?: number;
  /** One row of the net's input, in its units, every ascent starts from (default zeros). */
  start?: Float32Array;
  /** Called after every step with the steps done. */
  onProgress?: (step: number, steps: number) => void;
  /** Stops after the step in flight; the images so far are returned. */
  signal?: AbortSignal;
}

/** What `classModels` resolves to: one image per class and each class's score after every step. */
export interface ClassModelResult {
  classes: number[];
  /** One image per class, rows in `classes`' order, in the net's input units. */
  images: Float32Array;
  /** scores[t][i]: S of classes[i] on its image after t steps (t = 0 is the start). */
  scores: number[][];
}

const refuse = (field: string, value: unknown, allowed: string) =>
  new InitscopeError(`classModels: ${field} must be ${allowed}, got ${JSON.stringify(value)}`, 'invalid-option', field);

/** Gradient ascent on S_c - lambda |I|^2 for each class; resolves to the images and the score per step. */
export async function classModels(net: Net, options: ClassModelOptions = {}): Promise<ClassModelResult> {
  const input = net.options.input;
  const features = typeof input === 'number' ? input : input.reduce((a, b) => a * b, 1);
  const outputs = (await net.predict(new Float32Array(features))).length;
  const classes = options.classes ?? Array.from({ length: outputs }, (_, c) => c);
  if (!Array.isArray(classes) || classes.length === 0 || classes.some((c) => !Number.isInteger(c) || c < 0 || c >= outputs)) {
    throw refuse('classes', options.classes, `a non-empty array of classes from 0 to ${outputs - 1}`);
  }
  const steps = options.steps ?? 100;
  if (!Number.isInteger(steps) || steps < 0) throw refuse('steps', steps, 'an integer >= 0');
  const stepSize = options.stepSize ?? 0.5;
  if (!(Number.isFinite(stepSize) && stepSize > 0)) throw refuse('stepSize', stepSize, 'a number > 0');
  const lambda = options.lambda ?? 0.01;
  if (!(Number.isFinite(lambda) && lambda >= 0)) throw refuse('lambda', lambda, 'a number >= 0');
  const start = options.start ?? new Float32Array(features);
  if (!(start instanceof Float32Array) || start.length !== features) throw refuse('start', `length ${start?.length}`, `a Float32Array of one row of the net's input (${features} values)`);
  const rows = classes.length;
  const target = { class: Int32Array.from(classes) };
  let images = new Float32Array(rows * features);
  for (let r = 0; r < rows; r++) images.set(start, r * features);
  const scoresOf = async (x: Float32Array) => {
    const s = await net.predict(x);
    return classes.map((c, r) => s[r * outputs + c]);
  };
  const scores = [await scoresOf(images)];
  for (let t = 0; t < steps && !options.signal?.aborted; t++) {
    const g = await net.inputGradient(images, target);
    images = images.map((v, i) => v + stepSize * (g[i] - 2 * lambda * v));
    scores.push(await scoresOf(images));
    options.onProgress?.(t + 1, steps);
  }
  return { classes, images, scores };
}
