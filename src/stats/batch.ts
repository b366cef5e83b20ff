import { makeDispatch, type Dispatch, type KernelContext, type KernelTarget } from '../kernels/program';
import { STATS_ENTRY_POINTS, STATS_PROGRAM } from '../kernels/stats';
import type { ActivationSpec } from '../model/activations';
import { rangeOf, type HistogramRange } from '../model/histogram';
import { DESC_FIELDS as D, DESC_WORDS, PARTIAL_WORDS, statsLayoutConstants } from './layout';

const NO_SATURATION = 0xffffffff;
// GPUs want thousands of workgroups in flight; a CPU adapter runs a few at a time on its cores
// and pays per workgroup for the barriers of the reduction.
const MAX_GROUPS_PER_TENSOR: Record<KernelTarget, number> = { gpu: 4096, cpu: 32 };
/** Threads (= columns) per workgroup: see stats.wgsl's WG. */
const STATS_WORKGROUP: Record<KernelTarget, { size: number; level: number }> = { gpu: { size: 256, level: 16 }, cpu: { size: 64, level: 8 } };
/** Whether a workgroup merges its threads' moments into one partial record (stats.wgsl's
 *  WORKGROUP_REDUCE). Not on CPU adapters: there every thread writes its own record, since
 *  SwiftShader compiles the workgroup reduction ~10x slower than the rest of the kernel. */
const WORKGROUP_REDUCE: Record<KernelTarget, boolean> = { gpu: true, cpu: false };


/** One [rows x cols] tensor whose statistics go to stats slot `slot`. */
export interface StatsTensor {
  name: string;
  /** Its field in the results ('activation', 'weightGrad', ...): picks its histogram range. */
  field: string;
  /** 'arena' or a buffer of its own (a weight gradient). */
  source: 'arena' | GPUBuffer;
  offset: number;
  rows: number;
  cols: number;
  slot: number;
  /** Columns per unit for dead units (default 1). */
  group?: number;
  /** Count |f'(z)| < 1% of the largest slope, with z from the layer's Z at zOffset. */
  saturation?: { act: ActivationSpec; zOffset: number; alphaOffset: number };
}

/** How stats.wgsl splits a tensor: workgroups of WG threads over colSpan blocks of WG columns
 *  (GPU: one block, so many workgroups; CPU: every column, so few) and rowChunk rows, so that a
 *  tensor uses at most 4096 workgroups on a GPU, 32 on a CPU; and how many partial records the
 *  moments pass writes (one per workgroup, or one per thread without WORKGROUP_REDUCE). */
export function statsGrid(rows: number, cols: number, target: KernelTarget): { colGroups: number; colSpan: number; rowChunk: number; groups: number; records: number } {
  const blocks = Math.ceil(cols / STATS_WORKGROUP[target].size);
  const colSpan = target === 'cpu' ? blocks : 1;
  const colGroups = Math.ceil(blocks / colSpan);
  const chunksWanted = Math.max(1, Math.floor(MAX_GROUPS_PER_TENSOR[target] / colGroups));
  const rowChunk = Math.max(Math.ceil(rows / chunksWanted), Math.min(rows, 8));
  const groups = colGroups * Math.ceil(rows / rowChunk);
  return { colGroups, colSpan, rowChunk, groups, records: groups * (WORKGROUP_REDUCE[target] ? 1 : STATS_WORKGROUP[target].size) };
}

export function writeHistogramRange(desc: Uint32Array, tensors: StatsTensor[], range: HistogramRange): void {
  const f32 = new Float32Array(desc.buffer, desc.byteOffset, desc.length);
  tensors.forEach((t, i) => {
    const base = i * DESC_WORDS;
    const r = rangeOf(range, t.field);
    desc[base + D.D_HIST_FIXED] = r === 'auto' ? 0 : 1;
    f32[base + D.D_HIST_LO] = r === 'auto' ? 0 : r[0];
    f32[base + D.D_HIST_HI] = r === 'auto' ? 0 : r[1];
  });
}

