import { biasGradDispatch } from '../kernels/biasGrad';
import type { Dispatch, KernelContext } from '../kernels/program';
import { dzStoreDispatch } from '../kernels/dzStore';
import { epilogueDispatch } from '../kernels/epilogue';
import { initDispatch, STREAM_UPSTREAM } from '../kernels/init';
import { matmulDispatch, type DzOperand } from '../kernels/matmul';
import { outerDispatch, outerOperands } from '../kernels/matmulOuter';
import { skinnyDispatch, skinnyTransposedDispatch } from '../kernels/matmulSkinny';
import { statsBatch, type StatsBatch, type StatsTensor } from '../stats/batch';
import type { HistogramRange } from '../model/histogram';
import { inputGradOffset, inputOffset, type NetLayout } from '../model/layout';
import type { MLPSpec } from '../model/options';
import { backwardSlot, forwardSlot, weightSlot } from '../stats/slots';
import type { Plan } from './plan';
import type { LayerShapes } from './shapes';

/** The GPU objects a net owns, which plans bind. */
export interface NetBuffers {
  arena: GPUBuffer;
  small: GPUBuffer;
  weights: GPUBuffer[];
  /** dW per layer; made on the first backward. */
  weightGrads: GPUBuffer[];
  partials: GPUBuffer;
  /** dZ of one layer, for the 'outer' dW kernel (CPU adapters). */
  storedDz: GPUBuffer;
  dummy: GPUBuffer;
  stats: GPUBuffer;
  statsPartials: GPUBuffer;
  statsFlags: GPUBuffer;
}

export interface PlanInputs {
  ctx: KernelContext;
  spec: MLPSpec;
  layout: NetLayout;
  shapes: LayerShapes[];
  buffers: NetBuffers;
  bins: number;
  range: HistogramRange;
}

export function forwardStatsTensors(spec: MLPSpec, layout: NetLayout): StatsTensor[] {
  const maxout = spec.activation.pieces > 1;
  return layout.layers.flatMap((layer, l) => {
    const saturation = maxout ? undefined : { act: spec.activation, zOffset: layer.z, alphaOffset: layer.alpha ?? 0 };
    return [
      { name: `Z${l}`, source: 'arena', offset: layer.z, rows: spec.batch, cols: layer.cols, slot: forwardSlot(l, 'preactivation'), saturation },
      { name: `A${l}`, source: 'arena', offset: layer.a, rows: spec.batch, cols: layer.units, slot: forwardSlot(l, 'activation'), saturation },
    ] satisfies StatsTensor[];
  });
}

/** Backward statistics: one batch over the arena (dA, db, dalpha) and one per dW buffer. */
export function backwardStatsBatches(spec: MLPSpec, layout: NetLayout, weightGrads: Array<StatsTensor['source']>): StatsTensor[][] {
  const L = spec.layers;
  const arena: StatsTensor[] = [];
  const perLayer: StatsTensor[][] = [];
  layout.layers.forEach((layer, l) => {
    arena.push({ name: l === 0 ? 'dX' : `dA${l - 1}`, source: 'arena', offset: inputGradOffset(layout, l), rows: spec.batch,
      cols: layer.din, slot: backwardSlot(L, l, 'inputGrad') });
    if (layer.db !== undefined) {
      arena.push({ name: `db${l}`, source: 'arena', offset: layer.db, rows: 1, cols: layer.cols, slot: backwardSlot(L, l, 'biasGrad') });
    }
    if (layer.dalpha !== undefined) {
      arena.push({ name: `dalpha${l}`, source: 'arena', offset: layer.dalpha, rows: 1, cols: layer.units, slot: backwardSlot(L, l, 'alphaGrad') });
    }
    perLayer.push([{ name: `dW${l}`, source: weightGrads[l], offset: 0, rows: layer.din, cols: layer.cols, slot: backwardSlot(L, l, 'weightGrad') }]);
  });
  return [arena, ...perLayer];
}

