import { chooseSplits, chooseTile, MATMUL_TILES, type MatmulTileName } from '../kernels/matmul';
import type { NetLayout } from '../net/layout';
import type { MLPSpec } from '../net/options';

export interface MatmulShape { M: number; N: number; K: number; tile: MatmulTileName; splits: number; kPerSplit: number }

export interface LayerShapes { forward: MatmulShape; dx: MatmulShape; dw: MatmulShape }

function shape(M: number, N: number, K: number, allowSplit: boolean): MatmulShape {
  const tile = chooseTile(M, N);
  const { splits, kPerSplit } = allowSplit ? chooseSplits(M, N, K, MATMUL_TILES[tile]) : { splits: 1, kPerSplit: K };
  return { M, N, K, tile, splits, kPerSplit };
}

/** The three matmuls of each layer, with their tiles and split-K factors. dW contracts over the
 *  batch only, so it is never split. */
export function layerShapes(spec: MLPSpec, layout: NetLayout): LayerShapes[] {
  return layout.layers.map((layer) => ({
    forward: shape(spec.batch, layer.cols, layer.din, true),
    dx: shape(spec.batch, layer.din, layer.cols, true),
    dw: shape(layer.din, layer.cols, spec.batch, false),
  }));
}

/** Floats of split-K partial sums the net needs (0 when nothing is split). */
export function partialFloats(shapes: LayerShapes[], maxout: boolean): number {
  let floats = 0;
  for (const s of shapes) {
    if (s.forward.splits > 1 || maxout) floats = Math.max(floats, s.forward.splits * s.forward.M * s.forward.N);
    if (s.dx.splits > 1) floats = Math.max(floats, s.dx.splits * s.dx.M * s.dx.N);
  }
  return floats;
}
