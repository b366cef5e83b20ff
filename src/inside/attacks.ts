// Adversarial examples (design.md section 10), in the data's own units: FGSM (Goodfellow, Shlens &
// Szegedy 2014) is one step x' = clip(x + eps sign(dL/dx)); PGD (Madry et al. 2017) takes `steps`
// steps of `stepSize` from the clean input, each projected back onto the eps-ball around x and
// into the bounds. dL/dx is each row's own cross-entropy (net.inputGradient), computed on the
// preprocessed rows; its sign in the data's units is the same (std > 0). Foolbox's names: bounds,
// preprocessing, epsilons.
import { InitscopeError } from '../model/errors';
import type { Net } from '../net/net';
import { checkPreprocessing, toData, toNet, type Preprocessing } from './preprocessing';

/** What every attack takes: the data's valid range (default [0, 1]) and the map to the net's input. */
export interface AttackOptions { bounds?: [number, number]; preprocessing?: Preprocessing }

/** PGD's steps: `steps` (default 10) of `stepSize` (default 2.5 eps / steps, Madry et al.'s rule). */
export interface PgdOptions extends AttackOptions { steps?: number; stepSize?: number }

function features(net: Net): number {
  const input = net.options.input;
  return typeof input === 'number' ? input : input.reduce((a, b) => a * b, 1);
}

function check(where: string, net: Net, x: Float32Array, eps: number, o: AttackOptions): [number, number] {
  const [lo, hi] = o.bounds ?? [0, 1];
  if (!(Number.isFinite(lo) && Number.isFinite(hi) && lo < hi)) {
    throw new InitscopeError(`${where}: bounds must be [lo, hi] with lo < hi, got ${JSON.stringify(o.bounds)}`, 'invalid-option', 'bounds');
  }
  if (!(Number.isFinite(eps) && eps >= 0)) throw new InitscopeError(`${where}: eps must be a number >= 0 (in the data's units), got ${eps}`, 'invalid-option', 'eps');
  checkPreprocessing(where, o.preprocessing, features(net));
  if (!(x instanceof Float32Array)) throw new InitscopeError(`${where}: x must be a Float32Array of rows in the data's units`, 'invalid-option', 'x');
  return [lo, hi];
}

/** sign(dL/dx) per entry, in the data's units, for every row's own cross-entropy with its label. */
async function lossSign(net: Net, x: Float32Array, labels: Int32Array | Uint32Array, o: AttackOptions): Promise<Float32Array> {
  const n = features(net);
  const g = toData(await net.inputGradient(toNet(x, n, o.preprocessing), { labels }), n, o.preprocessing);
  return g.map(Math.sign);
}

/** FGSM: x + eps sign(dL/dx), clipped to the bounds; resolves to the adversarial rows (x's layout). */
export async function fgsm(net: Net, x: Float32Array, labels: Int32Array | Uint32Array, eps: number, options: AttackOptions = {}): Promise<Float32Array> {
  const [lo, hi] = check('fgsm', net, x, eps, options);
  const s = await lossSign(net, x, labels, options);
  return x.map((v, i) => Math.min(hi, Math.max(lo, v + eps * s[i])));
}

/** PGD: from x, `steps` steps of stepSize sign(dL/dx), each projected onto |x' - x| <= eps and the bounds. */
export async function pgd(net: Net, x: Float32Array, labels: Int32Array | Uint32Array, eps: number, options: PgdOptions = {}): Promise<Float32Array> {
  const [lo, hi] = check('pgd', net, x, eps, options);
  const steps = options.steps ?? 10;
  if (!(Number.isInteger(steps) && steps >= 1)) throw new InitscopeError(`pgd: steps must be a positive integer, got ${steps}`, 'invalid-option', 'steps');
  const stepSize = options.stepSize ?? (2.5 * eps) / steps;
  if (!(Number.isFinite(stepSize) && stepSize >= 0)) throw new InitscopeError(`pgd: stepSize must be a number >= 0, got ${stepSize}`, 'invalid-option', 'stepSize');
  let adv = x.slice();
  for (let k = 0; k < steps; k++) {
    const s = await lossSign(net, adv, labels, options);
    adv = adv.map((v, i) => Math.min(hi, Math.max(lo, Math.min(x[i] + eps, Math.max(x[i] - eps, v + stepSize * s[i])))));
  }
  return adv;
}
