// npm run bench -- --train: steps per second of the training step of design.md section 6's MNIST
// net (784 -> 6 x width tanh -> 10 linear, batch 64, SGD lr 0.1, cross-entropy) at width 128 and
// 1024, against tfjs-backend-webgpu training the same net with tf.train.sgd on the same adapter,
// warmed up alike. Data: random rows of MNIST's shape (throughput does not depend on the values).
import type * as TF from '@tensorflow/tfjs-core';
import type { Engine, Net } from '../src/index';
import { loadTfjs } from './peer-tfjs';

export interface TrainLine { width: number; layers: number; batch: number; steps: number; engineStepsPerS: number; peerStepsPerS?: number }

const FEATURES = 784;
const CLASSES = 10;
const ROWS = 8004;

/** `rows` random rows of `features` values in [-1, 1) and labels below `classes` (throughput does
 *  not depend on the values). */
export function randomRows(rows: number, features: number, classes: number): { x: Float32Array; labels: Int32Array } {
  let s = 12345;
  const next = () => { s = (Math.imul(s, 1103515245) + 12345) >>> 0; return s / 4294967296; };
  return { x: Float32Array.from({ length: rows * features }, () => next() * 2 - 1), labels: Int32Array.from({ length: rows }, () => Math.floor(next() * classes)) };
}

/** Steps per second of `net` trained by SGD at `lr` on `data`: `steps` steps after `warmup`, the way
 *  the trainer runs them (one readback per window of 50). Destroys the net. */
export async function trainerStepsPerS(net: Net, lr: number, data: { x: Float32Array; labels: Int32Array }, steps: number, warmup: number): Promise<number> {
  const trainer = net.trainer({ loss: 'cross_entropy', optimizer: { name: 'sgd', lr } });
  await trainer.setData(data.x, data.labels);
  await trainer.train(warmup, { every: warmup });
  const started = performance.now();
  await trainer.train(steps, { every: Math.min(steps, 50) });
  const seconds = (performance.now() - started) / 1000;
  net.destroy();
  return steps / seconds;
}

/** Steps per second of a tfjs training step, run as the engine runs its own: the loss read back
 *  once per window of 50 steps, after `warmup` steps. */
export async function peerWindowsPerS(step: () => TF.Scalar | null, steps: number, warmup: number): Promise<number> {
  const window = async (n: number) => {
    let cost: TF.Scalar | null = null;
    for (let i = 0; i < n; i++) { cost?.dispose(); cost = step(); }
    await cost?.data();
    cost?.dispose();
  };
  await window(warmup);
  const started = performance.now();
  for (let done = 0; done < steps; done += 50) await window(Math.min(50, steps - done));
  return steps / ((performance.now() - started) / 1000);
}

const engineStepsPerS = (engine: Engine, width: number, layers: number, batch: number, steps: number, warmup: number): Promise<number> =>
  trainerStepsPerS(engine.createMLP({ dims: [FEATURES, ...Array.from({ length: layers }, () => width), CLASSES], batch, activation: 'tanh',
    output: 'linear', init: 'xavier', bias: true }), 0.1, randomRows(ROWS, FEATURES, CLASSES), steps, warmup);

async function peerStepsPerS(gpu: GPU, width: number, layers: number, batch: number, steps: number, warmup: number): Promise<number> {
  const tf = await loadTfjs(gpu);
  const data = randomRows(ROWS, FEATURES, CLASSES);
  const X = tf.tensor2d(data.x, [ROWS, FEATURES]);
  const Y = tf.oneHot(tf.tensor1d(data.labels, 'int32'), CLASSES);
  const dims = [FEATURES, ...Array.from({ length: layers }, () => width), CLASSES];
  const Ws = dims.slice(1).map((d, l) => tf.variable<TF.Rank.R2>(tf.mul(tf.randomNormal<TF.Rank.R2>([dims[l], d]), 1 / Math.sqrt(dims[l]))));
  const bs = dims.slice(1).map((d) => tf.variable(tf.zeros([d])));
  const optimizer = tf.train.sgd(0.1);
  let position = 0;
  const step = () => {
    if (position + batch > ROWS) position = 0;
    const start = position;
    position += batch;
    return optimizer.minimize(() => tf.tidy(() => {
      let a: TF.Tensor2D = tf.slice(X, [start, 0], [batch, FEATURES]);
      Ws.forEach((W, l) => {
        const z: TF.Tensor2D = tf.add(tf.matMul(a, W), bs[l]);
        a = l < Ws.length - 1 ? tf.tanh(z) : z;
      });
      const loss: TF.Scalar = tf.losses.softmaxCrossEntropy(tf.slice(Y, [start, 0], [batch, CLASSES]), a);
      return loss;
    }), true);
  };
  const rate = await peerWindowsPerS(step, steps, warmup);
  tf.dispose([X, Y, ...Ws, ...bs]);
  return rate;
}

export async function runTrainBench(engine: Engine, gpu: GPU, o: { layers: number; peer: boolean; steps?: number }, log: (line: string) => void): Promise<TrainLine[]> {
  const slow = engine.adapterInfo.isFallbackAdapter;
  const lines: TrainLine[] = [];
  for (const width of [128, 1024]) {
    const batch = 64;
    const steps = o.steps ?? (slow ? (width > 128 ? 3 : 50) : 200);
    const warmup = slow ? 1 : 10;
    const engineRate = await engineStepsPerS(engine, width, o.layers, batch, steps, warmup);
    log(`  train step, width ${width}: initscope ${engineRate.toFixed(2)} steps/s`);
    let peerRate: number | undefined;
    if (o.peer) {
      try {
        peerRate = await peerStepsPerS(gpu, width, o.layers, batch, steps, warmup);
        log(`  train step, width ${width}: tfjs-webgpu ${peerRate.toFixed(2)} steps/s`);
      } catch (e) {
        log(`tfjs peer failed: ${(e as Error).message}`);
      }
    }
    lines.push({ width, layers: o.layers, batch, steps, engineStepsPerS: engineRate, peerStepsPerS: peerRate });
  }
  return lines;
}

/** The training table, as lines of text. */
export function formatTrainBench(lines: TrainLine[]): string[] {
  const rows = [['training step (784 -> layers x width tanh -> 10, batch 64, SGD)', 'initscope steps/s', 'tfjs steps/s', 'speedup']];
  for (const l of lines) {
    rows.push([`${l.layers} x ${l.width}, ${l.steps} steps`, l.engineStepsPerS.toFixed(2), l.peerStepsPerS?.toFixed(2) ?? '-',
      l.peerStepsPerS ? `${(l.engineStepsPerS / l.peerStepsPerS).toFixed(1)}x` : '-']);
  }
  const widths = rows[0].map((_, i) => Math.max(...rows.map((row) => row[i].length)));
  return rows.map((row) => row.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  '));
}
