import code from '../../shaders/bias_grad.wgsl?raw';
import type { ActivationSpec } from '../model/activations';
import { ACTIVATIONS_WGSL, DZ_WGSL } from './includes';
import { defineProgram, foldWorkgroups, makeDispatch, type Dispatch, type KernelContext } from './program';

/** bias_grad.wgsl: db = column sums of dZ, and PReLU's dalpha. */
export const BIAS_GRAD_PROGRAM = defineProgram({
  name: 'bias_grad',
  shader: { file: 'bias_grad.wgsl', code, includes: [ACTIVATIONS_WGSL, DZ_WGSL] },
  bindings: { params: 'uniform', act: 'storage', small: 'read-only-storage' },
  uniform: {
    struct: 'BiasGradParams',
    fields: { rows: 'u32', units: 'u32', da_off: 'u32', z_off: 'u32', alpha_off: 'u32', db_off: 'u32', dalpha_off: 'u32', slope: 'f32' },
  },
});

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

/** One thread per unit. */
export function biasGradDispatch(ctx: KernelContext, req: BiasGradRequest): Promise<Dispatch> {
  return makeDispatch(ctx, BIAS_GRAD_PROGRAM, {
    label: req.label,
    constants: { ACT: req.act.id, MAXOUT_K: req.act.pieces, HAS_BIAS: req.dbOffset !== undefined },
    buffers: { act: req.arena, small: req.small },
    uniforms: {
      rows: req.rows, units: req.units, da_off: req.daOffset, z_off: req.zOffset, alpha_off: req.alphaOffset,
      db_off: req.dbOffset ?? 0, dalpha_off: req.dalphaOffset ?? 0, slope: req.act.param,
    },
    workgroups: foldWorkgroups(ctx, Math.ceil(req.units / 256)),
    reads: req.reads,
    writes: req.writes,
  });
}
