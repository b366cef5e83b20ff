import code from '../../shaders/matmul_outer.wgsl?raw';
import { defineProgram, foldWorkgroups, makeDispatch, type Dispatch, type KernelContext } from './program';

/** matmul_outer.wgsl: C = L^T R through strides, barrier-free (CPU adapters). */
export const OUTER_PROGRAM = defineProgram({
  name: 'matmul_outer',
  shader: { file: 'matmul_outer.wgsl', code, includes: [] },
  bindings: { params: 'uniform', lhs: 'read-only-storage', rhs: 'read-only-storage', out: 'storage' },
  uniform: {
    struct: 'OuterParams',
    fields: {
      M: 'u32', N: 'u32', K: 'u32', m_blocks: 'u32', l_off: 'u32', l_k_stride: 'u32', l_m_stride: 'u32', r_off: 'u32',
      r_k_stride: 'u32', r_n_stride: 'u32', out_off: 'u32',
    },
  },
});

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
export function outerDispatch(ctx: KernelContext, req: OuterRequest): Promise<Dispatch> {
  const mBlocks = Math.ceil(req.M / 4);
  const { lhs, rhs } = req;
  return makeDispatch(ctx, OUTER_PROGRAM, {
    label: req.label,
    constants: {},
    buffers: { lhs: lhs.buffer, rhs: rhs.buffer, out: req.out },
    uniforms: {
      M: req.M, N: req.N, K: req.K, m_blocks: mBlocks, l_off: lhs.offset, l_k_stride: lhs.kStride, l_m_stride: lhs.iStride,
      r_off: rhs.offset, r_k_stride: rhs.kStride, r_n_stride: rhs.iStride, out_off: req.outOffset,
    },
    workgroups: foldWorkgroups(ctx, Math.ceil((mBlocks * Math.ceil(req.N / 8)) / 64)),
    reads: req.reads,
    writes: req.writes,
  });
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
