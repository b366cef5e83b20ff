// The map from the data's own units (MNIST pixels in [0, 1]) to what the net reads, as Foolbox's
// `preprocessing`: x_net = (x - mean) / std, mean and std one number or one per feature. Attacks
// step and clip in the data's units (design.md section 10), the net sees the preprocessed values.
import { InitscopeError } from '../model/errors';

/** (x - mean) / std; absent: the identity. `initscope/data`'s `standardization(data)` gives MNIST's. */
export interface Preprocessing { mean?: number | ArrayLike<number>; std?: number | ArrayLike<number> }

const at = (v: number | ArrayLike<number> | undefined, i: number, fallback: number) =>
  v === undefined ? fallback : typeof v === 'number' ? v : v[i];

/** Checks the preprocessing against the row width; refusals name the field. */
export function checkPreprocessing(where: string, p: Preprocessing | undefined, features: number): void {
  for (const key of ['mean', 'std'] as const) {
    const v = p?.[key];
    if (v === undefined || typeof v === 'number') {
      if (v !== undefined && !(Number.isFinite(v) && (key === 'mean' || v > 0))) {
        throw new InitscopeError(`${where}: preprocessing.${key} must be ${key === 'std' ? 'a positive number' : 'a finite number'} or one per feature, got ${v}`, 'invalid-option', `preprocessing.${key}`);
      }
      continue;
    }
    if (v.length !== features) {
      throw new InitscopeError(`${where}: preprocessing.${key} must have one value per feature (${features}), got ${v.length}`, 'invalid-option', `preprocessing.${key}`);
    }
  }
}

/** The rows of x (data units) as the net reads them. */
export function toNet(x: Float32Array, features: number, p: Preprocessing | undefined): Float32Array {
  if (!p) return x;
  return x.map((v, i) => (v - at(p.mean, i % features, 0)) / at(p.std, i % features, 1));
}

/** A gradient with respect to the net's input as one with respect to the data's units (d x_net / d x = 1 / std). */
export function toData(g: Float32Array, features: number, p: Preprocessing | undefined): Float32Array {
  if (!p) return g;
  return g.map((v, i) => v / at(p.std, i % features, 1));
}
