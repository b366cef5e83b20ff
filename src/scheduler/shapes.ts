import { chooseSplits, chooseTile, MATMUL_TILES, type MatmulTileName } from '../kernels/matmul';
import { skinnyApplies, skinnySplits, skinnyTransposedApplies } from '../kernels/matmulSkinny';
import type { KernelTarget } from '../kernels/program';
import type { NetLayout } from '../model/layout';
import type { MLPSpec } from '../model/options';

export interface MatmulShape {
  M: number; N: number; K: number;
  /** 'skinny': matmul_skinny.wgsl (batch <= 32, streams W with vec4 loads); 'outer': matmul_outer.wgsl
   *  (every product on CPU adapters; dW and dX read dZ stored by dz_store.wgsl); else the tiled kernel. */
  kernel: 'skinny' | 'tiled' | 'outer';
  tile: MatmulTileName; splits: number; kPerSplit: number;
}

export interface LayerShapes { forward: MatmulShape; dx: MatmulShape; dw: MatmulShape }

function shape(M: number, N: number, K: number, allowSplit: boolean): MatmulShape {
  const tile = chooseTile(M, N);
  const { splits, kPerSplit } = allowSplit ? chooseSplits(M, N, K, MATMUL_TILES[tile]) : { splits: 1, kPerSplit: K };
  return { M, N, K, kernel: 'tiled', tile, splits, kPerSplit };
}

function inputGradShape(M: number, N: number, K: number): MatmulShape {
  if (!skinnyTransposedApplies(M, K)) return shape(M, N, K, true);
  return { M, N, K, kernel: 'skinny', tile: chooseTile(M, N), ...skinnySplits(N, K, undefined, true) };
}

function forwardShape(M: number, N: number, K: number): MatmulShape {
  if (!skinnyApplies(M, N)) return shape(M, N, K, true);
  return { M, N, K, kernel: 'skinny', tile: chooseTile(M, N), ...skinnySplits(N, K) };
}

/** The three matmuls of each layer, with their kernels, tiles and split-K factors. dW contracts
 *  over the batch only, so it is never split. On GPUs, for batch <= 32 the skinny kernels beat the
 *  tiled one (H200: 0.072 vs 0.092 ms). On CPU adapters every product uses the barrier-free
 *  outer-product kernel, and dW and dX read a stored dZ (bench/NOTES.md, change 5). */
export function layerShapes(spec: MLPSpec, layout: NetLayout, target: KernelTarget): LayerShapes[] {
  return layout.layers.map((layer) => {
    const dw = shape(layer.din, layer.cols, spec.batch, false);
    return {
      forward: target === 'cpu' ? { ...shape(spec.batch, layer.cols, layer.din, false), kernel: 'outer' } : forwardShape(spec.batch, layer.cols, layer.din),
      dx: target === 'cpu' ? { ...shape(spec.batch, layer.din, layer.cols, false), kernel: 'outer' } : inputGradShape(spec.batch, layer.din, layer.cols),
      dw: target === 'cpu' ? { ...dw, kernel: 'outer' } : dw,
    };
  });
}

/** Floats of the stored dZ the 'outer' dW and dX read (0 when no layer uses them). */
export function storedDzFloats(shapes: LayerShapes[]): number {
  return Math.max(0, ...shapes.filter((s) => s.dw.kernel === 'outer' || s.dx.kernel === 'outer').map((s) => s.dw.K * s.dw.N));
}

/** Floats of split-K partial sums the net needs (0 when nothing is split). */
export function partialFloats(shapes: LayerShapes[], maxout: boolean): number {
  let floats = 0;
  for (const s of shapes) {
    if (s.forward.splits > 1 || s.forward.kernel !== 'tiled' || maxout) floats = Math.max(floats, s.forward.splits * s.forward.M * s.forward.N);
    if (s.dx.splits > 1 || s.dx.kernel === 'skinny') floats = Math.max(floats, s.dx.splits * s.dx.M * s.dx.N);
  }
  return floats;
}
