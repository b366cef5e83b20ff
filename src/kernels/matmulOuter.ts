import { packUniform } from '../gpu/buffers';
import { bindGroup, foldWorkgroups, type Dispatch, type KernelContext } from './dispatch';

export interface OuterRequest {
  label: string;
  M: number; N: number; K: number;
  /** L = [K x M] at lhsOffset of `lhs` (dW: the layer input), row-major unless lhsIsMxK: then
   *  `lhs` holds the [M x K] matrix and L is its transpose (forward: A). */
  lhs: GPUBuffer; lhsOffset: number; lhsIsMxK?: boolean;
  /** R = [K x N] row-major at rhsOffset of `rhs` (dW: the stored dZ). */
  rhs: GPUBuffer; rhsOffset: number;
  out: GPUBuffer;
  reads: string[];
  writes: string[];
}

/** matmul_outer.wgsl: C = L^T R without barriers, for CPU adapters; 4 x 8 outputs per thread. */
export async function outerDispatch(ctx: KernelContext, req: OuterRequest): Promise<Dispatch> {
  const { pipeline, layout, key } = await ctx.pipelines.get('matmul_outer', 'main', {},
    ['uniform', 'read-only-storage', 'read-only-storage', 'storage']);
  const nBlocks = Math.ceil(req.N / 8);
  const uniform = ctx.pool.uniform(`${req.label} params`, packUniform([req.M, req.N, req.K, req.lhsOffset, req.rhsOffset, nBlocks,
    req.lhsIsMxK ? 1 : req.M, req.lhsIsMxK ? req.K : 1]));
  return {
    label: req.label,
    kernel: key,
    pipeline,
    bindGroup: bindGroup(ctx, req.label, layout, [uniform, req.lhs, req.rhs, req.out]),
    workgroups: foldWorkgroups(Math.ceil((Math.ceil(req.M / 4) * nBlocks) / 64)),
    reads: req.reads,
    writes: req.writes,
    owned: [uniform],
  };
}
