// Float64 reference of training (design.md section 6): the losses with their gradient, the
// torch.optim update rules, whole training steps of a net, and the rows of each batch a
// trainer's data order gives. (Learning-rate schedules are tested against values written out
// from torch's formulas instead: a formula here would be a copy of the engine's.)
import { referenceBackward, referenceForward, type ReferenceNet } from './mlp';

/** A loss of a batch: its mean, the correct count and dL/dA of the output. */
export interface ReferenceLoss { loss: number; correct: number; dA: Float64Array }

function argmax(v: ArrayLike<number>, base: number, n: number): number {
  let best = 0;
  for (let j = 1; j < n; j++) if (v[base + j] > v[base + best]) best = j;
  return best;
}

/** Softmax cross-entropy of logits A [rows x cols] with integer labels, mean over the rows. */
export function referenceCrossEntropy(A: ArrayLike<number>, labels: ArrayLike<number>, rows: number, cols: number): ReferenceLoss {
  const dA = new Float64Array(rows * cols);
  let loss = 0;
  let correct = 0;
  for (let r = 0; r < rows; r++) {
    const base = r * cols;
    let m = -Infinity;
    for (let j = 0; j < cols; j++) m = Math.max(m, A[base + j]);
    let s = 0;
    for (let j = 0; j < cols; j++) s += Math.exp(A[base + j] - m);
    const label = labels[r];
    loss += m + Math.log(s) - A[base + label];
    if (argmax(A, base, cols) === label) correct++;
    for (let j = 0; j < cols; j++) dA[base + j] = (Math.exp(A[base + j] - m) / s - (j === label ? 1 : 0)) / rows;
  }
  return { loss: loss / rows, correct, dA };
}

/** Mean squared error over every element (PyTorch's MSELoss); correct = argmax(A) equals argmax(T). */
export function referenceMse(A: ArrayLike<number>, T: ArrayLike<number>, rows: number, cols: number): ReferenceLoss {
  const dA = new Float64Array(rows * cols);
  let loss = 0;
  let correct = 0;
  for (let i = 0; i < rows * cols; i++) {
    const e = A[i] - T[i];
    loss += e * e;
    dA[i] = (2 * e) / (rows * cols);
  }
  for (let r = 0; r < rows; r++) if (argmax(A, r * cols, cols) === argmax(T, r * cols, cols)) correct++;
  return { loss: loss / (rows * cols), correct, dA };
}

/** An optimiser as torch.optim defines it (SGD dampening 0). */
export interface ReferenceOptimizer {
  name: 'sgd' | 'adam' | 'adamw';
  lr: number; momentum?: number; nesterov?: boolean; weightDecay?: number; betas?: [number, number]; eps?: number;
}

/** An optimiser's state for one tensor: the momentum buffer or Adam's moments. */
export interface ReferenceOptimizerState { m: Float64Array; v: Float64Array }

/** One update of p in place (t = steps taken including this one, from 1), at learning rate lr. */
export function referenceOptimizerStep(o: ReferenceOptimizer, p: Float64Array, grad: ArrayLike<number>, state: ReferenceOptimizerState, t: number,
  lr: number): void {
  const wd = o.weightDecay ?? 0;
  if (o.name === 'sgd') {
    const mu = o.momentum ?? 0;
    for (let i = 0; i < p.length; i++) {
      let g = grad[i] + wd * p[i];
      if (mu !== 0) {
        state.m[i] = t === 1 ? g : mu * state.m[i] + g;
        g = o.nesterov ? g + mu * state.m[i] : state.m[i];
      }
      p[i] -= lr * g;
    }
    return;
  }
  const [b1, b2] = o.betas ?? [0.9, 0.999];
  const eps = o.eps ?? 1e-8;
  const bias1 = 1 - b1 ** t;
  const bias2 = 1 - b2 ** t;
  for (let i = 0; i < p.length; i++) {
    let g = grad[i];
    if (o.name === 'adamw') p[i] *= 1 - lr * wd;
    else g += wd * p[i];
    state.m[i] = b1 * state.m[i] + (1 - b1) * g;
    state.v[i] = b2 * state.v[i] + (1 - b2) * g * g;
    p[i] -= (lr / bias1) * state.m[i] / (Math.sqrt(state.v[i]) / Math.sqrt(bias2) + eps);
  }
}

/** A net being trained in float64: its parameters (as Float64Array, updated in place) and the
 *  optimiser state of each. */
export interface ReferenceTraining {
  net: ReferenceNet & { W: Float64Array[]; b?: Float64Array[]; alpha?: Float64Array[] };
  optimizer: ReferenceOptimizer;
  loss: 'cross_entropy' | 'mse';
  /** Steps taken. */
  t: number;
  state: { W: ReferenceOptimizerState[]; b: ReferenceOptimizerState[]; alpha: ReferenceOptimizerState[]; gamma: ReferenceOptimizerState[]; beta: ReferenceOptimizerState[] };
}

