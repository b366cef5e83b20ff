// The peer: @tensorflow/tfjs-backend-webgpu on the same adapter, same shapes, same warm-up.
import type * as TF from '@tensorflow/tfjs-core';

export interface PeerTimings { layerMs: number; forwardStatsMs: number; forwardBackwardStatsMs: number; squareMs?: number }

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Median milliseconds of `steps` awaited runs after `warmup`. */
export async function timeSteps(steps: number, warmup: number, run: () => Promise<void>): Promise<number> {
  for (let i = 0; i < warmup; i++) await run();
  const times: number[] = [];
  for (let i = 0; i < steps; i++) {
    const t = performance.now();
    await run();
    times.push(performance.now() - t);
  }
  return median(times);
}

/** tfjs-core with gradients and the WebGPU backend on `gpu` (the same adapter as the engine). */
export async function loadTfjs(gpu: GPU): Promise<typeof TF> {
  // tfjs finds WebGPU through navigator.gpu; Node 20 has no navigator, so give it Dawn's.
  if (typeof navigator === 'undefined' || !navigator.gpu) {
    Object.defineProperty(globalThis, 'navigator', { value: { gpu, userAgent: 'node' }, configurable: true });
  }
  // Bundled by vite (tfjs-core's ESM build does not load in plain Node); gradients are
  // registered by the union package normally, here by hand.
  const tf = await import('@tensorflow/tfjs-core') as typeof TF;
  await import('@tensorflow/tfjs-core/dist/register_all_gradients');
  await import('@tensorflow/tfjs-backend-webgpu');
  await tf.setBackend('webgpu');
  await tf.ready();
  return tf;
}

export async function benchTfjs(gpu: GPU, o: { width: number; layers: number; batch: number; steps: number; warmup: number; square?: number }): Promise<PeerTimings> {
  const tf = await loadTfjs(gpu);
  const { width: n, layers, batch } = o;
  const X = tf.randomNormal([batch, n]);
  const G = tf.randomNormal([batch, n]);
  const Ws = Array.from({ length: layers }, () => tf.mul<TF.Tensor2D>(tf.randomNormal([n, n]), 1 / Math.sqrt(n)));
  const read = async (t: TF.Tensor) => { await t.data(); t.dispose(); };

  const layerMs = await timeSteps(o.steps, o.warmup, () => read(tf.fused.matMul({ a: X, b: Ws[0], activation: 'relu' })));

  const forward = (x: TF.Tensor, ws: TF.Tensor[]) => {
    const moments: TF.Tensor[] = [];
    let a = x;
    for (const w of ws) {
      a = tf.tanh(tf.matMul(a as TF.Tensor2D, w as TF.Tensor2D));
      const m = tf.moments(a);
      moments.push(m.mean, m.variance);
    }
    return { a, moments };
  };
  const forwardStatsMs = await timeSteps(o.steps, o.warmup, () => read(tf.tidy(() => tf.stack(forward(X, Ws).moments))));

  // One forward per step, as the engine's forwardBackward: the moments of A are taken inside the
  // function tf.grads differentiates, kept out of its tidy, and read with dW's moments.
  let forwardMoments: TF.Tensor[] = [];
  const lossAndGrads = tf.grads((...ws: TF.Tensor[]) => {
    const f = forward(X, ws);
    forwardMoments = f.moments.map((m) => tf.keep(m));
    return tf.sum(tf.mul(f.a, G));
  });
  const forwardBackwardStatsMs = await timeSteps(o.steps, o.warmup, async () => {
    await read(tf.tidy(() => {
      const grads = lossAndGrads(Ws);
      const stats = [...forwardMoments];
      for (const g of grads) { const m = tf.moments(g); stats.push(m.mean, m.variance); }
      return tf.stack(stats);
    }));
    tf.dispose(forwardMoments);
  });

  let squareMs: number | undefined;
  if (o.square) {
    const A = tf.randomNormal<TF.Rank.R2>([o.square, o.square]);
    const B = tf.randomNormal<TF.Rank.R2>([o.square, o.square]);
    squareMs = await timeSteps(Math.max(3, Math.floor(o.steps / 4)), 1, () => read(tf.matMul(A, B)));
  }
  return { layerMs, forwardStatsMs, forwardBackwardStatsMs, squareMs };
}
