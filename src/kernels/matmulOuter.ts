import { packUniform } from '../gpu/buffers';
import { bindGroup, foldWorkgroups, type Dispatch, type KernelContext } from './dispatch';

/** A matrix operand read through strides: element (k, i) at offset + k * kStride + i * iStride. */
interface StridedOperand { buffer: GPUBuffer; offset: number; kStride: number; iStride: number }

export interface OuterRequest {
  label: string;
  M: number; N: number; K: number;
  /** L, element (k, m): forward A (strides 1, K); dW A (M, 1); dX the stored dZ (1, K). */
  lhs: StridedOperand;
  /** R, element (k, n): forward W (N, 1); dW the stored dZ (N, 1); dX W read as W^T (1, K). */
  rhs: StridedOperand;
  /** C = [M x N] row-major at outOffset. */
  out: GPUBuffer; outOffset: number;
  reads: string[];
  writes: string[];
}

/** matmul_outer.wgsl: C = L^T R without barriers, for CPU adapters; 4 x 8 outputs per thread. */
export async function outerDispatch(ctx: KernelContext, req: OuterRequest): Promise<Dispatch> {
  const { pipeline, layout, key } = await ctx.pipelines.get('matmul_outer', 'main', {},
    ['uniform', 'read-only-storage', 'read-only-storage', 'storage']);
  const mBlocks = Math.ceil(req.M / 4);
  const { lhs, rhs } = req;
  const uniform = ctx.pool.uniform(`${req.label} params`, packUniform([req.M, req.N, req.K, mBlocks,
    lhs.offset, lhs.kStride, lhs.iStride, rhs.offset, rhs.kStride, rhs.iStride, req.outOffset, 0]));
  return {
    label: req.label,
    kernel: key,
    pipeline,
    bindGroup: bindGroup(ctx, req.label, layout, [uniform, lhs.buffer, rhs.buffer, req.out]),
    workgroups: foldWorkgroups(Math.ceil((mBlocks * Math.ceil(req.N / 8)) / 64)),
    reads: req.reads,
    writes: req.writes,
    owned: [uniform],
  };
}

type Region = { buffer: GPUBuffer; offset: number };

/** The operands of the step's three products (see matmul_outer.wgsl's header). */
export const outerOperands = {
  /** Z = A W: A [M x K], W [K x N]. */
  forward: (N: number, K: number, a: Region, w: Region) =>
    ({ lhs: { ...a, kStride: 1, iStride: K }, rhs: { ...w, kStride: N, iStride: 1 } }),
  /** dW = A^T dZ: A [K x M], dZ [K x N] (K = batch). */
  weightGrad: (M: number, N: number, a: Region, dz: Region) =>
    ({ lhs: { ...a, kStride: M, iStride: 1 }, rhs: { ...dz, kStride: N, iStride: 1 } }),
  /** dX = dZ W^T: dZ [M x K], W [N x K]. */
  inputGrad: (K: number, dz: Region, w: Region) =>
    ({ lhs: { ...dz, kStride: 1, iStride: K }, rhs: { ...w, kStride: 1, iStride: K } }),
};
