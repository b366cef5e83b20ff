import code from '../../shaders/dropout.wgsl?raw';
import { STEP_FIELDS } from '../model/train';
import { PHILOX_WGSL } from './includes';
import { defineProgram, foldWorkgroups, makeDispatch, type Dispatch, type KernelContext } from './program';

/** dropout.wgsl: Y = X keep / (1 - p) in a training step (forward, and the same map backward). */
export const DROPOUT_PROGRAM = defineProgram({
  name: 'dropout',
  shader: { file: 'dropout.wgsl', code, includes: [PHILOX_WGSL] },
  bindings: { params: 'uniform', act: 'storage', step: 'read-only-storage' },
  uniform: { struct: 'DropoutParams', fields: { count: 'u32', x_off: 'u32', y_off: 'u32', seed: 'u32', stream: 'u32', scale: 'f32' } },
});

/** Philox streams of dropout masks: this base plus the layer's unit. */
export const STREAM_DROPOUT = 0xfffe0000;

export interface DropoutRequest {
  label: string;
  count: number;
  p: number;
  /** The trainer's step words (the step index keys the mask); absent: no entry is dropped (a copy). */
  step?: GPUBuffer;
  seed: number;
  unit: number;
  arena: GPUBuffer;
  /** Bound for `step` where nothing is dropped. */
  dummy: GPUBuffer;
  from: number;
  to: number;
  reads: string[];
  writes: string[];
}

export function dropoutDispatch(ctx: KernelContext, r: DropoutRequest): Promise<Dispatch> {
  const drop = r.step !== undefined && r.p > 0;
  return makeDispatch(ctx, DROPOUT_PROGRAM, {
    label: r.label,
    constants: { DROP: drop, T_STEP: STEP_FIELDS.T_STEP, KEEP_FROM: Math.round(r.p * 2 ** 24) },
    buffers: { act: r.arena, step: r.step ?? r.dummy },
    uniforms: { count: r.count, x_off: r.from, y_off: r.to, seed: r.seed, stream: STREAM_DROPOUT + r.unit, scale: 1 / (1 - r.p) },
    workgroups: foldWorkgroups(ctx, Math.ceil(r.count / 256)),
    reads: r.reads,
    writes: r.writes,
  });
}
