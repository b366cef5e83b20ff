import { packUniform } from '../gpu/buffers';
import { bindGroup, type Dispatch, type KernelContext } from './dispatch';
import type { DzOperand } from './matmul';

/** matmul_skinny.wgsl serves M <= SKINNY_MAX_ROWS rows and N a multiple of 4 (vec4 columns);
 *  matmul_skinny_t.wgsl the transposed product (dX = dZ W^T) with K a multiple of 4. */
export const SKINNY_MAX_ROWS = 32;
const COLUMNS_PER_WORKGROUP = 256;
const T_COLUMNS_PER_WORKGROUP = 64;
const K_CHUNK = 128;
/** Workgroups wanted in flight: enough vec4 loads outstanding to cover memory latency on a
 *  large GPU (132 SMs x several 64-thread workgroups). */
const TARGET_WORKGROUPS = 512;

export function skinnyApplies(M: number, N: number): boolean {
  return M <= SKINNY_MAX_ROWS && N % 4 === 0;
}

export function skinnyTransposedApplies(M: number, K: number): boolean {
  return M <= SKINNY_MAX_ROWS && K % 4 === 0;
}

/** Split-K so that about TARGET_WORKGROUPS workgroups run; each split keeps >= 64 k. */
export function skinnySplits(N: number, K: number, forced?: number, transposed = false): { splits: number; kPerSplit: number } {
  const columnGroups = Math.ceil(N / (transposed ? T_COLUMNS_PER_WORKGROUP : COLUMNS_PER_WORKGROUP));
  const wanted = forced ?? Math.max(1, Math.min(Math.round(TARGET_WORKGROUPS / columnGroups), Math.floor(K / 64)));
  const kPerSplit = Math.ceil(K / wanted / 4) * 4;
  return { splits: Math.ceil(K / kPerSplit), kPerSplit };
}

export interface SkinnyRequest {
  label: string;
  M: number; N: number; K: number;
  lhsOffset: number;
  weights: GPUBuffer;
  partials: GPUBuffer;
  splits: number;
  kPerSplit: number;
  arena: GPUBuffer;
  reads: string[];
  writes: string[];
}

/** Partial sums of A W for M <= 32 rows; epilogue.wgsl finishes (bias, activation). */
export async function skinnyDispatch(ctx: KernelContext, req: SkinnyRequest): Promise<Dispatch> {
  if (!skinnyApplies(req.M, req.N)) throw new Error(`${req.label}: skinny matmul needs M <= ${SKINNY_MAX_ROWS} and N % 4 == 0`);
  const { pipeline, layout, key } = await ctx.pipelines.get('matmul_skinny', 'main', { ROWS: req.M, K_CHUNK },
    ['uniform', 'read-only-storage', 'read-only-storage', 'storage']);
  const uniform = ctx.pool.uniform(`${req.label} params`, packUniform([req.M, req.N, req.K, req.kPerSplit, req.lhsOffset, 0, 0, 0]));
  return {
    label: req.label,
    kernel: key,
    pipeline,
    bindGroup: bindGroup(ctx, req.label, layout, [uniform, req.arena, req.weights, req.partials]),
    workgroups: [Math.ceil(req.N / COLUMNS_PER_WORKGROUP), req.splits, 1],
    reads: req.reads,
    writes: req.writes,
    owned: [uniform],
  };
}

export interface SkinnyTransposedRequest {
  label: string;
  M: number; N: number; K: number;
  dz: DzOperand;
  weights: GPUBuffer;
  partials: GPUBuffer;
  splits: number;
  kPerSplit: number;
  arena: GPUBuffer;
  small: GPUBuffer;
  reads: string[];
  writes: string[];
}

/** Partial sums of dZ W^T (dZ from the dz prologue) for M <= 32 rows; epilogue.wgsl sums them. */
export async function skinnyTransposedDispatch(ctx: KernelContext, req: SkinnyTransposedRequest): Promise<Dispatch> {
  if (!skinnyTransposedApplies(req.M, req.K)) throw new Error(`${req.label}: transposed skinny matmul needs M <= ${SKINNY_MAX_ROWS} and K % 4 == 0`);
  const act = req.dz.act;
  const { pipeline, layout, key } = await ctx.pipelines.get('matmul_skinny_t', 'main',
    { ROWS: req.M, K_CHUNK, ACT: act.id, MAXOUT_K: act.pieces },
    ['uniform', 'read-only-storage', 'read-only-storage', 'storage', 'read-only-storage']);
  const uniform = ctx.pool.uniform(`${req.label} params`, packUniform([req.M, req.N, req.K, req.kPerSplit,
    req.dz.daOffset, req.dz.zOffset, req.dz.alphaOffset, req.dz.units, { f32: act.param }, 0, 0, 0]));
  return {
    label: req.label,
    kernel: key,
    pipeline,
    bindGroup: bindGroup(ctx, req.label, layout, [uniform, req.arena, req.weights, req.partials, req.small]),
    workgroups: [Math.ceil(req.N / T_COLUMNS_PER_WORKGROUP), req.splits, 1],
    reads: req.reads,
    writes: req.writes,
    owned: [uniform],
  };
}
