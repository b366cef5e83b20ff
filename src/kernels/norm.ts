import code from '../../shaders/norm.wgsl?raw';
import type { ActivationSpec } from '../model/activations';
import { ACTIVATIONS_WGSL } from './includes';
import { defineProgram, foldWorkgroups, makeDispatch, type Dispatch, type KernelContext } from './program';

/** norm.wgsl: batch norm and layer norm (BatchNorm2d and one-group GroupNorm after a conv) with the activation fused into the output. */
export const NORM_PROGRAM = defineProgram({
  name: 'norm',
  shader: { file: 'norm.wgsl', code, includes: [ACTIVATIONS_WGSL] },
  bindings: { params: 'uniform', act: 'storage', small: 'storage' },
  uniform: {
    struct: 'NormParams',
    fields: {
      rows: 'u32', units: 'u32', x_off: 'u32', y_off: 'u32', a_off: 'u32', da_off: 'u32', dx_off: 'u32', stat_off: 'u32',
      gamma_off: 'u32', beta_off: 'u32', rmean_off: 'u32', rvar_off: 'u32', dgamma_off: 'u32', dbeta_off: 'u32', slope: 'f32',
      eps: 'f32', momentum: 'f32',
    },
  },
});

/** PyTorch's defaults for BatchNorm1d/2d, LayerNorm and GroupNorm. */
export const NORM_EPS = 1e-5;
export const BATCH_NORM_MOMENTUM = 0.1;

export type NormEntryPoint = 'batch_forward' | 'batch_backward' | 'layer_forward' | 'layer_backward' | 'layer_param_grads';

export interface NormRequest {
  label: string;
  entryPoint: NormEntryPoint;
  act: ActivationSpec;
  /** Train mode: batch statistics and running estimates updated (batch norm's forward). */
  train: boolean;
  rows: number;
  /** Units that have a gamma and beta each: a dense layer's units, a conv layer's channels. */
  units: number;
  /** Positions per unit: 1 after a dense layer, Ho x Wo after a conv. */
  plane: number;
  /** Offsets by field name (x_off, y_off, ... of NormParams); absent ones are 0. */
  offsets: Partial<Record<'x_off' | 'y_off' | 'a_off' | 'da_off' | 'dx_off' | 'stat_off' | 'gamma_off' | 'beta_off' | 'rmean_off' | 'rvar_off' | 'dgamma_off' | 'dbeta_off', number>>;
  arena: GPUBuffer;
  small: GPUBuffer;
  reads: string[];
  writes: string[];
}

/** One thread per unit (batch norm, layer norm's parameter gradients) or per row (layer norm). */
export function normDispatch(ctx: KernelContext, req: NormRequest): Promise<Dispatch> {
  const perUnit = req.entryPoint.startsWith('batch') || req.entryPoint === 'layer_param_grads';
  return makeDispatch(ctx, NORM_PROGRAM, {
    label: req.label,
    entryPoint: req.entryPoint,
    constants: { ACT: req.act.id, TRAIN: req.train, PLANE: req.plane },
    buffers: { act: req.arena, small: req.small },
    uniforms: { rows: req.rows, units: req.units, ...req.offsets, slope: req.act.param, eps: NORM_EPS, momentum: BATCH_NORM_MOMENTUM },
    workgroups: foldWorkgroups(ctx, Math.ceil((perUnit ? req.units : req.rows) / 64)),
    reads: req.reads,
    writes: req.writes,
  });
}
