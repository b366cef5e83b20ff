import { packUniform } from '../gpu/buffers';
import type { ActivationSpec } from './activations';
import { bindGroup, foldWorkgroups, type Dispatch, type KernelContext } from './dispatch';

export interface DzStoreRequest {
  label: string;
  rows: number;
  units: number;
  act: ActivationSpec;
  daOffset: number;
  zOffset: number;
  alphaOffset: number;
  arena: GPUBuffer;
  small: GPUBuffer;
  /** Receives dZ, [rows x units * pieces] at offset 0. */
  out: GPUBuffer;
  reads: string[];
  writes: string[];
}

/** dz_store.wgsl: dZ = dA * f'(Z) into a scratch buffer, one thread per element. */
export async function dzStoreDispatch(ctx: KernelContext, req: DzStoreRequest): Promise<Dispatch> {
  const { pipeline, layout, key } = await ctx.pipelines.get('dz_store', 'main', { ACT: req.act.id, MAXOUT_K: req.act.pieces },
    ['uniform', 'read-only-storage', 'read-only-storage', 'storage']);
  const cols = req.units * req.act.pieces;
  const uniform = ctx.pool.uniform(`${req.label} params`, packUniform([
    req.rows, cols, req.units, req.daOffset, req.zOffset, req.alphaOffset, { f32: req.act.param }, 0,
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
