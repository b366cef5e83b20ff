import { invalid, refuseUnknownKeys } from './errors';

/** Activation ids shared with shaders/activations.wgsl. */
export const ACTIVATION_IDS = {
  linear: 0, sigmoid: 1, tanh: 2, relu: 3, leaky_relu: 4, prelu: 5, elu: 6, selu: 7, gelu: 8,
  gelu_tanh: 9, silu: 10, maxout: 11,
} as const;

/** The name of an activation function of design.md. */
export type ActivationName = keyof typeof ACTIVATION_IDS;
/** Every activation function, by name. */
export const ACTIVATION_NAMES = Object.keys(ACTIVATION_IDS) as ActivationName[];

/** An activation: a name, or an object with its parameter (leaky_relu slope, elu / prelu alpha, maxout k). */
export type ActivationOption =
  | ActivationName
  | { name: 'leaky_relu'; slope?: number }
  | { name: 'prelu'; alpha?: number }
  | { name: 'elu'; alpha?: number }
  | { name: 'maxout'; k?: number }
  | { name: ActivationName };

export interface ActivationSpec {
  name: ActivationName;
  id: number;
  /** leaky_relu slope, elu alpha, prelu's initial alpha; 0 where unused. */
  param: number;
  /** Maxout pieces per unit; 1 for every other activation. */
  pieces: number;
  /** Largest |f'(z)|, the yardstick of "saturated" (|f'| < 1% of it). PReLU's is per unit. */
  maxSlope: number;
}

/** The identity, as the spec of a layer without an activation (the output layer, a linear pass). */
export const LINEAR: ActivationSpec = { name: 'linear', id: ACTIVATION_IDS.linear, param: 0, pieces: 1, maxSlope: 1 };

// max over z of f'(z) for gelu (at z = sqrt 2) and silu (at z ~ 2.3994); gelu_tanh within 1e-3 of gelu's.
const GELU_MAX_SLOPE = 1.1289978;
const GELU_TANH_MAX_SLOPE = 1.1289685;
const SILU_MAX_SLOPE = 1.0998393;
const SELU_LAMBDA = 1.0507009873554805;
const SELU_ALPHA = 1.6732632423543772;

function finiteNumber(where: string, field: string, v: unknown, fallback: number): number {
  if (v === undefined) return fallback;
  if (typeof v !== 'number' || !Number.isFinite(v)) throw invalid(where, field, v, 'a finite number');
  return v;
}

/** Reads an activation option; `field` names it in refusals ('activation', 'output'). */
export function parseActivation(option: unknown, where = 'createMLP', field = 'activation'): ActivationSpec {
  const record = typeof option === 'object' && option !== null ? option as Record<string, unknown> : undefined;
  const name = typeof option === 'string' ? option : record?.name;
  if (typeof name !== 'string' || !(name in ACTIVATION_IDS)) {
    throw invalid(where, field, typeof option === 'string' || !record ? option : record.name,
      `one of ${ACTIVATION_NAMES.join(', ')} (or { name, slope | alpha | k })`);
  }
  const act = name as ActivationName;
  const allowed: Record<string, string[]> = { leaky_relu: ['slope'], prelu: ['alpha'], elu: ['alpha'], maxout: ['k'] };
  refuseUnknownKeys(where, field, record ?? {}, ['name', ...(allowed[act] ?? [])], `absent: ${act} takes ${allowed[act]?.join(', ') || 'no parameters'}`);
  const spec: ActivationSpec = { name: act, id: ACTIVATION_IDS[act], param: 0, pieces: 1, maxSlope: 1 };
  switch (act) {
    case 'leaky_relu':
      spec.param = finiteNumber(where, `${field}.slope`, record?.slope, 0.01);
      spec.maxSlope = Math.max(1, Math.abs(spec.param));
      break;
    case 'prelu':
      spec.param = finiteNumber(where, `${field}.alpha`, record?.alpha, 0.25);
      break;
    case 'elu':
      spec.param = finiteNumber(where, `${field}.alpha`, record?.alpha, 1);
      spec.maxSlope = Math.max(1, Math.abs(spec.param));
      break;
    case 'maxout': {
      const k = record?.k ?? 2;
      if (typeof k !== 'number' || !Number.isInteger(k) || k < 2 || k > 16) {
        throw invalid(where, `${field}.k`, k, 'an integer from 2 to 16 (pieces per unit)');
      }
      spec.pieces = k;
      break;
    }
    case 'sigmoid': spec.maxSlope = 0.25; break;
    case 'selu': spec.maxSlope = SELU_LAMBDA * SELU_ALPHA; break;
    case 'gelu': spec.maxSlope = GELU_MAX_SLOPE; break;
    case 'gelu_tanh': spec.maxSlope = GELU_TANH_MAX_SLOPE; break;
    case 'silu': spec.maxSlope = SILU_MAX_SLOPE; break;
    default: break;
  }
  return spec;
}