const zeros = (n: number): ReferenceOptimizerState => ({ m: new Float64Array(n), v: new Float64Array(n) });

/** Starts a float64 training from the given parameters (copied). */
export function referenceTraining(net: ReferenceNet, optimizer: ReferenceOptimizer, loss: 'cross_entropy' | 'mse'): ReferenceTraining {
  const W = net.W.map((w) => Float64Array.from(w));
  const b = net.b?.map((x) => Float64Array.from(x));
  const prelu = (l: number) => (l === net.dims.length - 2 && net.output ? net.output : net.activation).name === 'prelu';
  const alpha = net.alpha?.map((x) => Float64Array.from(x));
  const norm = net.norm && {
    ...net.norm, gamma: net.norm.gamma.map((g) => Float64Array.from(g)), beta: net.norm.beta.map((g) => Float64Array.from(g)),
    runningMean: net.norm.runningMean?.map((g) => Float64Array.from(g)), runningVar: net.norm.runningVar?.map((g) => Float64Array.from(g)),
  };
  return {
    net: { ...net, W, b, alpha, norm }, optimizer, loss, t: 0,
    state: {
      W: W.map((w) => zeros(w.length)), b: (b ?? []).map((x) => zeros(x.length)), alpha: (alpha ?? []).map((x, l) => zeros(prelu(l) ? x.length : 0)),
      gamma: (norm?.gamma ?? []).map((g) => zeros(g.length)), beta: (norm?.beta ?? []).map((g) => zeros(g.length)),
    },
  };
}

/** One training step on a batch: forward, loss, backward, every parameter updated at rate lr. */
export function referenceTrainStep(tr: ReferenceTraining, X: ArrayLike<number>, targets: ArrayLike<number>, lr: number): ReferenceLoss {
  const { net } = tr;
  const L = net.dims.length - 1;
  const fwd = referenceForward(net, X);
  const out = fwd.A[L - 1];
  const cols = net.dims[L];
  const loss = tr.loss === 'cross_entropy' ? referenceCrossEntropy(out, targets, net.batch, cols) : referenceMse(out, targets, net.batch, cols);
  const grads = referenceBackward(net, X, fwd, loss.dA);
  tr.t++;
  for (let l = 0; l < L; l++) {
    referenceOptimizerStep(tr.optimizer, net.W[l], grads.dW[l], tr.state.W[l], tr.t, lr);
    if (net.b) referenceOptimizerStep(tr.optimizer, net.b[l], grads.db[l], tr.state.b[l], tr.t, lr);
    if (net.alpha && grads.dalpha[l].length) referenceOptimizerStep(tr.optimizer, net.alpha[l], grads.dalpha[l], tr.state.alpha[l], tr.t, lr);
    if (net.norm && grads.dgamma[l]) {
      referenceOptimizerStep(tr.optimizer, net.norm.gamma[l] as Float64Array, grads.dgamma[l], tr.state.gamma[l], tr.t, lr);
      referenceOptimizerStep(tr.optimizer, net.norm.beta[l] as Float64Array, grads.dbeta[l], tr.state.beta[l], tr.t, lr);
    }
  }
  return loss;
}

/** mulberry32 (Tommy Ettinger's 32-bit generator), uniform in [0, 1): the README's "Data order"
 *  names it as the generator of a trainer's shuffle; written here apart from the engine's copy. */
function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let z = state;
    z = Math.imul(z ^ (z >>> 15), z | 1);
    z ^= z + Math.imul(z ^ (z >>> 7), z | 61);
    return ((z ^ (z >>> 14)) >>> 0) / 2 ** 32;
  };
}

/** The rows of each training batch of `trainer.setData(x, labels, { shuffle, seed })` then
 *  `steps` steps, as the README's "Data order" states it: the order starts as 0..rows-1; with
 *  shuffle it is Fisher-Yates shuffled (j = floor(u * (i + 1)), i from rows-1 down to 1) by
 *  mulberry32(seed) once at setData and again whenever fewer than `batch` rows are left in the
 *  epoch (drop_last: those rows are skipped); each batch takes the next `batch` positions. */
export function referenceBatchRows(rows: number, batch: number, steps: number, options: { shuffle?: boolean; seed?: number } = {}): number[][] {
  const shuffle = options.shuffle ?? true;
  const uniform = mulberry32(options.seed ?? 0);
  const order = Array.from({ length: rows }, (_, i) => i);
  const reshuffle = () => {
    if (!shuffle) return;
    for (let i = rows - 1; i > 0; i--) {
      const j = Math.floor(uniform() * (i + 1));
      [order[i], order[j]] = [order[j], order[i]];
    }
  };
  reshuffle();
  const batches: number[][] = [];
  let position = 0;
  for (let s = 0; s < steps; s++) {
    if (position + batch > rows) { reshuffle(); position = 0; }
    batches.push(order.slice(position, position + batch));
    position += batch;
  }
  return batches;
}
