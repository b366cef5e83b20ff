import { invalid } from './errors';

/** Every weight initialisation of design.md, by name. */
export const INIT_NAMES = ['zeros', 'constant', 'small', 'normal', 'xavier', 'glorot', 'glorot_uniform', 'kaiming', 'lecun', 'orthogonal', 'lsuv',
  'random_walk', 'fixup'] as const;
/** The name of a weight initialisation. */
export type InitName = typeof INIT_NAMES[number];
/** A weight initialisation: a name, or `{ name: 'normal', std }` / `{ name: 'constant', value }`. */
export type InitOption = InitName | { name: 'normal'; std: number } | { name: 'constant'; value: number } | { name: 'orthogonal'; gain?: number } | { name: InitName };

export interface InitSpec { name: InitName; std?: number; value?: number; gain?: number }

/** How one weight matrix is filled: mode 0 constant, 1 normal(0, scale^2), 2 uniform(-scale, scale). */
export interface InitRule { mode: 0 | 1 | 2; scale: number; value: number }

export function parseInit(option: unknown, where = 'createMLP', field = 'init'): InitSpec {
  const record = typeof option === 'object' && option !== null ? option as Record<string, unknown> : undefined;
  const name = typeof option === 'string' ? option : record?.name;
  if (typeof name !== 'string' || !(INIT_NAMES as readonly string[]).includes(name)) {
    throw invalid(where, field, typeof option === 'string' || !record ? option : record.name,
      `one of ${INIT_NAMES.join(', ')} (or { name: 'normal', std } / { name: 'constant', value } / { name: 'orthogonal', gain })`);
  }
  const spec: InitSpec = { name: name as InitName };
  if (name === 'normal') {
    const std = record?.std ?? 0.05;
    if (typeof std !== 'number' || !Number.isFinite(std) || std < 0) throw invalid(where, `${field}.std`, std, 'a finite number >= 0');
    spec.std = std;
  }
  if (name === 'orthogonal' || name === 'lsuv') {
    const gain = record?.gain ?? 1;
    if (typeof gain !== 'number' || !Number.isFinite(gain) || gain <= 0) throw invalid(where, `${field}.gain`, gain, 'a finite number > 0');
    spec.gain = gain;
  }
  if (name === 'constant') {
    const value = record?.value ?? 0;
    if (typeof value !== 'number' || !Number.isFinite(value)) throw invalid(where, `${field}.value`, value, 'a finite number');
    spec.value = value;
  }
  return spec;
}

/** Sussillo & Abbott (2014)'s gain for a layer of width n: exp(1 / (2n)) for a linear net,
 *  sqrt(2) exp(1.2 / (max(n, 6) - 2.4)) for ReLU, so the log of a backpropagated error's norm
 *  does a random walk without drift. Activations other than relu get the linear gain. */
export function randomWalkGain(n: number, activation: string): number {
  return activation === 'relu' ? Math.SQRT2 * Math.exp(1.2 / (Math.max(n, 6) - 2.4)) : Math.exp(1 / (2 * n));
}

/** design.md's table: fanIn = Din (rows of W), fanOut = columns of W; `activation` the layer's
 *  (random_walk's gain depends on it). Fixup draws kaiming here; the net then zeroes and scales
 *  the blocks' layers (net/initialize.ts). */
export function initRule(spec: InitSpec, fanIn: number, fanOut: number, activation = 'linear'): InitRule {
  switch (spec.name) {
    case 'zeros': return { mode: 0, scale: 0, value: 0 };
    case 'constant': return { mode: 0, scale: 0, value: spec.value ?? 0 };
    case 'small': return { mode: 1, scale: 0.01, value: 0 };
    case 'normal': return { mode: 1, scale: spec.std ?? 0.05, value: 0 };
    case 'xavier':
    case 'lecun': return { mode: 1, scale: Math.sqrt(1 / fanIn), value: 0 };
    case 'glorot': return { mode: 1, scale: Math.sqrt(2 / (fanIn + fanOut)), value: 0 };
    case 'glorot_uniform': return { mode: 2, scale: Math.sqrt(6 / (fanIn + fanOut)), value: 0 };
    case 'kaiming':
    case 'fixup': return { mode: 1, scale: Math.sqrt(2 / fanIn), value: 0 };
    case 'random_walk': return { mode: 1, scale: randomWalkGain(fanIn, activation) / Math.sqrt(fanIn), value: 0 };
    // Normals scaled so the largest singular value is about 1, where the orthogonalising
    // iteration (scheduler/orthogonal.ts) converges.
    case 'orthogonal':
    case 'lsuv': return { mode: 1, scale: 1 / (Math.sqrt(fanIn) + Math.sqrt(fanOut)), value: 0 };
  }
}
