import code from '../../shaders/matmul.wgsl?raw';
import type { ActivationSpec } from '../model/activations';
import { ACTIVATIONS_WGSL, DZ_WGSL } from './includes';
import { defineProgram, makeDispatch, maxWorkgroupsPerDimension, type Dispatch, type KernelContext } from './program';

/** matmul.wgsl: register-blocked shared-memory tiles with the dZ prologue and the bias +
 *  activation epilogue (GPU adapters). */
export const MATMUL_PROGRAM = defineProgram({
  name: 'matmul',
  shader: { file: 'matmul.wgsl', code, includes: [ACTIVATIONS_WGSL, DZ_WGSL] },
  bindings: { params: 'uniform', act: 'storage', w: 'read-only-storage', out: 'storage', small: 'read-only-storage' },
  uniform: {
    struct: 'MatmulParams',
    fields: {
      M: 'u32', N: 'u32', K: 'u32', k_per_split: 'u32', lhs_off: 'u32', rhs_off: 'u32', out_off: 'u32', out2_off: 'u32',
      dz_da_off: 'u32', dz_z_off: 'u32', dz_units: 'u32', bias_off: 'u32', alpha_off: 'u32', slope: 'f32', splits: 'u32', row_blocks: 'u32',
    },
  },
});

/** Thread block shape: WG_X x WG_Y threads, each owning TM x TN outputs, BK-deep k tiles. */
export interface MatmulTile { wgX: number; wgY: number; tm: number; tn: number; bk: number }

export const MATMUL_TILES = {
  /** batch <= 32 rows (the lecture's 16): 16 x 128 outputs per workgroup, split-K for occupancy. */
  short: { wgX: 64, wgY: 4, tm: 4, tn: 2, bk: 16 },
  /** mid-size: 64 x 64 outputs, 4 x 4 per thread. */
  square: { wgX: 16, wgY: 16, tm: 4, tn: 4, bk: 16 },
  /** large M and N (dW, square): 64 x 128 outputs, 4 x 8 per thread. On the H200 this beat
   *  8 x 8 per thread: 4096^3 in 6.91 against 8.70 ms, dW 0.046 against 0.052 ms (bench/NOTES.md). */
  large: { wgX: 16, wgY: 16, tm: 4, tn: 8, bk: 8 },
} satisfies Record<string, MatmulTile>;
export type MatmulTileName = keyof typeof MATMUL_TILES;

/** Workgroups wanted in flight; enough to fill the largest GPUs (132 SMs x a few). */
const TARGET_WORKGROUPS = 512;

export function chooseTile(M: number, N: number): MatmulTileName {
  if (M <= 32) return 'short';
  if (M >= 128 && N >= 128) return 'large';
  return 'square';
}

/** K is split when the output alone gives too few workgroups; each split keeps >= 4 k tiles. */
export function chooseSplits(M: number, N: number, K: number, tile: MatmulTile): { splits: number; kPerSplit: number } {
  const outputTiles = Math.ceil(N / (tile.wgX * tile.tn)) * Math.ceil(M / (tile.wgY * tile.tm));
  const maxSplits = Math.max(1, Math.floor(K / (4 * tile.bk)));
  const wanted = Math.min(maxSplits, Math.ceil(TARGET_WORKGROUPS / outputTiles));
  const kPerSplit = Math.ceil(K / Math.max(1, wanted) / tile.bk) * tile.bk;
  return { splits: Math.ceil(K / kPerSplit), kPerSplit };
}

/** dZ = dA * f'(Z) of a layer, read where the operand is loaded. */
export interface DzOperand { daOffset: number; zOffset: number; alphaOffset: number; units: number; act: ActivationSpec }

export type MatmulLhs = { kind: 'arena'; offset: number; transposed: boolean } | { kind: 'dz' };
export type MatmulRhs = { kind: 'weights'; buffer: GPUBuffer; offset: number; transposed: boolean } | { kind: 'dz' };
export type MatmulOut =
  | { kind: 'activation'; zOffset: number; aOffset: number; act: ActivationSpec; biasOffset?: number; alphaOffset: number }
  | { kind: 'arena'; offset: number }
  | { kind: 'buffer'; buffer: GPUBuffer; offset: number }
  | { kind: 'partials'; buffer: GPUBuffer; splits: number; kPerSplit: number };

