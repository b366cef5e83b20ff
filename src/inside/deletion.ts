// The two checks that say whether a saliency map means something (the simonyan reproduction):
// the deletion test (delete each row's most salient pixels, set to the background, and watch the
// class score fall faster than when as many random pixels go) and the randomisation check of
// Adebayo et al. 2018 (a trained net's maps should not rank pixels as its re-initialised copy's
// do: Spearman's rank correlation near 0). Plain arrays, no GPU.

/** The pixels of row `row` of a map (rows of `plane` values) from the largest value to the
 *  smallest (equal values in pixel order). */
export function rankPixels(map: ArrayLike<number>, plane: number, row: number): number[] {
  return Array.from({ length: plane }, (_, p) => p).sort((a, b) => map[row * plane + b] - map[row * plane + a] || a - b);
}

/** A copy of x (rows of `plane` values) with the first `k` pixels of `order(row)` of each row set
 *  to `background`. */
export function deletePixels(x: Float32Array, plane: number, order: (row: number) => number[], k: number, background = 0): Float32Array {
  const out = x.slice();
  const rows = x.length / plane;
  for (let r = 0; r < rows; r++) for (const p of order(r).slice(0, k)) out[r * plane + p] = background;
  return out;
}

/** Spearman's rank correlation of row `row` of two maps (1: the same order, -1: reversed; ranks
 *  as rankPixels gives them, so equal values are ordered, not averaged). */
export function rankCorrelation(a: ArrayLike<number>, b: ArrayLike<number>, plane: number, row: number): number {
  const ranks = (m: ArrayLike<number>) => {
    const r = new Float64Array(plane);
    rankPixels(m, plane, row).forEach((p, i) => { r[p] = i; });
    return r;
  };
  const [ra, rb] = [ranks(a), ranks(b)];
  const mean = (plane - 1) / 2;
  let num = 0;
  let da = 0;
  let db = 0;
  for (let p = 0; p < plane; p++) { num += (ra[p] - mean) * (rb[p] - mean); da += (ra[p] - mean) ** 2; db += (rb[p] - mean) ** 2; }
  return num / Math.sqrt(da * db);
}
