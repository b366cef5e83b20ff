// The training kernels: batch gather, loss (+ dA of the output), optimiser updates. Each reads
// the step words (learning rate, bias corrections, metrics slot, batch position) whose layout is
// model/train.ts's STEP_FIELDS, injected as constants.
import gatherCode from '../../shaders/gather.wgsl?raw';
import lossCode from '../../shaders/loss.wgsl?raw';
import optimCode from '../../shaders/optim.wgsl?raw';
import { STEP_FIELDS } from '../model/train';
import type { LossName, OptimizerSpec } from '../model/train';
import { defineProgram, foldWorkgroups, makeDispatch, type Dispatch, type KernelContext } from './program';

export const GATHER_PROGRAM = defineProgram({
  name: 'gather',
  shader: { file: 'gather.wgsl', code: gatherCode, includes: [] },
  bindings: { params: 'uniform', act: 'storage', data: 'read-only-storage', targets: 'read-only-storage', perm: 'read-only-storage', step: 'read-only-storage' },
  uniform: { struct: 'GatherParams', fields: { rows: 'u32', features: 'u32', target_cols: 'u32', x_off: 'u32', t_off: 'u32' } },
});

export const LOSS_PROGRAM = defineProgram({
  name: 'loss',
  shader: { file: 'loss.wgsl', code: lossCode, includes: [] },
  bindings: { params: 'uniform', act: 'storage', metrics: 'storage', step: 'read-only-storage' },
  uniform: { struct: 'LossParams', fields: { rows: 'u32', cols: 'u32', a_off: 'u32', da_off: 'u32', t_off: 'u32', scale: 'f32' } },
});

export const OPTIM_PROGRAM = defineProgram({
  name: 'optim',
  shader: { file: 'optim.wgsl', code: optimCode, includes: [] },
  bindings: {
    params: 'uniform', param: 'storage', grad: 'read-only-storage', m: 'storage', v: 'storage', step: 'read-only-storage', delta: 'storage',
    mask: 'read-only-storage',
  },
  uniform: {
    struct: 'OptimParams',
    fields: { count: 'u32', p_off: 'u32', g_off: 'u32', momentum: 'f32', weight_decay: 'f32', beta1: 'f32', beta2: 'f32', eps: 'f32' },
  },
});

const step = (names: Array<keyof typeof STEP_FIELDS>) => Object.fromEntries(names.map((n) => [n, STEP_FIELDS[n]]));

export interface GatherRequest {
  label: string; rows: number; features: number; targetCols: number; xOffset: number; tOffset: number;
  arena: GPUBuffer; data: GPUBuffer; targets: GPUBuffer; perm: GPUBuffer; step: GPUBuffer;
}

/** X and T of a batch from the dataset rows the permutation names. */
export function gatherDispatch(ctx: KernelContext, req: GatherRequest): Promise<Dispatch> {
  return makeDispatch(ctx, GATHER_PROGRAM, {
    label: req.label,
    constants: step(['T_BATCH_START', 'T_VALID_ROWS']),
    buffers: { act: req.arena, data: req.data, targets: req.targets, perm: req.perm, step: req.step },
    uniforms: { rows: req.rows, features: req.features, target_cols: req.targetCols, x_off: req.xOffset, t_off: req.tOffset },
    workgroups: foldWorkgroups(ctx, Math.ceil((req.rows * (req.features + req.targetCols)) / 64)),
    reads: ['dataset', 'permutation'],
    writes: ['X', 'T'],
  });
}

export interface LossRequest {
  label: string; loss: LossName; rows: number; cols: number; aOffset: number; daOffset: number; tOffset: number;
  arena: GPUBuffer; metrics: GPUBuffer; step: GPUBuffer; reads: string[]; writes: string[];
}

/** The batch's loss and correct count into the metrics, and dL/dA of the output. */
export function lossDispatch(ctx: KernelContext, req: LossRequest): Promise<Dispatch> {
  return makeDispatch(ctx, LOSS_PROGRAM, {
    label: req.label,
    entryPoint: req.loss,
    constants: step(['T_METRICS_SLOT', 'T_VALID_ROWS']),
    buffers: { act: req.arena, metrics: req.metrics, step: req.step },
    uniforms: {
      rows: req.rows, cols: req.cols, a_off: req.aOffset, da_off: req.daOffset, t_off: req.tOffset,
      scale: req.loss === 'cross_entropy' ? 1 / req.rows : 1 / (req.rows * req.cols),
    },
    workgroups: [1, 1, 1],
    reads: req.reads,
    writes: req.writes,
  });
}

export interface OptimRequest {
  label: string; optimizer: OptimizerSpec; count: number;
  param: GPUBuffer; paramOffset: number; grad: GPUBuffer; gradOffset: number;
  /** Momentum buffer (SGD) or first moment (Adam); second moment (Adam). */
  m: GPUBuffer; v: GPUBuffer; step: GPUBuffer;
  /** Receives the applied change (absent: not written; `dummy` is bound instead). */
  delta?: GPUBuffer; dummy: GPUBuffer;
  /** The tensor's mask (1 keep, 0 pruned); absent: nothing is masked (`grad` is bound in its place, read-only as it is). */
  mask?: GPUBuffer;
  reads: string[]; writes: string[];
}

/** One parameter tensor's update. */
export function optimDispatch(ctx: KernelContext, req: OptimRequest): Promise<Dispatch> {
  const o = req.optimizer;
  const sgd = o.name === 'sgd';
  return makeDispatch(ctx, OPTIM_PROGRAM, {
    label: req.label,
    entryPoint: sgd ? 'sgd' : 'adam',
    constants: {
      ...step(['T_LR', 'T_BIAS1', 'T_BIAS2']), MOMENTUM: o.momentum > 0, NESTEROV: o.nesterov, DECOUPLED: o.name === 'adamw',
      WRITE_DELTA: req.delta !== undefined, MASKED: req.mask !== undefined,
    },
    buffers: { param: req.param, grad: req.grad, m: req.m, v: req.v, step: req.step, delta: req.delta ?? req.dummy, mask: req.mask ?? req.grad },
    uniforms: {
      count: req.count, p_off: req.paramOffset, g_off: req.gradOffset, momentum: o.momentum, weight_decay: o.weightDecay,
      beta1: o.beta1, beta2: o.beta2, eps: o.eps,
    },
    workgroups: foldWorkgroups(ctx, Math.ceil(req.count / 64)),
    reads: req.reads,
    writes: req.writes,
  });
}