async function forwardDispatches(p: PlanInputs): Promise<Dispatch[]> {
  const { ctx, spec, layout, shapes, buffers } = p;
  const out: Dispatch[] = [];
  for (let l = 0; l < spec.layers; l++) {
    const layer = layout.layers[l];
    const s = shapes[l].forward;
    const input = l === 0 ? 'X' : `A${l - 1}`;
    const common = { arena: buffers.arena, small: buffers.small };
    const lhs = { kind: 'arena' as const, offset: inputOffset(layout, l), transposed: false };
    const rhs = { kind: 'weights' as const, buffer: buffers.weights[l], offset: 0, transposed: false };
    const reads = [input, `W${l}`, ...(layer.bias !== undefined ? [`b${l}`] : [])];
    if (s.kernel !== 'tiled' || s.splits > 1 || spec.activation.pieces > 1) {
      out.push(s.kernel === 'outer'
        ? await outerDispatch(ctx, { label: `layer ${l} forward matmul (outer)`, M: s.M, N: s.N, K: s.K,
          ...outerOperands.forward(s.N, s.K, { buffer: buffers.arena, offset: lhs.offset }, { buffer: buffers.weights[l], offset: 0 }),
          out: buffers.partials, outOffset: 0, reads: [input, `W${l}`], writes: ['partials'] })
        : s.kernel === 'skinny'
        ? await skinnyDispatch(ctx, { label: `layer ${l} forward matmul (skinny)`, M: s.M, N: s.N, K: s.K, lhsOffset: lhs.offset,
          weights: buffers.weights[l], partials: buffers.partials, splits: s.splits, kPerSplit: s.kPerSplit, arena: buffers.arena,
          reads: [input, `W${l}`], writes: ['partials'] })
        : await matmulDispatch(ctx, { ...common, label: `layer ${l} forward matmul`, M: s.M, N: s.N, K: s.K, lhs, rhs,
          out: { kind: 'partials', buffer: buffers.partials, splits: s.splits, kPerSplit: s.kPerSplit }, tile: s.tile,
          dummy: buffers.dummy, reads: [input, `W${l}`], writes: ['partials'] }));
      out.push(await epilogueDispatch(ctx, { ...common, label: `layer ${l} forward epilogue`, rows: spec.batch, units: layer.units,
        splits: s.splits, partials: buffers.partials, act: spec.activation, zOffset: layer.z, aOffset: layer.a,
        biasOffset: layer.bias, alphaOffset: layer.alpha ?? 0, reads: ['partials', ...reads.slice(2)], writes: [`Z${l}`, `A${l}`] }));
    } else {
      out.push(await matmulDispatch(ctx, { ...common, label: `layer ${l} forward matmul+act`, M: s.M, N: s.N, K: s.K, lhs, rhs,
        out: { kind: 'activation', zOffset: layer.z, aOffset: layer.a, act: spec.activation, biasOffset: layer.bias, alphaOffset: layer.alpha ?? 0 },
        tile: s.tile, dummy: buffers.dummy, reads, writes: [`Z${l}`, `A${l}`] }));
    }
  }
  return out;
}

export type Upstream = 'ones' | 'randn' | 'array';

