// The residual line of npm run bench -- --train: the Fixup reproduction's net (784 -> 64, blocks
// of two dense layers with a scalar multiplier, relu, -> 10; design.md section 9's residual
// blocks: a = relu(a + m F(a))), a training step at batch 64 with SGD, against the same net in
// tfjs-backend-webgpu written out with tf ops (its native way: no residual layer type).
import type * as TF from '@tensorflow/tfjs-core';
import type { Engine, LayerOption } from '../src/index';
import { loadTfjs } from './peer-tfjs';
import { peerWindowsPerS, randomRows, trainerStepsPerS } from './steps';

const ROWS = 8004;

export interface ResidualShape { blocks: number; width: number; batch: number }

/** Multiply-adds of one forward of the net at `batch` (a step does about 3 times as many). */
export const residualMacs = (s: ResidualShape) => s.batch * (784 * s.width + 2 * s.blocks * s.width * s.width + s.width * 10);

export function engineResidual(engine: Engine, s: ResidualShape, steps: number, warmup: number): Promise<number> {
  const block: LayerOption = { type: 'residual', multiplier: true,
    layers: [{ type: 'dense', units: s.width }, { type: 'dense', units: s.width, activation: 'linear' }] };
  const net = engine.createNet({ input: 784, batch: s.batch, activation: 'relu', init: 'fixup', bias: true,
    layers: [{ type: 'dense', units: s.width }, ...Array.from({ length: s.blocks }, () => block), { type: 'dense', units: 10, activation: 'linear' }] });
  return trainerStepsPerS(net, 0.05, randomRows(ROWS, 784, 10), steps, warmup);
}

export async function peerResidual(gpu: GPU, s: ResidualShape, steps: number, warmup: number): Promise<number> {
  const tf = await loadTfjs(gpu);
  const data = randomRows(ROWS, 784, 10);
  const X = tf.tensor2d(data.x, [ROWS, 784]);
  const Y = tf.oneHot(tf.tensor1d(data.labels, 'int32'), 10);
  const dense = (din: number, dout: number) => ({
    W: tf.variable<TF.Rank.R2>(tf.mul(tf.randomNormal<TF.Rank.R2>([din, dout]), Math.sqrt(2 / din))), b: tf.variable(tf.zeros([dout])),
  });
  const stem = dense(784, s.width);
  const blocks = Array.from({ length: s.blocks }, () => ({ f1: dense(s.width, s.width), f2: dense(s.width, s.width), m: tf.variable(tf.scalar(1)) }));
  const head = dense(s.width, 10);
  const apply = (a: TF.Tensor2D, d: { W: TF.Variable; b: TF.Variable }) => tf.add<TF.Tensor2D>(tf.matMul(a, d.W), d.b);
  const optimizer = tf.train.sgd(0.05);
  let position = 0;
  const step = () => {
    if (position + s.batch > ROWS) position = 0;
    const start = position;
    position += s.batch;
    return optimizer.minimize(() => tf.tidy(() => {
      let a = tf.relu(apply(tf.slice(X, [start, 0], [s.batch, 784]), stem));
      for (const b of blocks) a = tf.relu(tf.add<TF.Tensor2D>(a, tf.mul<TF.Tensor2D>(b.m, apply(tf.relu(apply(a, b.f1)), b.f2))));
      const loss: TF.Scalar = tf.losses.softmaxCrossEntropy(tf.slice(Y, [start, 0], [s.batch, 10]), apply(a, head));
      return loss;
    }), true);
  };
  const rate = await peerWindowsPerS(step, steps, warmup);
  tf.dispose([X, Y, stem.W, stem.b, head.W, head.b, ...blocks.flatMap((b) => [b.f1.W, b.f1.b, b.f2.W, b.f2.b, b.m])]);
  return rate;
}
