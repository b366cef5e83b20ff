import { packUniform } from '../gpu/buffers';
import { bindGroup, foldWorkgroups, type Dispatch, type KernelContext } from './dispatch';

export interface DotRequest {
  label: string;
  M: number; N: number; K: number;
  /** L = [M x K] row-major at lhsOffset of `lhs` (dX: the stored dZ). */
  lhs: GPUBuffer; lhsOffset: number;
  /** R = [N x K] row-major at rhsOffset of `rhs` (dX: W). */
  rhs: GPUBuffer; rhsOffset: number;
  /** C = [M x N] row-major at outOffset of `out` (dX: the arena). */
  out: GPUBuffer; outOffset: number;
  reads: string[];
  writes: string[];
}

/** matmul_dot.wgsl: C = L R^T without barriers, for CPU adapters; 2 x 4 outputs per thread. */
export async function dotDispatch(ctx: KernelContext, req: DotRequest): Promise<Dispatch> {
  const { pipeline, layout, key } = await ctx.pipelines.get('matmul_dot', 'main', {},
    ['uniform', 'read-only-storage', 'read-only-storage', 'storage']);
  const nBlocks = Math.ceil(req.N / 4);
  const uniform = ctx.pool.uniform(`${req.label} params`, packUniform([req.M, req.N, req.K, req.lhsOffset, req.rhsOffset, req.outOffset, nBlocks, 0]));
  return {
    label: req.label,
    kernel: key,
    pipeline,
    bindGroup: bindGroup(ctx, req.label, layout, [uniform, req.lhs, req.rhs, req.out]),
    workgroups: foldWorkgroups(Math.ceil((Math.ceil(req.M / 2) * nBlocks) / 64)),
    reads: req.reads,
    writes: req.writes,
    owned: [uniform],
  };
}
