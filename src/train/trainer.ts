// The Trainer of design.md section 6: a net's training loop on the GPU. One submit per step (the
// step words written just before it); losses and accuracies land in a metrics buffer, read back
// once per `every` steps while the next window already runs; statistics on the last step of
// each window when asked for.
import { writeFloats } from '../gpu/buffers';
import { ReadbackRing } from '../gpu/readback';
import { InitscopeError, invalid, refuseUnknownKeys, validated } from '../model/errors';
import { learningRate, STEP_FIELDS, type TrainerSpec } from '../model/train';
import type { BuiltPlan } from '../scheduler/build';
import { recordPlan } from '../scheduler/plan';
import { PlanCache } from '../scheduler/planCache';
import { buildTrainPlan, type TrainBuffers, type TrainPlanKind } from '../scheduler/train';
import { statsSlotWords } from '../stats/layout';
import { seededUniform, type SeededUniform } from '../model/random';
import { loadTrainer, saveTrainer, type LoadOptions } from './resume';
import type { DataOptions, TrainerHost, TrainOptions } from './host';
import { checkFinite, DeviceDataset, encodeTargets, type TargetShape } from './data';
import { decodeMetrics, decodeTrainStats, type TrainRecord, type TrainResult } from './records';
import { evaluateRows, METRICS_SLOTS, stepWords } from './evaluate';

function checkOptions(o: unknown, known: string[]): Record<string, unknown> {
  if (o === undefined) return {};
  if (typeof o !== 'object' || o === null) throw invalid('train', 'options', o, `an object { ${known.join(', ')} }`);
  refuseUnknownKeys('train', undefined, o, known);
  return o as Record<string, unknown>;
}

/** Trains its net; made by `net.trainer(options)`. Calls queue behind the net's other calls. */
export class Trainer {
  private readonly buffers: TrainBuffers;
  private readonly ring: ReadbackRing;
  private readonly shape: TargetShape;
  private readonly plans: PlanCache;
  /** The 16-byte stand-ins bound where an optimiser keeps no state (SGD without momentum). */
  private readonly unusedState: GPUBuffer[];
  private data?: { set: DeviceDataset; shuffle: boolean; uniform: SeededUniform; position: number };
  private evalSet?: DeviceDataset;
  /** Optimiser steps taken (Adam's t). */
  private t = 0;
  private destroyed = false;

  /** @internal Made by `net.trainer(options)`. */
  constructor(private host: TrainerHost, private readonly spec: TrainerSpec) {
    const { res } = host;
    const allocator = res.allocator;
    this.plans = new PlanCache(allocator);
    const top = res.entries[res.entries.length - 1];
    this.shape = { loss: spec.loss, classes: top.outputWidth, features: res.entries[0].inputWidth };
    const o = spec.optimizer;
    const unusedM = allocator.storage('optimiser state (unused m)', 16);
    const unusedV = allocator.storage('optimiser state (unused v)', 16);
    this.unusedState = [unusedM, unusedV];
    this.buffers = {
      step: allocator.storage('train step words', STEP_FIELDS.T_WORDS * 4),
      metrics: allocator.storage('train metrics', METRICS_SLOTS * 8),
      state: res.entries.map((e, i) => Object.fromEntries((res.graph.types[i].parameters?.(e) ?? []).map((p) => {
        const floats = e.regions[p.param].floats;
        const label = e.regions[p.param].label;
        const m = o.momentum > 0 || o.name !== 'sgd' ? allocator.storage(`${label} ${o.name === 'sgd' ? 'momentum' : 'm'}`, floats * 4) : unusedM;
        const v = o.name !== 'sgd' ? allocator.storage(`${label} v`, floats * 4) : unusedV;
        return [p.param, { m, v }];
      }))),
    };
    host.res.onRestore.add(this.rewind);
    this.ring = new ReadbackRing((label) => allocator.create(label, METRICS_SLOTS * 8 + res.slots.count * statsSlotWords(res.histogramBins) * 4,
      GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST, false), 'train readback');
  }

  /** net.restore(): the optimiser starts again, state zeroed and step count 0 (the schedule too). */
  private readonly rewind = () => {
    const queue = this.host.res.ctx.device.queue;
    for (const b of new Set(this.stateBuffers())) {
      if (!this.unusedState.includes(b)) queue.writeBuffer(b, 0, new Uint8Array(b.size));
    }
    this.t = 0;
  };

  /** Every optimiser state buffer, per parameter (the unused stand-ins where an optimiser keeps none). */
  private stateBuffers(): GPUBuffer[] {
    return this.buffers.state.flatMap((r) => Object.values(r).flatMap(({ m, v }) => [m, v]));
  }

