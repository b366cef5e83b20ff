import code from '../../shaders/epilogue.wgsl?raw';
import type { ActivationSpec } from '../model/activations';
import { ACTIVATIONS_WGSL } from './includes';
import { defineProgram, foldWorkgroups, makeDispatch, type Dispatch, type KernelContext } from './program';

/** epilogue.wgsl: split-K reduction + bias + activation (+ maxout's max over pieces). */
export const EPILOGUE_PROGRAM = defineProgram({
  name: 'epilogue',
  shader: { file: 'epilogue.wgsl', code, includes: [ACTIVATIONS_WGSL] },
  bindings: { params: 'uniform', act: 'storage', part: 'read-only-storage', small: 'read-only-storage' },
  uniform: {
    struct: 'EpilogueParams',
    fields: { rows: 'u32', units: 'u32', splits: 'u32', z_off: 'u32', a_off: 'u32', bias_off: 'u32', alpha_off: 'u32', slope: 'f32' },
  },
});

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

/** Sum split-K partials (+ bias), write Z and act(Z) (max over maxout pieces). */
export function epilogueDispatch(ctx: KernelContext, req: EpilogueRequest): Promise<Dispatch> {
  return makeDispatch(ctx, EPILOGUE_PROGRAM, {
    label: req.label,
    constants: { ACT: req.act.id, MAXOUT_K: req.act.pieces, HAS_BIAS: req.biasOffset !== undefined, WRITE_Z: req.zOffset !== undefined },
    buffers: { act: req.arena, part: req.partials, small: req.small },
    uniforms: {
      rows: req.rows, units: req.units, splits: req.splits, z_off: req.zOffset ?? 0, a_off: req.aOffset,
      bias_off: req.biasOffset ?? 0, alpha_off: req.alphaOffset, slope: req.act.param,
    },
    workgroups: foldWorkgroups(ctx, Math.ceil((req.rows * req.units) / 256)),
    reads: req.reads,
    writes: req.writes,
  });
}
