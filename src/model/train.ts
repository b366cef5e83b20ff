// Training options (design.md section 6), their validation, the learning-rate schedule, and the
// layout of the per-step parameter words every training kernel reads (injected into the WGSL).
import { invalid, refuseUnknownKeys } from './errors';

/** The loss: softmax cross-entropy with integer labels, or mean squared error with float targets. */
export type LossName = 'cross_entropy' | 'mse';

/** An optimiser, with the update equations of torch.optim. */
export type OptimizerOption =
  | { name: 'sgd'; lr?: number; momentum?: number; nesterov?: boolean; weightDecay?: number }
  | { name: 'adam' | 'adamw'; lr?: number; betas?: [number, number]; eps?: number; weightDecay?: number };

/** A learning-rate schedule; `warmup` steps ramp the rate linearly from lr/warmup to lr. */
export type ScheduleOption =
  | { name: 'constant'; warmup?: number }
  | { name: 'step'; every: number; gamma?: number; warmup?: number }
  | { name: 'cosine'; steps: number; minLr?: number; warmup?: number }
  /** From lr to `to` geometrically over `steps` steps, then `to`: the learning-rate range test's sweep. */
  | { name: 'exponential'; to: number; steps: number; warmup?: number };

/** What `net.trainer()` takes. */
export interface TrainerOptions {
  loss?: LossName;
  optimizer?: OptimizerOption;
  schedule?: ScheduleOption;
}

export interface OptimizerSpec {
  name: 'sgd' | 'adam' | 'adamw';
  lr: number;
  momentum: number;
  nesterov: boolean;
  weightDecay: number;
  beta1: number;
  beta2: number;
  eps: number;
}

export interface ScheduleSpec { name: 'constant' | 'step' | 'cosine' | 'exponential'; every: number; gamma: number; steps: number; minLr: number; to: number; warmup: number }

export interface TrainerSpec { loss: LossName; optimizer: OptimizerSpec; schedule: ScheduleSpec }

const WHERE = 'trainer';

function number(field: string, v: unknown, fallback: number, ok: (x: number) => boolean, allowed: string): number {
  const x = v ?? fallback;
  if (typeof x !== 'number' || !Number.isFinite(x) || !ok(x)) throw invalid(WHERE, field, x, allowed);
  return x;
}

function integer(field: string, v: unknown, fallback: number, min: number): number {
  return number(field, v, fallback, (x) => Number.isInteger(x) && x >= min, `an integer >= ${min}`);
}

function record(field: string, v: unknown, example: string): Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw invalid(WHERE, field, v, example);
  return v as Record<string, unknown>;
}

export function parseOptimizer(v: unknown): OptimizerSpec {
  const o = record('optimizer', v ?? { name: 'sgd' }, "an object { name: 'sgd' | 'adam' | 'adamw', lr, ... }");
  const name = o.name;
  if (name !== 'sgd' && name !== 'adam' && name !== 'adamw') throw invalid(WHERE, 'optimizer.name', name, "'sgd', 'adam' or 'adamw'");
  refuseUnknownKeys(WHERE, 'optimizer', o, name === 'sgd' ? ['name', 'lr', 'momentum', 'nesterov', 'weightDecay', 'dampening']
    : ['name', 'lr', 'betas', 'eps', 'weightDecay']);
  const lr = number('optimizer.lr', o.lr, name === 'sgd' ? 0.1 : 1e-3, (x) => x >= 0, 'a finite number >= 0');
  const weightDecay = number('optimizer.weightDecay', o.weightDecay, name === 'adamw' ? 0.01 : 0, (x) => x >= 0, 'a finite number >= 0');
  if (name === 'sgd') {
    const momentum = number('optimizer.momentum', o.momentum, 0, (x) => x >= 0 && x < 1, 'a number in [0, 1)');
    if (o.dampening !== undefined && o.dampening !== 0) throw invalid(WHERE, 'optimizer.dampening', o.dampening, '0 (the only dampening supported)');
    const nesterov = o.nesterov ?? false;
    if (typeof nesterov !== 'boolean') throw invalid(WHERE, 'optimizer.nesterov', nesterov, 'true or false');
    if (nesterov && momentum === 0) throw invalid(WHERE, 'optimizer.nesterov', nesterov, 'false when momentum is 0 (as torch.optim.SGD)');
    return { name, lr, momentum, nesterov, weightDecay, beta1: 0, beta2: 0, eps: 0 };
  }
  const betas = o.betas ?? [0.9, 0.999];
  if (!Array.isArray(betas) || betas.length !== 2 || !betas.every((b) => typeof b === 'number' && b >= 0 && b < 1)) {
    throw invalid(WHERE, 'optimizer.betas', betas, '[beta1, beta2] with each in [0, 1)');
  }
  const eps = number('optimizer.eps', o.eps, 1e-8, (x) => x > 0, 'a finite number > 0');
  return { name, lr, momentum: 0, nesterov: false, weightDecay, beta1: betas[0] as number, beta2: betas[1] as number, eps };
}

