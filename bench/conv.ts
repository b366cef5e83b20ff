// npm run bench -- --conv: conv forward, dX and dW of LeNet-5's two conv layers and of a 3x3,
// 64 -> 64 layer on 32 x 32 inputs, and LeNet-5 training steps per second, against
// tfjs-backend-webgpu on the same adapter in the same process, warmed up alike. The engine's
// per-kernel times come from net.profile (each dispatch alone; GPU timestamps where the adapter has
// them, else wall clock per submit); the peer's from tf.conv2d and tf.grads on NHWC tensors (its
// native layout), timed to the readback of the result.
import type * as TF from '@tensorflow/tfjs-core';
import { LENET5_INPUT, LENET5_LAYERS, type Engine, type PlanProfile } from '../src/index';
import { loadTfjs, timeSteps } from './peer-tfjs';
import { rateOf, type MatmulPeak } from './peak';
import { formatTable, peerWindowsPerS, randomRows, trainerStepsPerS } from './steps';

export interface ConvLine {
  name: string;
  /** Multiply-adds of one forward (dX and dW each have as many). */
  macs: number;
  forwardMs: number; inputGradMs: number; weightGradMs: number;
  peerForwardMs?: number;
  /** The peer's forward + backward (tf.grads of sum(conv(x, w) * dy) for x and w). */
  peerForwardBackwardMs?: number;
  /** The peer's dX and dW alone: the kernels its conv2d gradient runs (Conv2DBackpropInput, Conv2DBackpropFilter). */
  peerInputGradMs?: number; peerWeightGradMs?: number;
}
export interface ConvTrainLine { batch: number; steps: number; engineStepsPerS: number; peerStepsPerS?: number; flops: number; gflops: number; ofPeak: number }

/** Multiply-adds of LeNet-5's forward at `batch`: its two conv layers and three dense layers. */
const lenetMacs = (batch: number) => ({ conv1: batch * 6 * 28 * 28 * 25, rest: batch * (16 * 10 * 10 * 150 + 400 * 120 + 120 * 84 + 84 * 10) });

interface ConvShape { name: string; batch: number; cin: number; h: number; w: number; cout: number; k: number; padding: number }

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const ho = (s: ConvShape) => s.h + 2 * s.padding - s.k + 1;
const macs = (s: ConvShape) => s.batch * s.cout * ho(s) ** 2 * s.cin * s.k * s.k;

/** Sum of the profiled dispatches whose label matches. */
const timeOf = (p: PlanProfile, match: RegExp) => p.dispatches.filter((d) => match.test(d.label)).reduce((sum, d) => sum + d.ms, 0);

/** `steps` profiles of the layer's forward + backward (after one to warm up). */
async function engineProfiles(engine: Engine, s: ConvShape, steps: number): Promise<PlanProfile[]> {
  // A dense layer before the conv makes the conv's dX a real step of the plan (a first layer's is).
  const net = engine.createNet({ input: [s.cin, s.h, s.w], batch: s.batch, activation: 'relu', layers: [
    { type: 'conv', filters: s.cout, size: s.k, padding: s.padding }, { type: 'flatten' }, { type: 'dense', units: 10, activation: 'linear' }] });
  await net.setInput('randn');
  const runs: PlanProfile[] = [];
  for (let i = 0; i <= steps; i++) runs.push(await net.profile('forwardBackward', { stats: false }));
  net.destroy();
  return runs.slice(1);
}

/** The medians of the engine's forward, dX and dW over all profiles. */
const engineTimes = (runs: PlanProfile[]): Pick<ConvLine, 'forwardMs' | 'inputGradMs' | 'weightGradMs'> => ({
  forwardMs: median(runs.map((p) => timeOf(p, /conv forward/))),
  inputGradMs: median(runs.map((p) => timeOf(p, /conv dX/))),
  weightGradMs: median(runs.map((p) => timeOf(p, /conv dW/))),
});