function describe(tensors: StatsTensor[], range: HistogramRange, target: KernelTarget): Uint32Array<ArrayBuffer> {
  const desc = new Uint32Array(tensors.length * DESC_WORDS);
  const f32 = new Float32Array(desc.buffer);
  let partialBase = 0;
  let flagBase = 0;
  tensors.forEach((t, i) => {
    const grid = statsGrid(t.rows, t.cols, target);
    const base = i * DESC_WORDS;
    const u32Fields: Array<[number, number]> = [
      [D.D_SOURCE, t.source === 'arena' ? 0 : 1], [D.D_OFFSET, t.offset], [D.D_ROWS, t.rows], [D.D_COLS, t.cols],
      [D.D_COL_GROUPS, grid.colGroups], [D.D_ROW_CHUNK, grid.rowChunk], [D.D_GROUPS, grid.groups],
      [D.D_PARTIAL_BASE, partialBase / PARTIAL_WORDS], [D.D_FLAG_BASE, flagBase], [D.D_SLOT, t.slot],
      [D.D_SATURATION, t.saturation ? 1 : 0], [D.D_Z_OFF, t.saturation?.zOffset ?? 0],
      [D.D_ALPHA_OFF, t.saturation?.alphaOffset ?? 0], [D.D_COL_SPAN, grid.colSpan], [D.D_GROUP, t.group ?? 1],
    ];
    for (const [field, value] of u32Fields) desc[base + field] = value;
    f32[base + D.D_SLOPE] = t.saturation?.act.param ?? 0;
    f32[base + D.D_MAX_SLOPE] = t.saturation?.act.maxSlope ?? 1;
    partialBase += grid.records * PARTIAL_WORDS;
    flagBase += t.cols;
  });
  writeHistogramRange(desc, tensors, range);
  return desc;
}

export interface StatsBatchRequest {
  label: string;
  tensors: StatsTensor[];
  bins: number;
  range: HistogramRange;
  arena: GPUBuffer;
  small: GPUBuffer;
  /** The buffer of tensors whose source is not 'arena' (all the same), else a dummy. */
  extra: GPUBuffer;
  stats: GPUBuffer;
  partials: GPUBuffer;
  flags: GPUBuffer;
}

export interface StatsBatch {
  dispatches: Dispatch[];
  /** Rewrites the histogram range of every tensor of the batch, by its field (queue.writeBuffer, no new plan). */
  setRange(range: HistogramRange): void;
}

/** stats.wgsl's three entry points over a batch of tensors: moments, finalize, histogram. */
export async function statsBatch(ctx: KernelContext, req: StatsBatchRequest): Promise<StatsBatch> {
  const sources = new Set(req.tensors.map((t) => t.source));
  if (sources.size > 1) throw new Error(`${req.label}: a stats batch reads one buffer (the arena or one other), got ${sources.size}`);
  const saturating = new Set(req.tensors.map((t) => t.saturation?.act.id ?? NO_SATURATION));
  if (saturating.size > 1) throw new Error(`${req.label}: a stats batch counts the saturation of at most one activation`);
  const desc = describe(req.tensors, req.range, ctx.target);
  const descBuffer = ctx.allocator.storage(`${req.label} descriptors`, desc.byteLength);
  ctx.device.queue.writeBuffer(descBuffer, 0, desc);
  const wg = STATS_WORKGROUP[ctx.target];
  const constants = {
    ...statsLayoutConstants(), BINS: req.bins, WG: wg.size, LEVEL: wg.level, WORKGROUP_REDUCE: WORKGROUP_REDUCE[ctx.target], SRC: req.tensors[0].source === 'arena' ? 0 : 1,
    SAT_ACT: [...saturating][0],
  };
  const maxGroups = Math.max(...req.tensors.map((t) => statsGrid(t.rows, t.cols, ctx.target).groups));
  const names = req.tensors.map((t) => t.name);
  const n = req.tensors.length;
  const grids: Record<typeof STATS_ENTRY_POINTS[number], [number, number, number]> = {
    moments: [maxGroups, n, 1], finalize: [n, 1, 1], histogram: [maxGroups, n, 1],
  };
  const dispatches = await Promise.all(STATS_ENTRY_POINTS.map((entry) => makeDispatch(ctx, STATS_PROGRAM, {
    label: `${req.label} ${entry}`, entryPoint: entry, constants,
    buffers: { desc: descBuffer, act: req.arena, extra: req.extra, small: req.small, stats: req.stats, partials: req.partials, flags: req.flags },
    workgroups: grids[entry],
    reads: entry === 'finalize' ? ['stats partials'] : names,
    writes: entry === 'moments' ? ['stats partials'] : ['stats'],
  })));
  dispatches[0].owned.push(descBuffer);
  return {
    dispatches,
    setRange(range) {
      writeHistogramRange(desc, req.tensors, range);
      ctx.device.queue.writeBuffer(descBuffer, 0, desc);
    },
  };
}
