// What the benches share: random rows of a dataset's shape, steps per second of the engine's
// trainer and of a tfjs step, both timed the way the trainer runs (one readback per window of 50
// steps) after a warm-up, and the aligned text of their tables.
import type * as TF from '@tensorflow/tfjs-core';
import type { Net } from '../src/index';

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

/** Rows of cells as aligned text: the first column left-aligned, the others right-aligned. */
export function formatTable(rows: string[][]): string[] {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((row) => row[i].length)));
  return rows.map((row) => row.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  '));
}
