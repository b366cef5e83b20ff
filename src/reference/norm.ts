// Float64 reference of batch norm and layer norm (PyTorch's BatchNorm1d and LayerNorm, eps 1e-5,
// momentum 0.1): forward with the saved statistics, and backward to dZ, dgamma, dbeta.

const EPS = 1e-5;
const MOMENTUM = 0.1;

/** A norm of a net for the reference: kind, parameters per hidden layer, running estimates
 *  (batch norm; updated in place by a train-mode forward) and the mode. */
export interface ReferenceNorm {
  kind: 'batch' | 'layer';
  gamma: ArrayLike<number>[];
  beta: ArrayLike<number>[];
  runningMean?: Float64Array[];
  runningVar?: Float64Array[];
  mode?: 'train' | 'eval';
}

/** Y of a norm over Z [rows x units], with xhat, for the backward. */
export interface NormForward { y: Float64Array; xhat: Float64Array; invstd: Float64Array }

/** Batch or layer norm of Z [rows x units] of hidden layer l (train mode moves batch norm's running estimates). */
export function normForward(norm: ReferenceNorm, l: number, Z: ArrayLike<number>, rows: number, units: number): NormForward {
  const y = new Float64Array(rows * units);
  const xhat = new Float64Array(rows * units);
  const batch = norm.kind === 'batch';
  const groups = batch ? units : rows;
  const size = batch ? rows : units;
  const index = (g: number, i: number) => (batch ? i * units + g : g * units + i);
  const invstd = new Float64Array(groups);
  for (let g = 0; g < groups; g++) {
    let mean: number, variance: number;
    if (batch && norm.mode === 'eval') {
      mean = norm.runningMean![l][g];
      variance = norm.runningVar![l][g];
    } else {
      mean = 0;
      for (let i = 0; i < size; i++) mean += Z[index(g, i)];
      mean /= size;
      let q = 0;
      for (let i = 0; i < size; i++) q += (Z[index(g, i)] - mean) ** 2;
      variance = q / size;
      if (batch) {
        norm.runningMean![l][g] = (1 - MOMENTUM) * norm.runningMean![l][g] + MOMENTUM * mean;
        norm.runningVar![l][g] = (1 - MOMENTUM) * norm.runningVar![l][g] + MOMENTUM * q / (size - 1);
      }
    }
    invstd[g] = 1 / Math.sqrt(variance + EPS);
    for (let i = 0; i < size; i++) {
      const k = index(g, i);
      const unit = batch ? g : i;
      xhat[k] = (Z[k] - mean) * invstd[g];
      y[k] = norm.gamma[l][unit] * xhat[k] + norm.beta[l][unit];
    }
  }
  return { y, xhat, invstd };
}

/** dZ, dgamma, dbeta from dY (train mode: the batch's statistics). */
export function normBackward(norm: ReferenceNorm, l: number, f: NormForward, dY: ArrayLike<number>, rows: number, units: number):
  { dZ: Float64Array; dgamma: Float64Array; dbeta: Float64Array } {
  const dZ = new Float64Array(rows * units);
  const dgamma = new Float64Array(units);
  const dbeta = new Float64Array(units);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < units; c++) {
      dgamma[c] += dY[r * units + c] * f.xhat[r * units + c];
      dbeta[c] += dY[r * units + c];
    }
  }
  const batch = norm.kind === 'batch';
  const groups = batch ? units : rows;
  const size = batch ? rows : units;
  const index = (g: number, i: number) => (batch ? i * units + g : g * units + i);
  for (let g = 0; g < groups; g++) {
    let s1 = 0, s2 = 0;
    const dxhat = (i: number) => dY[index(g, i)] * norm.gamma[l][batch ? g : i];
    for (let i = 0; i < size; i++) { s1 += dxhat(i); s2 += dxhat(i) * f.xhat[index(g, i)]; }
    for (let i = 0; i < size; i++) dZ[index(g, i)] = (f.invstd[g] / size) * (size * dxhat(i) - s1 - f.xhat[index(g, i)] * s2);
  }
  return { dZ, dgamma, dbeta };
}
