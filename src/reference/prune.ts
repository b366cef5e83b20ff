// Float64 reference of magnitude pruning (the lottery ticket, design.md section 9): of the
// entries a mask keeps, the k = round(fraction n) with the smallest |W| are removed; ties are
// broken by index (the lower goes first), so exactly k go.

/** The mask after pruning `fraction` of the kept entries of W (mask: 1 keep, 0 pruned). */
export function referencePrune(W: ArrayLike<number>, mask: ArrayLike<number>, fraction: number): Uint8Array {
  const kept: number[] = [];
  for (let i = 0; i < W.length; i++) if (mask[i]) kept.push(i);
  const k = Math.round(fraction * kept.length);
  kept.sort((a, b) => Math.abs(W[a]) - Math.abs(W[b]) || a - b);
  const out = Uint8Array.from(mask, (v) => (v ? 1 : 0));
  for (const i of kept.slice(0, k)) out[i] = 0;
  return out;
}

/** Fixup's factor on the kaiming draw of a block's non-last branch layer (Zhang et al. 2019):
 *  L^(-1/(2m-2)) for L blocks of m layers (design.md section 9). */
export const referenceFixupFactor = (blocks: number, layersPerBlock: number): number => blocks ** (-1 / (2 * layersPerBlock - 2));

/** Sussillo & Abbott (2014)'s gain for width n (issue 18's formulas): exp(1/(2n)) linear, sqrt(2) exp(1.2/(max(n, 6) - 2.4)) ReLU. */
export const referenceRandomWalkGain = (n: number, relu: boolean): number => (relu ? Math.sqrt(2) * Math.exp(1.2 / (Math.max(n, 6) - 2.4)) : Math.exp(1 / (2 * n)));