  private async plan(kind: TrainPlanKind): Promise<BuiltPlan> {
    const { res } = this.host;
    await res.ensure('backward');
    if (kind.stats) await res.ensure('update');
    const group = kind.data?.name ?? 'direct';
    const key = `${kind.mode}|${group}|${kind.stats}|${res.histogramBins}|masks ${res.maskCount}`;
    return this.plans.get(key, () => buildTrainPlan(res.step(), res.graph, this.buffers, kind, res.histogramBins, 'auto'), group);
  }

  /** Runs `op` in the net's queue, unless this trainer was destroyed by then. */
  private serial<T>(where: string, op: () => Promise<T>): Promise<T> {
    const gone = () => new InitscopeError(`${where}: this trainer was destroyed`, 'destroyed');
    if (this.destroyed) return Promise.reject(gone());
    return this.host.serial(where, () => (this.destroyed ? Promise.reject(gone()) : op()));
  }

  /** Uploads the training set once; batches are drawn on the GPU in a shuffled order (a new order
   *  every epoch, from `seed`). Labels: Int32Array/Uint32Array (cross_entropy) or Float32Array
   *  rows of dims[L] values (mse). */
  setData(x: Float32Array, labels: Int32Array | Uint32Array | Float32Array, options: DataOptions = {}): Promise<void> {
    return validated(() => {
      const encoded = encodeTargets('setData', x, labels, this.shape);
      checkFinite('setData', 'x', x);
      if (encoded.rows < this.host.res.batch) {
        throw invalid('setData', 'x', x, `at least one batch of rows (batch = ${this.host.res.batch}), got ${encoded.rows} rows`);
      }
      const o = checkOptions(options, ['shuffle', 'seed']);
      if (o.shuffle !== undefined && typeof o.shuffle !== 'boolean') throw invalid('setData', 'shuffle', o.shuffle, 'true or false');
      if (o.seed !== undefined && !(Number.isInteger(o.seed) && (o.seed as number) >= 0 && (o.seed as number) <= 0xffffffff)) {
        throw invalid('setData', 'seed', o.seed, 'an integer from 0 to 4294967295');
      }
      return encoded;
    }, (encoded) => this.serial('setData', () => {
      this.data?.set.release();
      void this.plans.drop('train');
      const { res } = this.host;
      const set = new DeviceDataset(res.allocator, res.ctx.device.queue, 'train', x, encoded.values, encoded.rows, this.targetCols);
      const shuffle = options.shuffle ?? true;
      const uniform = seededUniform(options.seed ?? 0);
      if (shuffle) set.shuffle(uniform);
      this.data = { set, shuffle, uniform, position: 0 };
      return Promise.resolve();
    }));
  }

  /** The run so far as one safetensors file: the net's checkpoint (net.save()'s tensors), the
   *  optimiser's state in PyTorch's names (`optimizer.{tensor}.exp_avg`, `.exp_avg_sq`,
   *  `.momentum_buffer`), and the step count and data order (metadata `initscope_trainer`).
   *  A trainer of the same options on the same net and rows resumes it with load(). */
  save(): Promise<Uint8Array<ArrayBuffer>> {
    return this.serial('trainer.save', () => saveTrainer(this.host.checkpoint, this.resumable()));
  }

  /** Resumes a run from trainer.save()'s bytes: parameters, optimiser state, step count and data
   *  order, so the next steps are the ones the saved run would have taken (call setData with the
   *  same rows first). A file that does not fit is refused by name before anything is written; so
   *  are rows other than the saved run's (the file keeps their fingerprint), unless
   *  `{ otherData: true }` says to resume on these rows. */
  load(bytes: Uint8Array, options: LoadOptions = {}): Promise<void> {
    return validated(() => {
      const o = checkOptions(options, ['otherData']);
      if (o.otherData !== undefined && typeof o.otherData !== 'boolean') throw invalid('trainer.load', 'otherData', o.otherData, 'true or false');
      return o;
    }, (o) => this.serial('trainer.load', () => {
      this.t = loadTrainer(this.host.checkpoint, this.resumable(), bytes, o).t;
      this.host.markStale();
      return Promise.resolve();
    }));
  }

  private resumable() {
    return { spec: this.spec, state: this.buffers.state, unused: this.unusedState, t: this.t, data: this.data };
  }

  private get targetCols(): number { return this.spec.loss === 'cross_entropy' ? 1 : this.shape.classes; }

  /** The next batch's first row in the order, starting a new (reshuffled) epoch when the rest
   *  of this one is shorter than a batch. */
  private nextBatch(): number {
    const data = this.data!;
    const batch = this.host.res.batch;
    if (data.position + batch > data.set.gpu.rows) {
      if (data.shuffle) data.set.shuffle(data.uniform);
      data.position = 0;
    }
    const start = data.position;
    data.position += batch;
    return start;
  }