async function backwardDispatches(p: PlanInputs, upstream: Upstream): Promise<Dispatch[]> {
  const { ctx, spec, layout, shapes, buffers } = p;
  const L = spec.layers;
  const out: Dispatch[] = [];
  const top = layout.layers[L - 1];
  if (upstream !== 'array') {
    out.push(await initDispatch(ctx, { label: `upstream gradient (${upstream})`, buffer: buffers.arena, offset: top.da,
      count: spec.batch * top.units, seed: spec.seed, stream: STREAM_UPSTREAM,
      rule: upstream === 'ones' ? { mode: 0, scale: 0, value: 1 } : { mode: 1, scale: 1, value: 0 } }));
  }
  const common = { arena: buffers.arena, small: buffers.small, dummy: buffers.dummy };
  for (let l = L - 1; l >= 0; l--) {
    const layer = layout.layers[l];
    const dz: DzOperand = { daOffset: layer.da, zOffset: layer.z, alphaOffset: layer.alpha ?? 0, units: layer.units, act: spec.activation };
    const dzReads = [`dA${l}`, `Z${l}`, ...(layer.alpha !== undefined ? [`alpha${l}`] : [])];
    const input = l === 0 ? 'X' : `A${l - 1}`;
    const inputGrad = l === 0 ? 'dX' : `dA${l - 1}`;
    const w = shapes[l].dw;
    const x = shapes[l].dx;
    if (w.kernel === 'outer' || x.kernel === 'outer') {
      out.push(await dzStoreDispatch(ctx, { label: `layer ${l} dZ store`, rows: spec.batch, dz, arena: buffers.arena,
        small: buffers.small, out: buffers.storedDz, reads: dzReads, writes: [`dZ${l}`] }));
    }
    if (w.kernel === 'outer') {
      out.push(await outerDispatch(ctx, { label: `layer ${l} dW = A^T dZ (outer)`, M: w.M, N: w.N, K: w.K,
        ...outerOperands.weightGrad(w.M, w.N, { buffer: buffers.arena, offset: inputOffset(layout, l) }, { buffer: buffers.storedDz, offset: 0 }),
        out: buffers.weightGrads[l], outOffset: 0, reads: [input, `dZ${l}`], writes: [`dW${l}`] }));
    } else {
      out.push(await matmulDispatch(ctx, { ...common, label: `layer ${l} dW = A^T dZ`, M: w.M, N: w.N, K: w.K,
        lhs: { kind: 'arena', offset: inputOffset(layout, l), transposed: true }, rhs: { kind: 'dz' }, dz,
        out: { kind: 'buffer', buffer: buffers.weightGrads[l], offset: 0 }, tile: w.tile,
        reads: [input, ...dzReads], writes: [`dW${l}`] }));
    }
    if (layer.db !== undefined || layer.dalpha !== undefined) {
      out.push(await biasGradDispatch(ctx, { ...common, label: `layer ${l} db, dalpha`, rows: spec.batch, units: layer.units,
        act: spec.activation, daOffset: layer.da, zOffset: layer.z, alphaOffset: layer.alpha ?? 0, dbOffset: layer.db,
        dalphaOffset: layer.dalpha, reads: dzReads,
        writes: [...(layer.db !== undefined ? [`db${l}`] : []), ...(layer.dalpha !== undefined ? [`dalpha${l}`] : [])] }));
    }
    const rhs = { kind: 'weights' as const, buffer: buffers.weights[l], offset: 0, transposed: true };
    if (x.kernel === 'outer') {
      out.push(await outerDispatch(ctx, { label: `layer ${l} dX = dZ W^T (outer)`, M: x.M, N: x.N, K: x.K,
        ...outerOperands.inputGrad(x.K, { buffer: buffers.storedDz, offset: 0 }, { buffer: buffers.weights[l], offset: 0 }),
        out: buffers.arena, outOffset: inputGradOffset(layout, l), reads: [`dZ${l}`, `W${l}`], writes: [inputGrad] }));
    } else if (x.kernel === 'skinny' || x.splits > 1) {
      out.push(x.kernel === 'skinny'
        ? await skinnyTransposedDispatch(ctx, { label: `layer ${l} dX = dZ W^T (skinny)`, M: x.M, N: x.N, K: x.K, dz,
          weights: buffers.weights[l], partials: buffers.partials, splits: x.splits, kPerSplit: x.kPerSplit, arena: buffers.arena,
          small: buffers.small, reads: [...dzReads, `W${l}`], writes: ['partials'] })
        : await matmulDispatch(ctx, { ...common, label: `layer ${l} dX = dZ W^T`, M: x.M, N: x.N, K: x.K, lhs: { kind: 'dz' },
          rhs, dz, out: { kind: 'partials', buffer: buffers.partials, splits: x.splits, kPerSplit: x.kPerSplit }, tile: x.tile,
          reads: [...dzReads, `W${l}`], writes: ['partials'] }));
      out.push(await epilogueDispatch(ctx, { arena: buffers.arena, small: buffers.small, label: `layer ${l} dX reduce`,
        rows: spec.batch, units: layer.din, splits: x.splits, partials: buffers.partials,
        act: { name: 'linear', id: 0, param: 0, pieces: 1, maxSlope: 1 }, aOffset: inputGradOffset(layout, l), alphaOffset: 0,
        reads: ['partials'], writes: [inputGrad] }));
    } else {
      out.push(await matmulDispatch(ctx, { ...common, label: `layer ${l} dX = dZ W^T`, M: x.M, N: x.N, K: x.K, lhs: { kind: 'dz' },
        rhs, dz, out: { kind: 'arena', offset: inputGradOffset(layout, l) }, tile: x.tile,
        reads: [...dzReads, `W${l}`], writes: [inputGrad] }));
    }
  }
  return out;
}

