import type { MLPSpec } from './options';

/** Where every tensor of the net lives. Offsets are in f32 elements.
 *  arena: X, and per layer Z, A, dA (gradient of A), db, dalpha; plus dX. Everything small and
 *  per-step lives here, so one stats batch can address all of it.
 *  small: per layer b and PReLU alpha (parameters). W and dW have a buffer per layer. */
export interface LayerLayout {
  din: number;
  units: number;
  /** Columns of W and Z: units * maxout pieces. */
  cols: number;
  z: number;
  a: number;
  da: number;
  db?: number;
  dalpha?: number;
  bias?: number;
  alpha?: number;
  weightCount: number;
}

export interface NetLayout {
  x: number;
  dx: number;
  layers: LayerLayout[];
  arenaFloats: number;
  smallFloats: number;
}

export function layoutNet(spec: MLPSpec): NetLayout {
  const B = spec.batch;
  let arena = 0;
  let small = 0;
  const take = (n: number) => { const at = arena; arena += n; return at; };
  const x = take(B * spec.dims[0]);
  const dx = take(B * spec.dims[0]);
  const layers: LayerLayout[] = [];
  for (let l = 0; l < spec.layers; l++) {
    const din = spec.dims[l];
    const units = spec.dims[l + 1];
    const cols = units * spec.activation.pieces;
    const layer: LayerLayout = { din, units, cols, z: take(B * cols), a: take(B * units), da: take(B * units), weightCount: din * cols };
    if (spec.biasInit !== undefined) {
      layer.db = take(cols);
      layer.bias = small; small += cols;
    }
    if (spec.activation.name === 'prelu') {
      layer.dalpha = take(units);
      layer.alpha = small; small += units;
    }
    layers.push(layer);
  }
  return { x, dx, layers, arenaFloats: arena, smallFloats: Math.max(small, 4) };
}

/** The activation feeding layer l: X for layer 0, else A_{l-1}. */
export function inputOffset(layout: NetLayout, l: number): number {
  return l === 0 ? layout.x : layout.layers[l - 1].a;
}

/** Where dL/d(input of layer l) goes: dX for layer 0, else dA_{l-1}. */
export function inputGradOffset(layout: NetLayout, l: number): number {
  return l === 0 ? layout.dx : layout.layers[l - 1].da;
}
