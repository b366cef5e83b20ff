// The orthogonal initialisation (Saxe et al. 2013) on the GPU: Philox normals scaled so the
// largest singular value is about 1, then Newton-Schulz iterations built from the engine's own
// matmul (matmul_outer.wgsl, strided operands) and scale_add.wgsl:
//   rows >= cols: S = X^T X, X <- 1.5 X - 0.5 X S   (the columns become orthonormal)
//   rows <  cols: S = X X^T, X <- 1.5 X - 0.5 S X   (the rows become orthonormal)
// Each iteration maps a singular value s to 1.5 s - 0.5 s^3: small ones grow by 1.5x, those near 1
// converge quadratically; then W = gain X.
import { outerDispatch } from '../kernels/matmulOuter';
import type { Dispatch, KernelContext } from '../kernels/program';
import { scaleAddDispatch } from '../kernels/scaleAdd';

/** Iterations for a rows x cols matrix: enough 1.5x growth for the smallest singular value of a
 *  square Gaussian matrix (about 1/(2n) of the largest), and a margin for the quadratic phase. */
export function orthogonalIterations(rows: number, cols: number): number {
  return Math.ceil(Math.log(4 * Math.max(rows, cols)) / Math.log(1.5)) + 10;
}

export interface OrthogonalRequest {
  label: string;
  /** The Philox normals to orthogonalise, [rows x cols] at offset 0; overwritten. */
  W: GPUBuffer;
  rows: number;
  cols: number;
  gain: number;
  /** Scratch: min(rows, cols)^2 floats (the Gram matrix) and rows x cols floats (the product). */
  gram: GPUBuffer;
  product: GPUBuffer;
  dummy: GPUBuffer;
}

export async function orthogonalDispatches(ctx: KernelContext, req: OrthogonalRequest): Promise<Dispatch[]> {
  const { W, rows: r, cols: c, gram, product } = req;
  const out: Dispatch[] = [];
  const tall = r >= c;
  const n = tall ? c : r;
  const w = req.label;
  const gramOperands = tall
    // S[m, n'] = sum_k W[k, m] W[k, n']: L(k, m) = W[k, m], R(k, n') = W[k, n'].
    ? { lhs: { buffer: W, offset: 0, kStride: c, iStride: 1 }, rhs: { buffer: W, offset: 0, kStride: c, iStride: 1 }, K: r }
    // S[m, n'] = sum_k W[m, k] W[n', k].
    : { lhs: { buffer: W, offset: 0, kStride: 1, iStride: c }, rhs: { buffer: W, offset: 0, kStride: 1, iStride: c }, K: c };
  const productOperands = tall
    // P = X S: L(k, m) = W[m, k], R(k, n') = S[k, n'].
    ? { lhs: { buffer: W, offset: 0, kStride: 1, iStride: c }, rhs: { buffer: gram, offset: 0, kStride: n, iStride: 1 }, K: c }
    // P = S X: L(k, m) = S[m, k], R(k, n') = W[k, n'].
    : { lhs: { buffer: gram, offset: 0, kStride: 1, iStride: n }, rhs: { buffer: W, offset: 0, kStride: c, iStride: 1 }, K: r };
  for (let i = 0; i < orthogonalIterations(r, c); i++) {
    out.push(await outerDispatch(ctx, { label: `${w} orthogonal ${i}: Gram`, M: n, N: n, K: gramOperands.K, lhs: gramOperands.lhs,
      rhs: gramOperands.rhs, out: gram, outOffset: 0, reads: [w], writes: [`${w} Gram`] }));
    out.push(await outerDispatch(ctx, { label: `${w} orthogonal ${i}: product`, M: r, N: c, K: productOperands.K, lhs: productOperands.lhs,
      rhs: productOperands.rhs, out: product, outOffset: 0, reads: [w, `${w} Gram`], writes: [`${w} product`] }));
    out.push(await scaleAddDispatch(ctx, { label: `${w} orthogonal ${i}: step`, count: r * c, x: W, xOffset: 0, a: 1.5,
      y: { buffer: product, offset: 0, b: -0.5 }, dummy: req.dummy, reads: [w, `${w} product`], writes: [w] }));
  }
  if (req.gain !== 1) {
    out.push(await scaleAddDispatch(ctx, { label: `${w} orthogonal gain`, count: r * c, x: W, xOffset: 0, a: req.gain, dummy: req.dummy,
      reads: [w], writes: [w] }));
  }
  return out;
}