  /** Records and submits one training step; returns its learning rate. */
  private async submitStep(slot: number, stats: boolean, direct: boolean, readback?: { staging: GPUBuffer; slots: number }): Promise<number> {
    const { res } = this.host;
    const built = await this.plan({ mode: 'train', data: direct ? undefined : this.data!.set.gpu, loss: this.spec.loss, optimizer: this.spec.optimizer, stats });
    const lr = learningRate(this.spec.optimizer.lr, this.spec.schedule, this.t);
    const start = direct ? 0 : this.nextBatch();
    const device = res.ctx.device;
    device.queue.writeBuffer(this.buffers.step, 0, stepWords(this.spec.optimizer, this.t, lr, slot, start, res.batch));
    const encoder = device.createCommandEncoder({ label: built.plan.name });
    recordPlan(encoder, built.plan, { label: built.plan.name });
    if (readback) {
      encoder.copyBufferToBuffer(this.buffers.metrics, 0, readback.staging, 0, readback.slots * 8);
      if (stats) encoder.copyBufferToBuffer(res.buffers.stats, 0, readback.staging, METRICS_SLOTS * 8, res.buffers.stats.size);
    }
    device.queue.submit([encoder.finish()]);
    this.t++;
    this.host.res.trainModePasses++;
    this.host.markStale();
    return lr;
  }

  /** Decodes a window's records from its staging buffer. */
  private async readWindow(staging: GPUBuffer, first: number, lrs: number[], stats: boolean): Promise<TrainRecord[]> {
    const { res } = this.host;
    const data = await this.ring.read(staging);
    const metrics = new Uint32Array(data, 0, METRICS_SLOTS * 2);
    const records: TrainRecord[] = lrs.map((lr, slot) => {
      const m = decodeMetrics(metrics, slot, this.spec.loss, res.batch, this.shape.classes);
      return { step: first + slot, loss: m.loss, accuracy: m.accuracy, lr };
    });
    if (stats) {
      const words = new Uint32Array(data, METRICS_SLOTS * 8, res.buffers.stats.size / 4);
      records[records.length - 1].layers = decodeTrainStats(words, res.histogramBins, res.slots, this.host.spec);
    }
    return records;
  }

  /** One step on this batch (x: batch x dims[0], labels: batch), or on the next batch of setData. */
  step(x?: Float32Array, labels?: Int32Array | Uint32Array | Float32Array): Promise<TrainRecord> {
    const { res } = this.host;
    return validated(() => {
      if (x !== undefined || labels !== undefined) {
        const encoded = encodeTargets('step', x, labels, this.shape);
        if (encoded.rows !== res.batch) throw invalid('step', 'x', x, `exactly one batch: ${res.batch} x ${this.shape.features} values`);
        return encoded.values;
      }
      return undefined;
    }, (direct) => this.serial('step', async () => {
      // Checked in the queue, so a setData issued just before (not awaited) counts.
      if (!direct && !this.data) {
        throw new InitscopeError('step: no data; call trainer.setData(x, labels) or pass a batch: trainer.step(x, labels)', 'invalid-state');
      }
      if (direct) {
        writeFloats(res.ctx.device.queue, res.buffers.arena, res.layout.x, x!);
        writeFloats(res.ctx.device.queue, res.buffers.arena, res.layout.t, direct);
      }
      const staging = this.ring.acquire();
      const first = this.t + 1;
      const lr = await this.submitStep(0, false, direct !== undefined, { staging, slots: 1 });
      return (await this.readWindow(staging, first, [lr], false))[0];
    }));
  }

  /** `steps` training steps on the data of setData; see {@link TrainOptions}. */
  train(steps: number, options: TrainOptions = {}): Promise<TrainResult> {
    return validated(() => {
      if (!Number.isInteger(steps) || steps < 1) throw invalid('train', 'steps', steps, 'an integer >= 1');
      const o = checkOptions(options, ['every', 'stats', 'onProgress', 'signal']);
      const every = (o.every as number | undefined) ?? 50;
      if (!Number.isInteger(every) || every < 1 || every > METRICS_SLOTS) throw invalid('train', 'every', o.every, `an integer from 1 to ${METRICS_SLOTS}`);
      if (o.stats !== undefined && typeof o.stats !== 'boolean') throw invalid('train', 'stats', o.stats, 'true or false');
      if (o.onProgress !== undefined && typeof o.onProgress !== 'function') throw invalid('train', 'onProgress', o.onProgress, 'a function');
      return every;
    }, (every) => this.serial('train', () => {
      // Checked in the queue, so a setData issued just before (not awaited) counts.
      if (!this.data) throw new InitscopeError('train: no data; call trainer.setData(x, labels) first', 'invalid-state');
      return this.loop(steps, every, options);
    }));
  }

