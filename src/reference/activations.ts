// Float64 reference of every activation (design.md table): f, f' and the largest slope. Its
// constants come from design.md, not from the engine's parser, so a wrong constant there fails.

/** The activations of design.md's table. */
export type ReferenceActivationName = 'linear' | 'sigmoid' | 'tanh' | 'relu' | 'leaky_relu' | 'prelu' | 'elu' | 'selu' | 'gelu'
  | 'gelu_tanh' | 'silu' | 'maxout';

/** An activation as the references use it: leaky_relu's slope, elu's alpha or prelu's initial
 *  alpha in `param`; maxout's pieces; the largest |f'| that "saturated" is measured against. */
export interface ReferenceActivation { name: ReferenceActivationName; param: number; pieces: number; maxSlope: number }

const SELU_LAMBDA = 1.0507009873554805;
const SELU_ALPHA = 1.6732632423543772;
/** design.md's defaults: leaky_relu slope 0.01, elu alpha 1, prelu alpha 0.25, maxout k 2. */
const DEFAULT_PARAM: Partial<Record<ReferenceActivationName, number>> = { leaky_relu: 0.01, elu: 1, prelu: 0.25 };

/** erf to ~1e-15: Maclaurin series below |x| = 3, continued fraction for erfc above. */
export function erf(x: number): number {
  const ax = Math.abs(x);
  if (ax < 3) {
    let term = ax;
    let sum = ax;
    for (let n = 1; n < 200; n++) {
      term *= -(ax * ax) / n;
      const add = term / (2 * n + 1);
      sum += add;
      if (Math.abs(add) < 1e-17 * Math.abs(sum)) break;
    }
    return Math.sign(x) * (2 / Math.sqrt(Math.PI)) * sum;
  }
  return Math.sign(x) * (1 - erfcLarge(ax));
}

/** erfc(x) for x >= 3: exp(-x^2)/sqrt(pi) / (x + (1/2)/(x + 1/(x + (3/2)/(x + ...)))). */
function erfcLarge(x: number): number {
  let f = x;
  for (let n = 60; n >= 1; n--) f = x + (n / 2) / f;
  return Math.exp(-x * x) / Math.sqrt(Math.PI) / f;
}

/** The complementary error function 1 - erf(x), accurate in the tail. */
export function erfc(x: number): number {
  return x >= 3 ? erfcLarge(x) : 1 - erf(x);
}

const sigmoid = (z: number) => (z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z)));
const phi = (z: number) => Math.exp(-0.5 * z * z) / Math.sqrt(2 * Math.PI);
const Phi = (z: number) => 0.5 * erfc(-z / Math.SQRT2);
const geluTanhU = (z: number) => Math.sqrt(2 / Math.PI) * (z + 0.044715 * z * z * z);

/** f(z); p is leaky_relu's slope, prelu's alpha of the unit, elu's alpha. */
export function activate(name: ReferenceActivationName, z: number, p: number): number {
  switch (name) {
    case 'linear': case 'maxout': return z;
    case 'sigmoid': return sigmoid(z);
    case 'tanh': return Math.tanh(z);
    case 'relu': return Math.max(z, 0);
    case 'leaky_relu': case 'prelu': return z > 0 ? z : p * z;
    case 'elu': return z > 0 ? z : p * Math.expm1(z);
    case 'selu': return SELU_LAMBDA * (z > 0 ? z : SELU_ALPHA * Math.expm1(z));
    case 'gelu': return z * Phi(z);
    case 'gelu_tanh': return 0.5 * z * (1 + Math.tanh(geluTanhU(z)));
    case 'silu': return z * sigmoid(z);
  }
}

/** f'(z), PyTorch's convention at the kinks. */
export function derivative(name: ReferenceActivationName, z: number, p: number): number {
  switch (name) {
    case 'linear': case 'maxout': return 1;
    case 'sigmoid': { const s = sigmoid(z); return s * (1 - s); }
    case 'tanh': { const t = Math.tanh(z); return 1 - t * t; }
    case 'relu': return z > 0 ? 1 : 0;
    case 'leaky_relu': case 'prelu': return z > 0 ? 1 : p;
    case 'elu': return z > 0 ? 1 : p * Math.exp(z);
    case 'selu': return SELU_LAMBDA * (z > 0 ? 1 : SELU_ALPHA * Math.exp(z));
    case 'gelu': return Phi(z) + z * phi(z);
    case 'gelu_tanh': {
      const t = Math.tanh(geluTanhU(z));
      const du = Math.sqrt(2 / Math.PI) * (1 + 3 * 0.044715 * z * z);
      return 0.5 * (1 + t) + 0.5 * z * (1 - t * t) * du;
    }
    case 'silu': { const s = sigmoid(z); return s * (1 + z * (1 - s)); }
  }
}

/** max |f'(z)| over z, found numerically: a grid over [-20, 20], then golden-section refinement. */
function largestSlope(name: ReferenceActivationName, p: number): number {
  const g = (z: number) => Math.abs(derivative(name, z, p));
  let best = -20;
  for (let z = -20; z <= 20; z += 0.01) if (g(z) > g(best)) best = z;
  let lo = best - 0.01, hi = best + 0.01;
  const r = (Math.sqrt(5) - 1) / 2;
  for (let i = 0; i < 80; i++) {
    const a = hi - r * (hi - lo), b = lo + r * (hi - lo);
    if (g(a) > g(b)) hi = b; else lo = a;
  }
  return g((lo + hi) / 2);
}

/** The reference's reading of an activation option (a name or { name, slope | alpha | k }). */
export function referenceActivation(option: string | { name: string; slope?: number; alpha?: number; k?: number }): ReferenceActivation {
  const o = typeof option === 'string' ? { name: option } : option;
  const name = o.name as ReferenceActivationName;
  const param = (name === 'leaky_relu' ? o.slope : o.alpha) ?? DEFAULT_PARAM[name] ?? 0;
  const pieces = name === 'maxout' ? o.k ?? 2 : 1;
  return { name, param, pieces, maxSlope: largestSlope(name, param) };
}