async function peerConv(tf: typeof TF, s: ConvShape, steps: number, warmup: number):
  Promise<Pick<ConvLine, 'peerForwardMs' | 'peerForwardBackwardMs' | 'peerInputGradMs' | 'peerWeightGradMs'>> {
  const x = tf.randomNormal<TF.Rank.R4>([s.batch, s.h, s.w, s.cin]);
  const w = tf.randomNormal<TF.Rank.R4>([s.k, s.k, s.cin, s.cout]);
  const dy = tf.randomNormal<TF.Rank.R4>([s.batch, ho(s), ho(s), s.cout]);
  const pad = [[0, 0], [s.padding, s.padding], [s.padding, s.padding], [0, 0]] as [[number, number], [number, number], [number, number], [number, number]];
  const conv = (a: TF.Tensor4D, b: TF.Tensor4D) => tf.conv2d(a, b, 1, pad);
  const peerForwardMs = await timeSteps(steps, warmup, async () => { const y = conv(x, w); await y.data(); y.dispose(); });
  const grads = tf.grads((a: TF.Tensor, b: TF.Tensor) => tf.sum(tf.mul(conv(a as TF.Tensor4D, b as TF.Tensor4D), dy)));
  const peerForwardBackwardMs = await timeSteps(steps, warmup, async () => {
    const [dx, dw] = grads([x, w]);
    await Promise.all([dx.data(), dw.data()]);
    tf.dispose([dx, dw]);
  });
  // The two kernels tf.conv2d's gradient runs, with the attributes it passes them.
  const attrs = { strides: [1, 1], pad, dataFormat: 'NHWC', dimRoundingMode: undefined };
  const alone = (kernel: string, inputs: Record<string, TF.Tensor>, shape: Record<string, number[]>) => timeSteps(steps, warmup, async () => {
    const out = tf.engine().runKernel<TF.Tensor>(kernel, inputs, { ...attrs, ...shape } as unknown as TF.NamedAttrMap);
    await out.data();
    out.dispose();
  });
  const peerInputGradMs = await alone('Conv2DBackpropInput', { dy, filter: w }, { inputShape: x.shape });
  const peerWeightGradMs = await alone('Conv2DBackpropFilter', { x, dy }, { filterShape: w.shape });
  tf.dispose([x, w, dy]);
  return { peerForwardMs, peerForwardBackwardMs, peerInputGradMs, peerWeightGradMs };
}

const ROWS = 2048;
const randomImages = () => randomRows(ROWS, 784, 10);

const engineLenet = (engine: Engine, batch: number, steps: number, warmup: number): Promise<number> =>
  trainerStepsPerS(engine.createNet({ input: LENET5_INPUT, batch, activation: 'relu', init: 'kaiming', layers: LENET5_LAYERS }), 0.01, randomImages(), steps, warmup);

async function peerLenet(tf: typeof TF, batch: number, steps: number, warmup: number): Promise<number> {
  const data = randomImages();
  const X = tf.tensor4d(data.x, [ROWS, 28, 28, 1]);
  const Y = tf.oneHot(tf.tensor1d(data.labels, 'int32'), 10);
  const filters = (shape: [number, number, number, number]) => tf.variable(tf.mul<TF.Tensor4D>(tf.randomNormal(shape), Math.sqrt(2 / (shape[0] * shape[1] * shape[2]))));
  const dense = (shape: [number, number]) => tf.variable(tf.mul<TF.Tensor2D>(tf.randomNormal(shape), Math.sqrt(2 / shape[0])));
  const c1 = filters([5, 5, 1, 6]), c2 = filters([5, 5, 6, 16]);
  const d1 = dense([400, 120]), d2 = dense([120, 84]), d3 = dense([84, 10]);
  const biases = [6, 16, 120, 84, 10].map((n) => tf.variable(tf.zeros([n])));
  const optimizer = tf.train.sgd(0.01);
  let position = 0;
  const step = () => {
    if (position + batch > ROWS) position = 0;
    const start = position;
    position += batch;
    return optimizer.minimize(() => tf.tidy(() => {
      const x: TF.Tensor4D = tf.slice(X, [start, 0, 0, 0], [batch, 28, 28, 1]);
      const a1 = tf.maxPool(tf.relu(tf.add<TF.Tensor4D>(tf.conv2d(x, c1, 1, 'same'), biases[0])), 2, 2, 'valid');
      const a2 = tf.maxPool(tf.relu(tf.add<TF.Tensor4D>(tf.conv2d(a1, c2, 1, 'valid'), biases[1])), 2, 2, 'valid');
      // NHWC flattened; the engine flattens NCHW: the same work, another order of the 400 features.
      const f = tf.reshape(a2, [batch, 400]);
      const h1 = tf.relu(tf.add(tf.matMul(f, d1), biases[2]));
      const h2 = tf.relu(tf.add(tf.matMul(h1, d2), biases[3]));
      const logits = tf.add(tf.matMul(h2, d3), biases[4]);
      const loss: TF.Scalar = tf.losses.softmaxCrossEntropy(tf.slice(Y, [start, 0], [batch, 10]), logits);
      return loss;
    }), true);
  };
  const rate = await peerWindowsPerS(step, steps, warmup);
  tf.dispose([X, Y, c1, c2, d1, d2, d3, ...biases]);
  return rate;
}