export function parseSchedule(v: unknown): ScheduleSpec {
  const o = record('schedule', v ?? { name: 'constant' }, "an object { name: 'constant' | 'step' | 'cosine' | 'exponential', ... }");
  const name = o.name;
  if (name !== 'constant' && name !== 'step' && name !== 'cosine' && name !== 'exponential') {
    throw invalid(WHERE, 'schedule.name', name, "'constant', 'step', 'cosine' or 'exponential'");
  }
  refuseUnknownKeys(WHERE, 'schedule', o, {
    constant: ['name', 'warmup'], step: ['name', 'every', 'gamma', 'warmup'], cosine: ['name', 'steps', 'minLr', 'warmup'], exponential: ['name', 'to', 'steps', 'warmup'],
  }[name]);
  const warmup = integer('schedule.warmup', o.warmup, 0, 0);
  const none = { every: 0, gamma: 1, steps: 0, minLr: 0, to: 0 };
  if (name === 'step') {
    return { ...none, name, warmup, every: integer('schedule.every', o.every, NaN, 1), gamma: number('schedule.gamma', o.gamma, 0.1, (x) => x >= 0, 'a finite number >= 0') };
  }
  if (name === 'cosine') {
    return { ...none, name, warmup, steps: integer('schedule.steps', o.steps, NaN, 1), minLr: number('schedule.minLr', o.minLr, 0, (x) => x >= 0, 'a finite number >= 0') };
  }
  if (name === 'exponential') {
    return { ...none, name, warmup, steps: integer('schedule.steps', o.steps, NaN, 1), to: number('schedule.to', o.to, NaN, (x) => x > 0, 'a finite number > 0') };
  }
  return { ...none, name, warmup };
}

export function parseTrainerOptions(options: unknown): TrainerSpec {
  const o = record('options', options ?? {}, 'an object { loss?, optimizer?, schedule? }');
  refuseUnknownKeys(WHERE, 'options', o, ['loss', 'optimizer', 'schedule']);
  const loss = o.loss ?? 'cross_entropy';
  if (loss !== 'cross_entropy' && loss !== 'mse') throw invalid(WHERE, 'loss', loss, "'cross_entropy' or 'mse'");
  return { loss, optimizer: parseOptimizer(o.optimizer), schedule: parseSchedule(o.schedule) };
}

/** The learning rate of step t (0-based): the schedule of the base rate, times the warm-up ramp. */
export function learningRate(base: number, s: ScheduleSpec, t: number): number {
  let lr = base;
  if (s.name === 'step') lr = base * s.gamma ** Math.floor(t / s.every);
  if (s.name === 'cosine') lr = s.minLr + (base - s.minLr) * 0.5 * (1 + Math.cos(Math.PI * Math.min(t, s.steps) / s.steps));
  if (s.name === 'exponential') lr = base * (s.to / base) ** (Math.min(t, s.steps) / s.steps);
  return s.warmup > 0 && t < s.warmup ? lr * (t + 1) / s.warmup : lr;
}

/** Words of the per-step buffer (written with one queue.writeBuffer before each step's submit). */
export const STEP_FIELDS = {
  /** Learning rate of this step (f32). */
  T_LR: 0,
  /** 1 - beta1^t and 1 - beta2^t, Adam's bias corrections (f32). */
  T_BIAS1: 1,
  T_BIAS2: 2,
  /** Where this step's loss and correct count go in the metrics buffer (u32). */
  T_METRICS_SLOT: 3,
  /** First position of this batch in the permutation (u32). */
  T_BATCH_START: 4,
  /** Rows of the batch that hold data (u32; the rest of an evaluation's last batch is ignored). */
  T_VALID_ROWS: 5,
  /** The trainer's step index, 0-based (u32): with the seed and the layer, it keys dropout's mask. */
  T_STEP: 6,
  /** Words in all. */
  T_WORDS: 8,
} as const;
