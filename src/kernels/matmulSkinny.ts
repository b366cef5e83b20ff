import skinnyCode from '../../shaders/matmul_skinny.wgsl?raw';
import skinnyTCode from '../../shaders/matmul_skinny_t.wgsl?raw';
import { ACTIVATIONS_WGSL, DZ_WGSL } from './includes';
import type { DzOperand } from './matmul';
import { defineProgram, makeDispatch, type Dispatch, type KernelContext } from './program';

/** matmul_skinny.wgsl: partial sums of A W for M <= 32 rows, W streamed once as vec4. */
export const SKINNY_PROGRAM = defineProgram({
  name: 'matmul_skinny',
  shader: { file: 'matmul_skinny.wgsl', code: skinnyCode, includes: [] },
  bindings: { params: 'uniform', act: 'read-only-storage', w: 'read-only-storage', out: 'storage' },
  uniform: { struct: 'SkinnyParams', fields: { M: 'u32', N: 'u32', K: 'u32', k_per_split: 'u32', lhs_off: 'u32' } },
});

/** matmul_skinny_t.wgsl: partial sums of dZ W^T (dZ from the dz prologue) for M <= 32 rows. */
export const SKINNY_T_PROGRAM = defineProgram({
  name: 'matmul_skinny_t',
  shader: { file: 'matmul_skinny_t.wgsl', code: skinnyTCode, includes: [ACTIVATIONS_WGSL, DZ_WGSL] },
  bindings: { params: 'uniform', act: 'read-only-storage', w: 'read-only-storage', out: 'storage', small: 'read-only-storage' },
  uniform: {
    struct: 'SkinnyTParams',
    fields: { M: 'u32', N: 'u32', K: 'u32', k_per_split: 'u32', da_off: 'u32', z_off: 'u32', alpha_off: 'u32', units: 'u32', slope: 'f32' },
  },
});

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
export function skinnyDispatch(ctx: KernelContext, req: SkinnyRequest): Promise<Dispatch> {
  if (!skinnyApplies(req.M, req.N)) throw new Error(`${req.label}: skinny matmul needs M <= ${SKINNY_MAX_ROWS} and N % 4 == 0`);
  return makeDispatch(ctx, SKINNY_PROGRAM, {
    label: req.label,
    constants: { ROWS: req.M, K_CHUNK },
    buffers: { act: req.arena, w: req.weights, out: req.partials },
    uniforms: { M: req.M, N: req.N, K: req.K, k_per_split: req.kPerSplit, lhs_off: req.lhsOffset },
    workgroups: [Math.ceil(req.N / COLUMNS_PER_WORKGROUP), req.splits, 1],
    reads: req.reads,
    writes: req.writes,
  });
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
export function skinnyTransposedDispatch(ctx: KernelContext, req: SkinnyTransposedRequest): Promise<Dispatch> {
  if (!skinnyTransposedApplies(req.M, req.K)) throw new Error(`${req.label}: transposed skinny matmul needs M <= ${SKINNY_MAX_ROWS} and K % 4 == 0`);
  const { dz } = req;
  return makeDispatch(ctx, SKINNY_T_PROGRAM, {
    label: req.label,
    constants: { ROWS: req.M, K_CHUNK, ACT: dz.act.id, MAXOUT_K: dz.act.pieces },
    buffers: { act: req.arena, w: req.weights, out: req.partials, small: req.small },
    uniforms: {
      M: req.M, N: req.N, K: req.K, k_per_split: req.kPerSplit, da_off: dz.daOffset, z_off: dz.zOffset, alpha_off: dz.alphaOffset,
      units: dz.units, slope: dz.act.param,
    },
    workgroups: [Math.ceil(req.N / T_COLUMNS_PER_WORKGROUP), req.splits, 1],
    reads: req.reads,
    writes: req.writes,
  });
}