async function statsDispatches(p: PlanInputs, label: string, tensors: StatsTensor[], batches: StatsBatch[]): Promise<Dispatch[]> {
  const extra = tensors.find((t) => t.source !== 'arena')?.source;
  const batch = await statsBatch(p.ctx, {
    label, tensors, bins: p.bins, range: p.range, arena: p.buffers.arena, small: p.buffers.small,
    extra: extra && extra !== 'arena' ? extra : p.buffers.dummy, stats: p.buffers.stats,
    partials: p.buffers.statsPartials, flags: p.buffers.statsFlags,
  });
  batches.push(batch);
  return batch.dispatches;
}

export interface BuiltPlan { plan: Plan; statsBatches: StatsBatch[] }

/** Statistics of every weight matrix: one stats batch per W buffer, filling slots 6L .. 7L-1. */
export async function buildWeightStatsPlan(p: PlanInputs): Promise<BuiltPlan> {
  const L = p.spec.layers;
  const dispatches: Dispatch[] = [];
  const statsBatches: StatsBatch[] = [];
  for (const [l, layer] of p.layout.layers.entries()) {
    const tensor: StatsTensor = { name: `W${l}`, source: p.buffers.weights[l], offset: 0, rows: layer.din, cols: layer.cols, slot: weightSlot(L, l) };
    dispatches.push(...await statsDispatches(p, `W${l} stats`, [tensor], statsBatches));
  }
  return { plan: { name: 'weight stats', dispatches, statsSlots: { first: weightSlot(L, 0), count: L } }, statsBatches };
}

export async function buildPlan(p: PlanInputs, kind: { forward: boolean; backward?: Upstream; stats: boolean }): Promise<BuiltPlan> {
  const L = p.spec.layers;
  const dispatches: Dispatch[] = [];
  const statsBatches: StatsBatch[] = [];
  if (kind.forward) {
    dispatches.push(...await forwardDispatches(p));
    if (kind.stats) dispatches.push(...await statsDispatches(p, 'forward stats', forwardStatsTensors(p.spec, p.layout), statsBatches));
  }
  if (kind.backward) {
    dispatches.push(...await backwardDispatches(p, kind.backward));
    if (kind.stats) {
      const batches = backwardStatsBatches(p.spec, p.layout, p.buffers.weightGrads);
      for (const [i, tensors] of batches.entries()) {
        dispatches.push(...await statsDispatches(p, i === 0 ? 'backward stats' : `${tensors[0].name} stats`, tensors, statsBatches));
      }
    }
  }
  const name = [kind.forward ? 'forward' : '', kind.backward ? `backward(${kind.backward})` : ''].filter(Boolean).join('+') +
    (kind.stats ? ' with stats' : '');
  const first = kind.forward ? 0 : 2 * L;
  const count = (kind.forward ? 2 * L : 0) + (kind.backward ? 4 * L : 0);
  return { plan: { name, dispatches, statsSlots: kind.stats ? { first, count } : undefined }, statsBatches };
}