  private async loop(steps: number, every: number, options: TrainOptions): Promise<TrainResult> {
    const history: TrainRecord[] = [];
    const started = performance.now();
    let pending: Promise<void> | undefined;
    let stopped: TrainResult['stopped'];
    let window: { first: number; lrs: number[] } | undefined;
    const finishWindow = (staging: GPUBuffer, w: { first: number; lrs: number[] }, stats: boolean) => this.readWindow(staging, w.first, w.lrs, stats)
      .then((records) => {
        history.push(...records);
        const last = records[records.length - 1];
        if (records.some((r) => !Number.isFinite(r.loss))) stopped ??= 'diverged';
        const done = history.length;
        const elapsedMs = performance.now() - started;
        options.onProgress?.({ step: done, steps, record: last, records, elapsedMs, etaMs: (elapsedMs / done) * (steps - done) });
      });
    for (let s = 0; s < steps; s++) {
      if (options.signal?.aborted) { stopped ??= 'aborted'; }
      if (stopped) break;
      window ??= { first: this.t + 1, lrs: [] };
      const slot = window.lrs.length;
      const end = slot === every - 1 || s === steps - 1;
      const stats = end && options.stats === true;
      const staging = end ? this.ring.acquire() : undefined;
      window.lrs.push(await this.submitStep(slot, stats, false, staging && { staging, slots: slot + 1 }));
      if (staging) {
        const read = finishWindow(staging, window, stats);
        // Awaited one window later; marked handled now so a failure in between (a lost device) is
        // not an unhandled rejection: the await below or after the loop reports it.
        void read.catch(() => undefined);
        window = undefined;
        await pending;
        pending = read;
      }
    }
    await pending;
    if (window) {
      const staging = this.ring.acquire();
      const encoder = this.host.res.ctx.device.createCommandEncoder({ label: 'train metrics (partial window)' });
      encoder.copyBufferToBuffer(this.buffers.metrics, 0, staging, 0, window.lrs.length * 8);
      this.host.res.ctx.device.queue.submit([encoder.finish()]);
      await finishWindow(staging, window, false);
    }
    const last = history.at(-1);
    // Aborted before its first step: nothing changed, so no loss or accuracy to report.
    if (!last) return { step: this.t, loss: NaN, accuracy: NaN, lr: NaN, history, stopped: stopped ?? 'aborted' };
    return { step: last.step, loss: last.loss, accuracy: last.accuracy, lr: last.lr, history, ...(stopped ? { stopped } : {}) };
  }

  /** Mean loss and accuracy of the net on any number of rows (batches of the net's batch size;
   *  the last one partial), without changing the parameters. */
  evaluate(x: Float32Array, labels: Int32Array | Uint32Array | Float32Array): Promise<{ loss: number; accuracy: number }> {
    return validated(() => encodeTargets('evaluate', x, labels, this.shape), (encoded) => this.serial('evaluate', async () => {
      const { res } = this.host;
      // Uploaded on every call (the caller may have changed the arrays in place); the buffers
      // and plans are kept while the row count stays the same.
      if (this.evalSet?.gpu.rows === encoded.rows) {
        this.evalSet.write(x, encoded.values);
      } else {
        this.evalSet?.release();
        void this.plans.drop('eval');
        this.evalSet = new DeviceDataset(res.allocator, res.ctx.device.queue, 'eval', x, encoded.values, encoded.rows, this.targetCols);
      }
      const set = this.evalSet;
      const built = await this.plan({ mode: 'eval', data: set.gpu, loss: this.spec.loss, optimizer: this.spec.optimizer, stats: false });
      const { lossSum, correct } = await evaluateRows({ device: res.ctx.device, built, buffers: this.buffers, ring: this.ring, batch: res.batch,
        loss: this.spec.loss, classes: this.shape.classes, optimizer: this.spec.optimizer, t: this.t }, encoded.rows);
      this.host.markStale();
      const divisor = this.spec.loss === 'cross_entropy' ? encoded.rows : encoded.rows * this.shape.classes;
      return { loss: lossSum / divisor, accuracy: correct / encoded.rows };
    }));
  }

  /** Frees this trainer's GPU buffers (optimiser state, datasets, metrics, plans) once the call in
   *  flight ends; its queued and later calls reject with code 'destroyed'. The net stays usable;
   *  `net.destroy()` frees its trainers too. A second call does nothing. */
  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    this.host.res.onRestore.delete(this.rewind);
    const { allocator } = this.host.res;
    const free = async () => {
      await this.plans.drop();
      this.data?.set.release();
      this.evalSet?.release();
      this.ring.drain().forEach((b) => allocator.release(b));
      const { step, metrics } = this.buffers;
      for (const b of [step, metrics, ...this.unusedState, ...this.stateBuffers()]) allocator.release(b);
    };
    this.host.serial('destroy', free).catch(() => undefined);
  }
}
