import code from '../../shaders/conv_gemm.wgsl?raw';
import type { ActivationSpec } from '../model/activations';
import type { ConvShape } from '../model/net';
import { ACTIVATIONS_WGSL, CONV_SHAPE_WGSL } from './includes';
import { chooseSplits, matmulGrid, MATMUL_TILES, type MatmulTile } from './matmul';
import { defineProgram, makeDispatch, maxWorkgroupsPerDimension, type Dispatch, type KernelContext } from './program';

/** conv_gemm.wgsl: conv forward, dX and dW as implicit GEMMs with workgroup-shared tiles (GPU adapters). */
export const CONV_GEMM_PROGRAM = defineProgram({
  name: 'conv-gemm',
  shader: { file: 'conv_gemm.wgsl', code, includes: [ACTIVATIONS_WGSL, CONV_SHAPE_WGSL] },
  bindings: { params: 'uniform', act: 'storage', small: 'read-only-storage', weights: 'read-only-storage', dz: 'read-only-storage', part: 'storage' },
  uniform: {
    struct: 'ConvGemmParams',
    fields: { batch: 'u32', x_off: 'u32', z_off: 'u32', a_off: 'u32', bias_off: 'u32', splits: 'u32', k_per_split: 'u32', row_blocks: 'u32', slope: 'f32' },
  },
});

/** The three GEMMs of a conv layer, conv_gemm.wgsl's MODE. */
export const CONV_GEMM_MODES = { forward: 0, inputGrad: 1, weightGrad: 2 } as const;
export type ConvGemmMode = keyof typeof CONV_GEMM_MODES;

/** Tiles: the matmul's, and one for the few filters or channels early layers have (LeNet-5's 6 and
 *  16, an RGB input's 3), where a 64-column tile would compute mostly zeros: 128 x 16 outputs. */
export const CONV_TILES = {
  narrow: { wgX: 4, wgY: 32, tm: 4, tn: 4, bk: 16 },
  short: MATMUL_TILES.short,
  square: MATMUL_TILES.square,
} satisfies Record<string, MatmulTile>;

/** The GEMM's sizes for a batch: rows M, columns N, reduction K (conv_gemm.wgsl's header). */
export function convGemmSize(s: ConvShape, mode: ConvGemmMode, hasBias: boolean): { M: number; N: number; K: number } {
  const taps = s.cin * s.kh * s.kw;
  const positions = s.batch * s.ho * s.wo;
  if (mode === 'forward') return { M: positions, N: s.cout, K: taps };
  if (mode === 'inputGrad') return { M: s.batch * s.h * s.w, N: s.cin, K: s.cout * s.kh * s.kw };
  return { M: s.cout, N: taps + (hasBias ? 1 : 0), K: positions };
}

export function chooseConvTile(M: number, N: number): MatmulTile {
  if (M <= 32) return CONV_TILES.short;
  if (N <= 16) return CONV_TILES.narrow;
  return CONV_TILES.square;
}

/** The tile, and for dW the split of the positions over workgroups: matmul's split-K rule, at
 *  most `maxSplits` (the grid's z holds the splits). */
export function convGemmPlan(s: ConvShape, mode: ConvGemmMode, hasBias: boolean, maxSplits: number): { tile: MatmulTile; splits: number; kPerSplit: number } {
  const { M, N, K } = convGemmSize(s, mode, hasBias);
  const tile = chooseConvTile(M, N);
  if (mode !== 'weightGrad') return { tile, splits: 1, kPerSplit: K };
  const wanted = chooseSplits(M, N, K, tile);
  if (wanted.splits <= maxSplits) return { tile, ...wanted };
  const kPerSplit = Math.ceil(K / maxSplits / tile.bk) * tile.bk;
  return { tile, splits: Math.ceil(K / kPerSplit), kPerSplit };
}

export interface ConvGemmRequest {
  label: string;
  mode: ConvGemmMode;
  shape: ConvShape;
  act: ActivationSpec;
  hasBias: boolean;
  buffers: { act: GPUBuffer; small: GPUBuffer; weights: GPUBuffer; dz: GPUBuffer; part: GPUBuffer };
  /** Offsets in `act`: X (or dX for inputGrad), Z, A, b. */
  xOffset: number; zOffset?: number; aOffset?: number; biasOffset?: number;
  reads: string[];
  writes: string[];
}

/** One GEMM of a conv layer on GPU adapters; for weightGrad the partials conv.wgsl's reduction sums. */
export function convGemmDispatch(ctx: KernelContext, r: ConvGemmRequest): Promise<Dispatch> {
  const s = r.shape;
  const { M, N } = convGemmSize(s, r.mode, r.hasBias);
  const limit = maxWorkgroupsPerDimension(ctx);
  const { tile, splits, kPerSplit } = convGemmPlan(s, r.mode, r.hasBias, limit);
  const grid = matmulGrid(M, N, tile, splits, limit);
  return makeDispatch(ctx, CONV_GEMM_PROGRAM, {
    label: r.label,
    constants: {
      MODE: CONV_GEMM_MODES[r.mode], CIN: s.cin, H: s.h, W: s.w, COUT: s.cout, KH: s.kh, KW: s.kw, STRIDE: s.stride, PAD: s.padding,
      HO: s.ho, WO: s.wo, ACT: r.act.id, HAS_BIAS: r.hasBias, WG_X: tile.wgX, WG_Y: tile.wgY, TM: tile.tm, TN: tile.tn, BK: tile.bk,
    },
    buffers: r.buffers,
    uniforms: {
      batch: s.batch, x_off: r.xOffset, z_off: r.zOffset ?? 0, a_off: r.aOffset ?? 0, bias_off: r.biasOffset ?? 0,
      splits, k_per_split: kPerSplit, row_blocks: grid.rowBlocks, slope: r.act.param,
    },
    workgroups: grid.workgroups, reads: r.reads, writes: r.writes,
  });
}
