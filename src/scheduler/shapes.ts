import { chooseSplits, chooseTile, MATMUL_TILES, type MatmulTileName } from '../kernels/matmul';
import { skinnyApplies, skinnySplits, skinnyTransposedApplies } from '../kernels/matmulSkinny';
import type { KernelTarget } from '../kernels/program';
import type { DenseEntry } from '../model/layers';

export interface MatmulShape {
  M: number; N: number; K: number;
  /** 'skinny': matmul_skinny.wgsl (batch <= 32, streams W with vec4 loads); 'outer': matmul_outer.wgsl
   *  (every product on CPU adapters; dW and dX read dZ stored by dz_store.wgsl); else the tiled kernel. */
  kernel: 'skinny' | 'tiled' | 'outer';
  tile: MatmulTileName; splits: number; kPerSplit: number;
}

export interface LayerShapes { forward: MatmulShape; dx: MatmulShape; dw: MatmulShape }

/** The tiled kernel's shape for C[M x N] = A[M x K] B[K x N], split over K when `allowSplit`. */
export function tiledShape(M: number, N: number, K: number, allowSplit: boolean): MatmulShape {
  const tile = chooseTile(M, N);
  const { splits, kPerSplit } = allowSplit ? chooseSplits(M, N, K, MATMUL_TILES[tile]) : { splits: 1, kPerSplit: K };
  return { M, N, K, kernel: 'tiled', tile, splits, kPerSplit };
}

const outer = (M: number, N: number, K: number): MatmulShape => ({ ...tiledShape(M, N, K, false), kernel: 'outer' });

/** Z[M x N] = A[M x K] W[K x N]. On GPUs, for batch <= 32 the skinny kernel beats the tiled one
 *  (H200: 0.072 vs 0.092 ms); on CPU adapters every product uses the barrier-free outer-product
 *  kernel (bench/NOTES.md, change 5). */
export function forwardShape(M: number, N: number, K: number, target: KernelTarget): MatmulShape {
  if (target === 'cpu') return outer(M, N, K);
  if (!skinnyApplies(M, N)) return tiledShape(M, N, K, true);
  return { M, N, K, kernel: 'skinny', tile: chooseTile(M, N), ...skinnySplits(N, K) };
}

/** dX[M x N] = dZ[M x K] W^T, W being N x K; on CPU adapters from a stored dZ. */
export function inputGradShape(M: number, N: number, K: number, target: KernelTarget): MatmulShape {
  if (target === 'cpu') return outer(M, N, K);
  if (!skinnyTransposedApplies(M, K)) return tiledShape(M, N, K, true);
  return { M, N, K, kernel: 'skinny', tile: chooseTile(M, N), ...skinnySplits(N, K, undefined, true) };
}

/** dW[M x N] = A^T dZ over K = batch rows; it contracts over the batch only, so it is never split. */
export function weightGradShape(M: number, N: number, K: number, target: KernelTarget): MatmulShape {
  return target === 'cpu' ? outer(M, N, K) : tiledShape(M, N, K, false);
}

/** The three matmuls of a dense entry, with their kernels, tiles and split-K factors. */
export function denseShapes(e: DenseEntry, batch: number, target: KernelTarget): LayerShapes {
  const din = e.inputWidth;
  return {
    forward: forwardShape(batch, e.cols, din, target),
    dx: inputGradShape(batch, din, e.cols, target),
    dw: weightGradShape(din, e.cols, batch, target),
  };
}

/** Scratch floats a dense entry needs: split-K partial sums, and the stored dZ the 'outer' dW and dX read. */
export function denseScratch(e: DenseEntry, s: LayerShapes): { partials: number; storedDz: number } {
  let partials = 0;
  if (s.forward.splits > 1 || s.forward.kernel !== 'tiled' || e.activation.pieces > 1) partials = s.forward.splits * s.forward.M * s.forward.N;
  if (s.dx.splits > 1 || s.dx.kernel === 'skinny') partials = Math.max(partials, s.dx.splits * s.dx.M * s.dx.N);
  const storedDz = s.dw.kernel === 'outer' || s.dx.kernel === 'outer' ? s.dw.K * s.dw.N : 0;
  return { partials, storedDz };
}
