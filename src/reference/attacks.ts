// Float64 references of the attacks and maps of design.md section 10, from the float64 input
// gradient: FGSM x' = clip(x + eps sign(dL/dx)), PGD (steps of stepSize sign(dL/dx), each projected
// onto the eps-ball around x and the bounds), the saliency map max over channels |dS_c/dx| (x in
// the data's units, the net reading (x - mean) / std), and class models (gradient ascent on
// S_c - lambda |I|^2 in the net's units).
import { referenceInputGradient } from './inputGradient';
import { referenceLayersForward, type ReferenceLayer } from './layers';

/** The data's bounds and the map to the net's input (mean per feature or one number, one std). */
export interface ReferenceAttackSetup { bounds: [number, number]; mean: number | ArrayLike<number>; std: number }

function lossGradient(layers: ReferenceLayer[], x: ArrayLike<number>, labels: ArrayLike<number>, s: ReferenceAttackSetup): Float64Array {
  const rows = labels.length;
  const features = x.length / rows;
  const m = (i: number) => (typeof s.mean === 'number' ? s.mean : s.mean[i % features]);
  const xNet = Float64Array.from(x, (v, i) => (v - m(i)) / s.std);
  return referenceInputGradient(layers, rows, xNet, { kind: 'cross_entropy', classes: labels }).map((g) => g / s.std);
}

const clip = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));

/** FGSM: x + eps sign(dL/dx) per row (its own cross-entropy), clipped to the bounds. */
export function referenceFgsm(layers: ReferenceLayer[], x: ArrayLike<number>, labels: ArrayLike<number>, eps: number, s: ReferenceAttackSetup): Float64Array {
  const g = lossGradient(layers, x, labels, s);
  return Float64Array.from(x, (v, i) => clip(v + eps * Math.sign(g[i]), s.bounds[0], s.bounds[1]));
}

/** PGD: `steps` steps of stepSize sign(dL/dx) from x, each projected onto |x' - x| <= eps and the bounds. */
export function referencePgd(layers: ReferenceLayer[], x: ArrayLike<number>, labels: ArrayLike<number>, eps: number, steps: number, stepSize: number,
  s: ReferenceAttackSetup): Float64Array {
  let adv = Float64Array.from(x);
  for (let k = 0; k < steps; k++) {
    const g = lossGradient(layers, adv, labels, s);
    adv = adv.map((v, i) => clip(clip(v + stepSize * Math.sign(g[i]), x[i] - eps, x[i] + eps), s.bounds[0], s.bounds[1]));
  }
  return adv;
}

/** max over channels of |dS_c/dx| per pixel, rows x plane, for rows of channels x plane values. */
export function referenceSaliency(layers: ReferenceLayer[], x: ArrayLike<number>, classes: ArrayLike<number>, channels: number, s: ReferenceAttackSetup): Float64Array {
  const rows = classes.length;
  const plane = x.length / rows / channels;
  const m = (i: number) => (typeof s.mean === 'number' ? s.mean : s.mean[i % (channels * plane)]);
  const xNet = Float64Array.from(x, (v, i) => (v - m(i)) / s.std);
  const g = referenceInputGradient(layers, rows, xNet, { kind: 'class', classes });
  const out = new Float64Array(rows * plane);
  for (let r = 0; r < rows; r++) for (let c = 0; c < channels; c++) for (let p = 0; p < plane; p++) {
    out[r * plane + p] = Math.max(out[r * plane + p], Math.abs(g[(r * channels + c) * plane + p] / s.std));
  }
  return out;
}

/** Class models: from `start` (one row, the net's units), `steps` steps of
 *  I += stepSize (dS_c/dI - 2 lambda I) for each class; the images (rows in `classes`' order) and
 *  each class's score on its image after every step (index 0: the start). */
export function referenceClassModels(layers: ReferenceLayer[], start: ArrayLike<number>, classes: number[], steps: number, stepSize: number,
  lambda: number): { images: Float64Array; scores: number[][] } {
  const rows = classes.length;
  const features = start.length;
  let images = new Float64Array(rows * features);
  for (let r = 0; r < rows; r++) images.set(Float64Array.from(start), r * features);
  const scoresOf = (x: Float64Array) => {
    const s = referenceLayersForward(layers, rows, x).A.at(-1) as Float64Array;
    const outputs = s.length / rows;
    return classes.map((c, r) => s[r * outputs + c]);
  };
  const scores = [scoresOf(images)];
  for (let t = 0; t < steps; t++) {
    const g = referenceInputGradient(layers, rows, images, { kind: 'class', classes: Int32Array.from(classes) });
    images = images.map((v, i) => v + stepSize * (g[i] - 2 * lambda * v));
    scores.push(scoresOf(images));
  }
  return { images, scores };
}
