// Datasets on the GPU for a trainer: features and targets uploaded once, and the permutation
// batches are drawn in (reshuffled on the CPU once per epoch from a seeded generator, so a seed
// gives the same batches everywhere).
import { writeFloats, type BufferAllocator } from '../gpu/buffers';
import { describeValue, InitscopeError, invalid } from '../model/errors';
import { dataFingerprint } from '../model/fingerprint';
import type { LossName } from '../model/train';
import type { GpuDataset } from '../scheduler/train';

/** How a trainer reads its targets: class labels (cross-entropy) or values (mse). */
export interface TargetShape { loss: LossName; classes: number; features: number }

/** Targets as the GPU wants them: one f32 label per row, or the value rows. Returns the row count. */
export function encodeTargets(where: string, x: unknown, targets: unknown, shape: TargetShape): { rows: number; values: Float32Array } {
  if (!(x instanceof Float32Array)) throw invalid(where, 'x', x, `a Float32Array of rows x ${shape.features} features`);
  if (x.length === 0 || x.length % shape.features !== 0) {
    throw invalid(where, 'x', x, `a non-empty Float32Array whose length is a multiple of dims[0] = ${shape.features}`);
  }
  const rows = x.length / shape.features;
  if (shape.loss === 'cross_entropy') {
    if (!(targets instanceof Int32Array || targets instanceof Uint32Array)) {
      throw invalid(where, 'labels', targets, `an Int32Array or Uint32Array of ${rows} class labels (cross_entropy)`);
    }
    if (targets.length !== rows) throw invalid(where, 'labels', targets, `one label per row of x: length ${rows}`);
    const values = new Float32Array(rows);
    for (let i = 0; i < rows; i++) {
      const label = targets[i];
      if (!(label >= 0 && label < shape.classes)) {
        throw new InitscopeError(`${where}: labels[${i}] must be a class from 0 to ${shape.classes - 1} (dims[L] = ${shape.classes}), got ${label}`,
          'invalid-option', `labels[${i}]`);
      }
      values[i] = label;
    }
    return { rows, values };
  }
  if (!(targets instanceof Float32Array) || targets.length !== rows * shape.classes) {
    throw invalid(where, 'targets', targets, `a Float32Array of rows x dims[L] = ${rows} x ${shape.classes} (mse)`);
  }
  return { rows, values: targets };
}

export function checkFinite(where: string, field: string, values: Float32Array): void {
  for (let i = 0; i < values.length; i++) {
    if (!Number.isFinite(values[i])) {
      throw new InitscopeError(`${where}: ${field}[${i}] must be finite, got ${describeValue(values[i])}`, 'invalid-option', `${field}[${i}]`);
    }
  }
}

/** A dataset uploaded to the GPU, with its order of rows. */
export class DeviceDataset {
  readonly gpu: GpuDataset;
  private readonly order: Uint32Array<ArrayBuffer>;
  /** The rows' fingerprint (features and targets): a trainer's checkpoint keeps it. */
  fingerprint = '';

  constructor(private allocator: BufferAllocator, private queue: GPUQueue, name: string, x: Float32Array, targets: Float32Array, rows: number,
    targetCols: number) {
    const storage = (label: string, bytes: number) => allocator.storage(`${name} ${label}`, Math.max(16, bytes));
    this.order = Uint32Array.from({ length: rows }, (_, i) => i);
    this.gpu = { x: storage('x', x.byteLength), targets: storage('targets', targets.byteLength), perm: storage('order', rows * 4), rows, targetCols, name };
    this.write(x, targets);
  }

  /** New rows of the same count into the same buffers; the order starts again at 0, 1, 2, ... */
  write(x: Float32Array, targets: Float32Array): void {
    writeFloats(this.queue, this.gpu.x, 0, x);
    writeFloats(this.queue, this.gpu.targets, 0, targets);
    this.fingerprint = dataFingerprint(x, targets);
    this.order.forEach((_, i, order) => { order[i] = i; });
    this.writeOrder();
  }

  /** A new order for the next epoch (Fisher-Yates). */
  shuffle(uniform: () => number): void {
    for (let i = this.order.length - 1; i > 0; i--) {
      const j = Math.floor(uniform() * (i + 1));
      const tmp = this.order[i]; this.order[i] = this.order[j]; this.order[j] = tmp;
    }
    this.writeOrder();
  }

  /** The current order of rows (a trainer's checkpoint keeps it). */
  get rowOrder(): Uint32Array { return this.order.slice(); }

  /** Sets the order again (a resumed trainer's); `order` must be a permutation of the rows. */
  setOrder(order: ArrayLike<number>): void {
    this.order.set(order);
    this.writeOrder();
  }

  private writeOrder(): void { this.queue.writeBuffer(this.gpu.perm, 0, this.order); }

  release(): void {
    this.allocator.release(this.gpu.x);
    this.allocator.release(this.gpu.targets);
    this.allocator.release(this.gpu.perm);
  }
}
