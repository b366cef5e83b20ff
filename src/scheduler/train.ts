// Training plans: a step is gather -> forward -> loss (+ dA of the output) -> backward ->
// statistics (with W before its update) -> optimiser updates (-> statistics of the updates), one
// pass and one submit; an evaluation step stops after the
// loss. Built from the same layer types as forward and backward: each type's `parameters`
// names what the optimiser updates.
import { gatherDispatch, lossDispatch, optimDispatch } from '../kernels/train';
import type { Dispatch } from '../kernels/program';
import type { HistogramRange } from '../model/histogram';
import type { LossName, OptimizerSpec } from '../model/train';
import type { StatsBatch } from '../stats/batch';
import { backwardDispatches, entryIO, forwardDispatches, sectionStats, type BuiltPlan, type NetGraph } from './build';
import type { StepContext } from './layerType';

/** The GPU objects of a trainer that its plans bind. */
export interface TrainBuffers {
  /** The step words (model/train.ts STEP_FIELDS), written before each submit. */
  step: GPUBuffer;
  /** Loss sum and correct count per step of a readback window. */
  metrics: GPUBuffer;
  /** Optimiser state per entry and parameter region: momentum / first moment, second moment. */
  state: Array<Record<string, { m: GPUBuffer; v: GPUBuffer }>>;
}

/** A dataset on the GPU: rows of features and of targets (labels as one f32 column), and the
 *  order batches are drawn in. */
export interface GpuDataset { x: GPUBuffer; targets: GPUBuffer; perm: GPUBuffer; rows: number; targetCols: number; name: string }

export interface TrainPlanKind {
  /** 'train': the whole step; 'eval': gather, forward and loss only. */
  mode: 'train' | 'eval';
  /** Where the batch comes from; absent: X and T were written into the arena directly. */
  data?: GpuDataset;
  loss: LossName;
  optimizer: OptimizerSpec;
  /** Statistics: forward, backward, the weights before the update, and the applied updates. */
  stats: boolean;
}

export async function buildTrainPlan(step: StepContext, graph: NetGraph, t: TrainBuffers, kind: TrainPlanKind, bins: number,
  range: HistogramRange): Promise<BuiltPlan> {
  const { ctx, batch, layout, buffers } = step;
  const last = graph.entries.length - 1;
  const top = graph.entries[last];
  const targetCols = kind.loss === 'cross_entropy' ? 1 : top.outputWidth;
  const dispatches: Dispatch[] = [];
  const statsBatches: StatsBatch[] = [];
  if (kind.data) {
    dispatches.push(await gatherDispatch(ctx, { label: `gather batch (${kind.data.name})`, rows: batch, features: graph.entries[0].inputWidth,
      targetCols, xOffset: layout.x, tOffset: layout.t, arena: buffers.arena, data: kind.data.x, targets: kind.data.targets,
      perm: kind.data.perm, step: t.step }));
  }
  const forwardStep: StepContext = { ...step, mode: kind.mode, dropout: kind.mode === 'train' ? t.step : undefined };
  dispatches.push(...await forwardDispatches(forwardStep, graph));
  const out = layout.entries[last].at;
  dispatches.push(await lossDispatch(ctx, { label: `loss (${kind.loss})`, loss: kind.loss, rows: batch, cols: top.outputWidth,
    aOffset: out.out, daOffset: out.dout, tOffset: layout.t, arena: buffers.arena, metrics: t.metrics, step: t.step,
    reads: [top.regions.out.label, 'T'], writes: ['loss', top.regions.dout.label] }));
  if (kind.mode === 'eval') return { plan: { name: `evaluate (${kind.loss})`, dispatches }, statsBatches };

  const backwardStep: StepContext = { ...step, training: true, dropout: t.step };
  dispatches.push(...await backwardDispatches(backwardStep, graph));
  if (kind.stats) {
    dispatches.push(...await sectionStats(step, graph, bins, range, 'forward', statsBatches));
    dispatches.push(...await sectionStats(step, graph, bins, range, 'backward', statsBatches));
    // W of this step before its update: the denominator of design.md section 6's update:data ratio.
    dispatches.push(...await sectionStats(step, graph, bins, range, 'weights', statsBatches));
  }
  for (const [i, entry] of graph.entries.entries()) {
    const io = entryIO(step, graph, i);
    for (const p of graph.types[i].parameters?.(entry) ?? []) {
      const region = entry.regions[p.param];
      const place = (name: string) => entry.regions[name].buffer === 'own'
        ? { buffer: io.own[name], offset: 0 }
        : { buffer: entry.regions[name].buffer === 'small' ? buffers.small : buffers.arena, offset: io.at[name] };
      const param = place(p.param);
      const grad = place(p.grad);
      const state = t.state[i][p.param];
      const mask = p.param === 'W' ? io.own.mask : undefined;
      dispatches.push(await optimDispatch(ctx, { label: `update ${region.label} (${kind.optimizer.name})`, optimizer: kind.optimizer, mask,
        count: region.floats, param: param.buffer, paramOffset: param.offset, grad: grad.buffer, gradOffset: grad.offset,
        m: state.m, v: state.v, delta: kind.stats && p.update ? io.own[p.update] : undefined, dummy: buffers.dummy, step: t.step,
        reads: [region.label, entry.regions[p.grad].label], writes: [region.label, ...(kind.stats && p.update ? [entry.regions[p.update].label] : [])] }));
    }
  }
  if (kind.stats) dispatches.push(...await sectionStats(step, graph, bins, range, 'update', statsBatches));
  return { plan: { name: `train step (${kind.loss}, ${kind.optimizer.name})${kind.stats ? ' with stats' : ''}`, dispatches }, statsBatches };
}