export async function runConvBench(engine: Engine, gpu: GPU, peak: MatmulPeak, o: { peer: boolean; batch?: number }, log: (line: string) => void):
  Promise<{ layers: ConvLine[]; train: ConvTrainLine }> {
  const slow = engine.adapterInfo.isFallbackAdapter;
  const batch = o.batch ?? 64;
  // On a CPU adapter the 64 -> 64 layer at batch 64 (2.4 G multiply-adds) would take minutes per pass.
  const wide = slow ? 8 : batch;
  const shapes: ConvShape[] = [
    { name: `LeNet-5 conv1 1x28x28 -> 6, 5x5 pad 2, batch ${batch}`, batch, cin: 1, h: 28, w: 28, cout: 6, k: 5, padding: 2 },
    { name: `LeNet-5 conv2 6x14x14 -> 16, 5x5, batch ${batch}`, batch, cin: 6, h: 14, w: 14, cout: 16, k: 5, padding: 0 },
    { name: `3x3 64x32x32 -> 64, pad 1, batch ${wide}`, batch: wide, cin: 64, h: 32, w: 32, cout: 64, k: 3, padding: 1 },
  ];
  const steps = slow ? 3 : 20;
  const warmup = slow ? 1 : 5;
  const tf = o.peer ? await loadTfjs(gpu).catch((e: unknown) => { log(`tfjs peer failed: ${(e as Error).message}`); return undefined; }) : undefined;
  const layers: ConvLine[] = [];
  for (const s of shapes) {
    // The engine is profiled before and after the peer, and the median taken over both: on a
    // CPU adapter the machine's speed drifts within a run by more than a kernel change.
    const before = await engineProfiles(engine, s, steps);
    const peer = tf ? await peerConv(tf, s, steps, warmup) : {};
    const after = tf ? await engineProfiles(engine, s, steps) : [];
    const line: ConvLine = { name: s.name, macs: macs(s), ...engineTimes([...before, ...after]), ...peer };
    log(`  ${s.name}: forward ${line.forwardMs.toFixed(2)} ms, dX ${line.inputGradMs.toFixed(2)}, dW ${line.weightGradMs.toFixed(2)}; ` +
      `tfjs forward ${line.peerForwardMs?.toFixed(2) ?? '-'}, dX ${line.peerInputGradMs?.toFixed(2) ?? '-'}, dW ${line.peerWeightGradMs?.toFixed(2) ?? '-'}, ` +
      `forward+backward ${line.peerForwardBackwardMs?.toFixed(2) ?? '-'}`);
    layers.push(line);
  }
  const trainSteps = slow ? 20 : 200;
  const engineRate = await engineLenet(engine, batch, trainSteps, warmup);
  const peerRate = tf ? await peerLenet(tf, batch, trainSteps, warmup) : undefined;
  log(`  LeNet-5 training, batch ${batch}: initscope ${engineRate.toFixed(2)} steps/s, tfjs ${peerRate?.toFixed(2) ?? '-'}`);
  // A step: forward, dW and dX of every layer but the first (nobody reads the input's gradient).
  const m = lenetMacs(batch);
  const flops = 2 * (3 * (m.conv1 + m.rest) - m.conv1);
  return { layers, train: { batch, steps: trainSteps, engineStepsPerS: engineRate, peerStepsPerS: peerRate, flops, ...rateOf(flops, 1000 / engineRate, peak) } };
}

const ratio = (peer: number | undefined, own: number) => (peer ? `${(peer / own).toFixed(1)}x` : '-');

/** The conv layers' table, the LeNet-5 step's, and the matmul peak both are measured against. */
export function formatConvBench(r: { layers: ConvLine[]; train: ConvTrainLine }, peak: MatmulPeak): string[] {
  const rows = [['conv layer', 'forward ms', 'dX ms', 'dW ms', 'fwd GFLOP/s', 'fwd % of peak', 'fwd+bwd GFLOP/s', 'tfjs fwd ms', 'tfjs dX ms', 'tfjs dW ms',
    'tfjs fwd+bwd ms', 'fwd speedup', 'dX speedup', 'dW speedup', 'fwd+bwd speedup']];
  for (const l of r.layers) {
    const both = l.forwardMs + l.inputGradMs + l.weightGradMs;
    const fwd = rateOf(2 * l.macs, l.forwardMs, peak);
    rows.push([l.name, l.forwardMs.toFixed(2), l.inputGradMs.toFixed(2), l.weightGradMs.toFixed(2), fwd.gflops.toFixed(2), (100 * fwd.ofPeak).toFixed(0),
      rateOf(6 * l.macs, both, peak).gflops.toFixed(2), l.peerForwardMs?.toFixed(2) ?? '-', l.peerInputGradMs?.toFixed(2) ?? '-',
      l.peerWeightGradMs?.toFixed(2) ?? '-', l.peerForwardBackwardMs?.toFixed(2) ?? '-', ratio(l.peerForwardMs, l.forwardMs),
      ratio(l.peerInputGradMs, l.inputGradMs), ratio(l.peerWeightGradMs, l.weightGradMs), ratio(l.peerForwardBackwardMs, both)]);
  }
  const t = r.train;
  return [...formatTable(rows), '', ...formatTable([
    ['training step', 'initscope steps/s', 'GFLOP/s', '% of peak', 'tfjs steps/s', 'speedup'],
    [`LeNet-5, batch ${t.batch}, ${t.steps} steps`, t.engineStepsPerS.toFixed(2), t.gflops.toFixed(2), (100 * t.ofPeak).toFixed(0), t.peerStepsPerS?.toFixed(2) ?? '-',
      t.peerStepsPerS ? `${(t.engineStepsPerS / t.peerStepsPerS).toFixed(1)}x` : '-'],
    [`matmul peak (${peak.n}^3, this engine)`, '-', peak.gflops.toFixed(2), '100', '-', '-'],
  ])];
}
