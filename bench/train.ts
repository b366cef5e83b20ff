// npm run bench -- --train: steps per second of the training step of design.md section 6's MNIST
// net (784 -> 6 x width tanh -> 10 linear, batch 64, SGD lr 0.1, cross-entropy) at widths 128, 512
// and 4096 (1024 on a CPU adapter, where a 4096 step takes most of a minute), and of the Fixup
// residual net (bench/residual.ts), against tfjs-backend-webgpu training the same nets with
// tf.train.sgd on the same adapter, warmed up alike. Each line also as GFLOP/s and as a share of
// the adapter's matmul peak (bench/peak.ts), measured in the same run. Data: random rows of MNIST's
// shape (throughput does not depend on the values).
import type * as TF from '@tensorflow/tfjs-core';
import type { Engine } from '../src/index';
import { rateOf, type MatmulPeak } from './peak';
import { loadTfjs } from './peer-tfjs';
import { engineResidual, peerResidual, residualMacs } from './residual';
import { formatTable, peerWindowsPerS, randomRows, trainerStepsPerS } from './steps';

export interface TrainLine {
  name: string; batch: number; steps: number;
  /** Floating-point operations of one step: forward, dW and dX of every layer but the first (2
   *  per multiply-add; the first layer's dX is not computed in a training step). */
  flops: number;
  engineStepsPerS: number; peerStepsPerS?: number;
  /** The engine's GFLOP/s, and that as a share of the matmul peak. */
  gflops: number; ofPeak: number;
}

const FEATURES = 784;
const CLASSES = 10;
const ROWS = 8004;

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

export async function runTrainBench(engine: Engine, gpu: GPU, peak: MatmulPeak, o: { layers: number; peer: boolean; steps?: number }, log: (line: string) => void): Promise<TrainLine[]> {
  const slow = engine.adapterInfo.isFallbackAdapter;
  const lines: TrainLine[] = [];
  const batch = 64;
  const warmup = slow ? 1 : 10;
  const measure = async (name: string, macs: { all: number; first: number }, steps: number, engineRate: () => Promise<number>, peerRate: () => Promise<number>) => {
    let rate = await engineRate();
    log(`  ${name}: initscope ${rate.toFixed(2)} steps/s`);
    let peer: number | undefined;
    if (o.peer) {
      try {
        peer = await peerRate();
        log(`  ${name}: tfjs-webgpu ${peer.toFixed(2)} steps/s`);
        // The engine again after the peer, both windows' steps over both windows' time: on a CPU
        // adapter the machine's speed drifts within a run by more than a kernel change.
        const again = await engineRate();
        log(`  ${name}: initscope again ${again.toFixed(2)} steps/s`);
        rate = 2 / (1 / rate + 1 / again);
      } catch (e) {
        log(`tfjs peer failed: ${(e as Error).message}`);
      }
    }
    const flops = 6 * macs.all - 2 * macs.first;
    lines.push({ name, batch, steps, flops, engineStepsPerS: rate, peerStepsPerS: peer, ...rateOf(flops, 1000 / rate, peak) });
  };
  for (const width of slow ? [128, 512, 1024] : [128, 512, 4096]) {
    const steps = o.steps ?? (slow ? (width > 512 ? 3 : width > 128 ? 10 : 50) : 200);
    const dims = [FEATURES, ...Array.from({ length: o.layers }, () => width), CLASSES];
    const macs = { all: batch * dims.slice(1).reduce((sum, d, l) => sum + dims[l] * d, 0), first: batch * FEATURES * width };
    await measure(`MLP ${o.layers} x ${width}`, macs, steps, () => engineStepsPerS(engine, width, o.layers, batch, steps, warmup),
      () => peerStepsPerS(gpu, width, o.layers, batch, steps, warmup));
  }
  const residual = { blocks: 32, width: 64, batch };
  const steps = o.steps ?? (slow ? 20 : 200);
  await measure(`Fixup residual, ${residual.blocks} blocks x ${residual.width}`, { all: residualMacs(residual), first: batch * FEATURES * residual.width }, steps,
    () => engineResidual(engine, residual, steps, warmup), () => peerResidual(gpu, residual, steps, warmup));
  return lines;
}

/** The training table, as lines of text. */
export function formatTrainBench(lines: TrainLine[], peak: MatmulPeak): string[] {
  const rows = [['training step (batch 64, SGD)', 'initscope steps/s', 'GFLOP/s', '% of peak', 'tfjs steps/s', 'speedup']];
  for (const l of lines) {
    rows.push([`${l.name}, ${l.steps} steps`, l.engineStepsPerS.toFixed(2), l.gflops.toFixed(2), (100 * l.ofPeak).toFixed(0), l.peerStepsPerS?.toFixed(2) ?? '-',
      l.peerStepsPerS ? `${(l.engineStepsPerS / l.peerStepsPerS).toFixed(1)}x` : '-']);
  }
  rows.push([`matmul peak (${peak.n}^3, this engine)`, '-', peak.gflops.toFixed(2), '100', '-', '-']);
  return formatTable(rows);
}