export interface MatmulRequest {
  label: string;
  M: number; N: number; K: number;
  lhs: MatmulLhs;
  rhs: MatmulRhs;
  dz?: DzOperand;
  out: MatmulOut;
  tile: MatmulTileName | MatmulTile;
  arena: GPUBuffer;
  small: GPUBuffer;
  /** Bound where a binding is unused (WebGPU needs every binding). */
  dummy: GPUBuffer;
  reads: string[];
  writes: string[];
}

/** The grid of a matmul: (column blocks, row blocks, splits). Row blocks past the device's limit
 *  (65535: a batch of millions) fold into z: z = fold * splits + split, row block = wid.y + fold * rowBlocks. */
export function matmulGrid(M: number, N: number, tile: MatmulTile, splits: number, limit: number): { workgroups: [number, number, number]; rowBlocks: number } {
  const blocks = Math.ceil(M / (tile.wgY * tile.tm));
  const folds = Math.ceil(blocks / limit);
  const rowBlocks = Math.ceil(blocks / folds);
  return { workgroups: [Math.ceil(N / (tile.wgX * tile.tn)), rowBlocks, splits * folds], rowBlocks };
}

export function matmulDispatch(ctx: KernelContext, req: MatmulRequest): Promise<Dispatch> {
  const tile = typeof req.tile === 'string' ? MATMUL_TILES[req.tile] : req.tile;
  const { out, dz } = req;
  const act = out.kind === 'activation' ? out.act : dz?.act;
  if ((req.lhs.kind === 'dz' || req.rhs.kind === 'dz') && !dz) throw new Error(`${req.label}: dz operand without dz`);
  if (out.kind === 'activation' && out.act.pieces !== 1) throw new Error(`${req.label}: maxout needs the epilogue kernel`);
  const split = out.kind === 'partials' ? out : { splits: 1, kPerSplit: req.K };
  const grid = matmulGrid(req.M, req.N, tile, split.splits, maxWorkgroupsPerDimension(ctx));
  return makeDispatch(ctx, MATMUL_PROGRAM, {
    label: req.label,
    constants: {
      ACT: act?.id ?? 0,
      MAXOUT_K: act?.pieces ?? 1,
      WG_X: tile.wgX, WG_Y: tile.wgY, TM: tile.tm, TN: tile.tn, BK: tile.bk,
      LHS_DZ: req.lhs.kind === 'dz',
      LHS_T: req.lhs.kind === 'arena' && req.lhs.transposed,
      RHS_DZ: req.rhs.kind === 'dz',
      RHS_T: req.rhs.kind === 'weights' && req.rhs.transposed,
      EPILOGUE_ACT: out.kind === 'activation',
      HAS_BIAS: out.kind === 'activation' && out.biasOffset !== undefined,
      OUT_IN_ACT: out.kind === 'arena',
    },
    buffers: {
      act: req.arena,
      w: req.rhs.kind === 'weights' ? req.rhs.buffer : req.dummy,
      out: out.kind === 'buffer' || out.kind === 'partials' ? out.buffer : req.dummy,
      small: req.small,
    },
    uniforms: {
      M: req.M, N: req.N, K: req.K, k_per_split: split.kPerSplit,
      lhs_off: req.lhs.kind === 'arena' ? req.lhs.offset : 0,
      rhs_off: req.rhs.kind === 'weights' ? req.rhs.offset : 0,
      out_off: out.kind === 'activation' ? out.zOffset : out.kind === 'partials' ? 0 : out.offset,
      out2_off: out.kind === 'activation' ? out.aOffset : 0,
      dz_da_off: dz?.daOffset ?? 0, dz_z_off: dz?.zOffset ?? 0, dz_units: dz?.units ?? 0,
      bias_off: out.kind === 'activation' ? out.biasOffset ?? 0 : 0,
      alpha_off: out.kind === 'activation' ? out.alphaOffset : dz?.alphaOffset ?? 0,
      slope: act?.param ?? 0, splits: split.splits, row_blocks: grid.rowBlocks,
    },
    workgroups: grid.workgroups,
    reads: req.reads,
    writes: req.writes,
  });
}
