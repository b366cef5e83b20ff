import { packUniform } from '../gpu/buffers';
import type { ActivationSpec } from '../model/activations';
import { bindGroup, foldWorkgroups, type Dispatch, type KernelContext } from './dispatch';

export interface BiasGradRequest {
  label: string;
  rows: number;
  units: number;
  act: ActivationSpec;
  daOffset: number;
  zOffset: number;
  alphaOffset: number;
  /** Where db goes (units * pieces values); absent without bias. */
  dbOffset?: number;
  /** Where dalpha goes (PReLU only). */
  dalphaOffset?: number;
  arena: GPUBuffer;
  small: GPUBuffer;
  reads: string[];
  writes: string[];
}

/** bias_grad.wgsl: db = column sums of dZ, PReLU's dalpha; one thread per unit. */
export async function biasGradDispatch(ctx: KernelContext, req: BiasGradRequest): Promise<Dispatch> {
  const constants = { ACT: req.act.id, MAXOUT_K: req.act.pieces, HAS_BIAS: req.dbOffset !== undefined };
  const { pipeline, layout, key } = await ctx.pipelines.get('bias_grad', 'main', constants,
    ['uniform', 'storage', 'read-only-storage']);
  const uniform = ctx.pool.uniform(`${req.label} params`, packUniform([
    req.rows, req.units, req.daOffset, req.zOffset, req.alphaOffset, req.dbOffset ?? 0, req.dalphaOffset ?? 0, { f32: req.act.param },
  ]));
  return {
    label: req.label,
    kernel: key,
    pipeline,
    bindGroup: bindGroup(ctx, req.label, layout, [uniform, req.arena, req.small]),
    workgroups: foldWorkgroups(Math.ceil(req.units / 256)),
    reads: req.reads,
    writes: req.writes,
    owned: [uniform],
  };
}
