import { packUniform } from '../gpu/buffers';
import type { ActivationSpec } from '../model/activations';
import { bindGroup, foldWorkgroups, type Dispatch, type KernelContext } from './dispatch';

export interface EpilogueRequest {
  label: string;
  rows: number;
  /** Output units; the partials have units * act.pieces columns. */
  units: number;
  splits: number;
  partials: GPUBuffer;
  act: ActivationSpec;
  /** Where Z goes; absent for a plain reduction (dX). */
  zOffset?: number;
  aOffset: number;
  biasOffset?: number;
  alphaOffset: number;
  arena: GPUBuffer;
  small: GPUBuffer;
  reads: string[];
  writes: string[];
}

/** epilogue.wgsl: sum split-K partials (+ bias), write Z and act(Z) (max over maxout pieces). */
export async function epilogueDispatch(ctx: KernelContext, req: EpilogueRequest): Promise<Dispatch> {
  const constants = {
    ACT: req.act.id, MAXOUT_K: req.act.pieces, HAS_BIAS: req.biasOffset !== undefined, WRITE_Z: req.zOffset !== undefined,
  };
  const { pipeline, layout, key } = await ctx.pipelines.get('epilogue', 'main', constants,
    ['uniform', 'storage', 'read-only-storage', 'read-only-storage']);
  const uniform = ctx.pool.uniform(`${req.label} params`, packUniform([
    req.rows, req.units, req.splits, req.zOffset ?? 0, req.aOffset, req.biasOffset ?? 0, req.alphaOffset, { f32: req.act.param },
  ]));
  return {
    label: req.label,
    kernel: key,
    pipeline,
    bindGroup: bindGroup(ctx, req.label, layout, [uniform, req.arena, req.partials, req.small]),
    workgroups: foldWorkgroups(Math.ceil((req.rows * req.units) / 256)),
    reads: req.reads,
    writes: req.writes,
    owned: [uniform],
  };
}
