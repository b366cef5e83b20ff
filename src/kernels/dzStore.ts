import { packUniform } from '../gpu/buffers';
import { bindGroup, foldWorkgroups, type Dispatch, type KernelContext } from './dispatch';
import type { DzOperand } from './matmul';

export interface DzStoreRequest {
  label: string;
  rows: number;
  /** Where dA, Z (and PReLU's alpha) are, as the matmul prologue reads them. */
  dz: DzOperand;
  arena: GPUBuffer;
  small: GPUBuffer;
  /** Receives dZ, [rows x units * pieces] at offset 0. */
  out: GPUBuffer;
  reads: string[];
  writes: string[];
}

/** dz_store.wgsl: dZ = dA * f'(Z) into a scratch buffer, one thread per element. */
export async function dzStoreDispatch(ctx: KernelContext, req: DzStoreRequest): Promise<Dispatch> {
  const { dz } = req;
  const { pipeline, layout, key } = await ctx.pipelines.get('dz_store', 'main', { ACT: dz.act.id, MAXOUT_K: dz.act.pieces },
    ['uniform', 'read-only-storage', 'read-only-storage', 'storage']);
  const cols = dz.units * dz.act.pieces;
  const uniform = ctx.pool.uniform(`${req.label} params`, packUniform([
    req.rows, cols, dz.units, dz.daOffset, dz.zOffset, dz.alphaOffset, { f32: dz.act.param }, 0,
  ]));
  return {
    label: req.label,
    kernel: key,
    pipeline,
    bindGroup: bindGroup(ctx, req.label, layout, [uniform, req.arena, req.small, req.out]),
    workgroups: foldWorkgroups(Math.ceil((req.rows * cols) / 64)),
    reads: req.reads,
    writes: req.writes,
    owned: [uniform],
  };
}
