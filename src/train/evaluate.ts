// Evaluation without training: the net's eval plan over any number of rows, one submit per batch
// (the metrics words take a slot each), one readback per METRICS_SLOTS batches; and the step
// words every train or eval submit writes first (design.md section 6: learning rate, Adam's bias
// corrections, the metrics slot and the batch's rows).
import type { ReadbackRing } from '../gpu/readback';
import { STEP_FIELDS, type LossName, type OptimizerSpec } from '../model/train';
import type { BuiltPlan } from '../scheduler/build';
import { recordPlan } from '../scheduler/plan';
import { decodeMetrics } from './records';

/** Metrics words hold this many steps: the largest `every`, and the batches of one evaluation window. */
export const METRICS_SLOTS = 4096;

/** The step words of one submit: step `t` (0-based, Adam's t + 1 in the bias corrections) at
 *  learning rate `lr`, its metrics in `slot`, rows start .. start + valid of the dataset. */
export function stepWords(optimizer: OptimizerSpec, t: number, lr: number, slot: number, start: number, valid: number): Uint32Array<ArrayBuffer> {
  const words = new Uint32Array(STEP_FIELDS.T_WORDS);
  const f32 = new Float32Array(words.buffer);
  f32[STEP_FIELDS.T_LR] = lr;
  f32[STEP_FIELDS.T_BIAS1] = 1 - optimizer.beta1 ** (t + 1);
  f32[STEP_FIELDS.T_BIAS2] = 1 - optimizer.beta2 ** (t + 1);
  words[STEP_FIELDS.T_METRICS_SLOT] = slot;
  words[STEP_FIELDS.T_BATCH_START] = start;
  words[STEP_FIELDS.T_VALID_ROWS] = valid;
  words[STEP_FIELDS.T_STEP] = t;
  return words;
}

/** What one evaluation runs on: the built eval plan and the trainer's step and metrics buffers. */
export interface Evaluation {
  device: GPUDevice;
  built: BuiltPlan;
  buffers: { step: GPUBuffer; metrics: GPUBuffer };
  ring: ReadbackRing;
  batch: number;
  loss: LossName;
  classes: number;
  optimizer: OptimizerSpec;
  t: number;
}

/** Sums of the loss and of the correct rows over `rows` rows in batches of `batch` (the last one
 *  partial); the caller divides. */
export async function evaluateRows(e: Evaluation, rows: number): Promise<{ lossSum: number; correct: number }> {
  const batches = Math.ceil(rows / e.batch);
  let lossSum = 0;
  let correct = 0;
  for (let first = 0; first < batches; first += METRICS_SLOTS) {
    const count = Math.min(METRICS_SLOTS, batches - first);
    const valid: number[] = [];
    for (let b = 0; b < count; b++) {
      const start = (first + b) * e.batch;
      valid.push(Math.min(e.batch, rows - start));
      e.device.queue.writeBuffer(e.buffers.step, 0, stepWords(e.optimizer, e.t, 0, b, start, valid[b]));
      const encoder = e.device.createCommandEncoder({ label: e.built.plan.name });
      recordPlan(encoder, e.built.plan, { label: e.built.plan.name });
      e.device.queue.submit([encoder.finish()]);
    }
    const staging = e.ring.acquire();
    const encoder = e.device.createCommandEncoder({ label: 'evaluate metrics' });
    encoder.copyBufferToBuffer(e.buffers.metrics, 0, staging, 0, count * 8);
    e.device.queue.submit([encoder.finish()]);
    const metrics = new Uint32Array(await e.ring.read(staging), 0, METRICS_SLOTS * 2);
    valid.forEach((validRows, b) => {
      const m = decodeMetrics(metrics, b, e.loss, validRows, e.classes);
      lossSum += m.lossSum;
      correct += m.correct;
    });
  }
  return { lossSum, correct };
}
