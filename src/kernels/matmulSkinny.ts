import { packUniform } from '../gpu/buffers';
import { bindGroup, type Dispatch, type KernelContext } from './dispatch';

/** matmul_skinny.wgsl serves M <= SKINNY_MAX_ROWS rows and N a multiple of 4 (vec4 columns). */
export const SKINNY_MAX_ROWS = 32;
const COLUMNS_PER_WORKGROUP = 256;
const K_CHUNK = 128;
/** Workgroups wanted in flight: enough vec4 loads outstanding to cover memory latency on a
 *  large GPU (132 SMs x several 64-thread workgroups). */
const TARGET_WORKGROUPS = 512;

export function skinnyApplies(M: number, N: number): boolean {
  return M <= SKINNY_MAX_ROWS && N % 4 === 0;
}

/** Split-K so that about TARGET_WORKGROUPS workgroups run; each split keeps >= 64 k. */
export function skinnySplits(N: number, K: number, forced?: number): { splits: number; kPerSplit: number } {
  const columnGroups = Math.ceil(N / COLUMNS_PER_WORKGROUP);
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
