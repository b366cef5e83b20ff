// Test harness page: exposes the engine, the float64 references and comparison helpers to
// Playwright, which runs each check inside the page (the GPU is here) and gets a summary back.
import * as initscope from '../src/index';
import * as reference from '../src/reference/index';
import * as testing from '../src/testing';

export interface Mismatch { index: number; got: number; ref: number }
export interface Comparison { ok: boolean; count: number; bad: number; worst?: Mismatch; maxAbsRef: number }

/** |got - ref| <= atol + rtol * |ref|; NaN only matches NaN, Inf only the same Inf. */
export function compare(got: ArrayLike<number>, ref: ArrayLike<number>, atol: number, rtol: number): Comparison {
  let bad = 0;
  let worst: Mismatch | undefined;
  let worstExcess = -Infinity;
  let maxAbsRef = 0;
  if (got.length !== ref.length) return { ok: false, count: got.length, bad: Math.max(got.length, ref.length), maxAbsRef };
  for (let i = 0; i < ref.length; i++) if (Number.isFinite(ref[i])) maxAbsRef = Math.max(maxAbsRef, Math.abs(ref[i]));
  for (let i = 0; i < ref.length; i++) {
    const g = got[i];
    const r = ref[i];
    let okHere: boolean;
    let excess: number;
    if (Number.isNaN(r) || Number.isNaN(g)) { okHere = Number.isNaN(r) && Number.isNaN(g); excess = okHere ? 0 : Infinity; }
    else if (!Number.isFinite(r) || !Number.isFinite(g)) { okHere = g === r; excess = okHere ? 0 : Infinity; }
    else { excess = Math.abs(g - r) - (atol + rtol * Math.abs(r)); okHere = excess <= 0; }
    if (!okHere) bad++;
    if (excess > worstExcess) { worstExcess = excess; worst = { index: i, got: g, ref: r }; }
  }
  return { ok: bad === 0, count: ref.length, bad, worst, maxAbsRef };
}

/** The tests' inputs (src/reference/testValues.ts, shared with the Node tests). */
export const randomArray = reference.nonZeroRandom;

/** A net whose parameters are random and non-zero (W ~ 2/sqrt(Din), b ~ 0.5, PReLU alpha ~ 0.5),
 *  set on the GPU, and the same net for the float64 reference. */
export function randomNet(e: initscope.Engine, o: { dims: number[]; batch: number; activation: initscope.ActivationOption; bias: boolean; seed: number }) {
  const spec = reference.referenceActivation(o.activation);
  const net = e.createMLP({ dims: o.dims, batch: o.batch, activation: o.activation, bias: o.bias, seed: o.seed });
  const W: Float32Array[] = [], b: Float32Array[] = [], alpha: Float32Array[] = [];
  for (let l = 0; l < o.dims.length - 1; l++) {
    const cols = o.dims[l + 1] * spec.pieces;
    W.push(randomArray(o.dims[l] * cols, 100 * o.seed + l, 2 / Math.sqrt(o.dims[l])));
    b.push(randomArray(cols, 200 * o.seed + l, 0.5));
    alpha.push(randomArray(o.dims[l + 1], 300 * o.seed + l, 0.5));
    void net.setParameters(l, { W: W[l], ...(o.bias ? { b: b[l] } : {}), ...(spec.name === 'prelu' ? { alpha: alpha[l] } : {}) });
  }
  return { net, refNet: { dims: o.dims, batch: o.batch, activation: spec, W, b: o.bias ? b : undefined, alpha } };
}

/** One engine per kernel choice: 'auto' is what users get (here, SwiftShader: the 'cpu' kernels);
 *  'gpu' forces the GPU kernels so they are tested on this adapter too. */
const engines = new Map<string, Promise<initscope.Engine>>();
function engine(kernels: 'auto' | 'gpu' | 'cpu' = 'auto'): Promise<initscope.Engine> {
  let e = engines.get(kernels);
  if (!e) { e = initscope.createEngine({ kernels }); engines.set(kernels, e); }
  return e;
}

const api = { initscope, reference, testing, activationSpec: reference.referenceActivation, compare, randomArray, randomNet, engine };
declare global { interface Window { harness: typeof api } }
window.harness = api;
document.getElementById('status')!.textContent = 'ready';
