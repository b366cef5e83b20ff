// Float64 reference of the norms after a conv layer (design.md section 9): 'batch' = PyTorch's
// BatchNorm2d (per channel over batch, H, W), 'layer' = GroupNorm with one group (per example over
// C, H, W; gamma and beta per channel); eps 1e-5, momentum 0.1. Z is [batch x C x plane] row-major.

const EPS = 1e-5;
const MOMENTUM = 0.1;

/** A norm after a conv for the reference; a train-mode batch norm moves the running estimates in place. */
export interface ReferenceChannelNorm {
  kind: 'batch' | 'layer';
  gamma: ArrayLike<number>;
  beta: ArrayLike<number>;
  runningMean?: Float64Array;
  runningVar?: Float64Array;
  mode?: 'train' | 'eval';
}

/** Y and what the backward needs: xhat and 1/std per normalisation group. */
export interface ChannelNormForward { y: Float64Array; xhat: Float64Array; invstd: Float64Array }

/** The element indices of each normalisation group: a channel (batch) or an example (layer). */
function groupsOf(kind: 'batch' | 'layer', batch: number, channels: number, plane: number): number[][] {
  const groups: number[][] = [];
  if (kind === 'batch') {
    for (let c = 0; c < channels; c++) {
      const g: number[] = [];
      for (let n = 0; n < batch; n++) for (let p = 0; p < plane; p++) g.push((n * channels + c) * plane + p);
      groups.push(g);
    }
  } else {
    for (let n = 0; n < batch; n++) groups.push(Array.from({ length: channels * plane }, (_, i) => n * channels * plane + i));
  }
  return groups;
}

const channelOf = (i: number, channels: number, plane: number) => Math.floor(i / plane) % channels;

/** Y = gamma xhat + beta per channel, xhat normalised per group (train mode: the batch's statistics, running estimates moved; eval: the running estimates). */
export function referenceChannelNormForward(norm: ReferenceChannelNorm, Z: ArrayLike<number>, batch: number, channels: number, plane: number): ChannelNormForward {
  const y = new Float64Array(Z.length);
  const xhat = new Float64Array(Z.length);
  const groups = groupsOf(norm.kind, batch, channels, plane);
  const invstd = new Float64Array(groups.length);
  groups.forEach((g, k) => {
    let mean: number;
    let variance: number;
    if (norm.kind === 'batch' && norm.mode === 'eval') {
      mean = norm.runningMean![k];
      variance = norm.runningVar![k];
    } else {
      mean = g.reduce((s, i) => s + Z[i], 0) / g.length;
      const q = g.reduce((s, i) => s + (Z[i] - mean) ** 2, 0);
      variance = q / g.length;
      if (norm.kind === 'batch') {
        norm.runningMean![k] = (1 - MOMENTUM) * norm.runningMean![k] + MOMENTUM * mean;
        norm.runningVar![k] = (1 - MOMENTUM) * norm.runningVar![k] + MOMENTUM * q / (g.length - 1);
      }
    }
    invstd[k] = 1 / Math.sqrt(variance + EPS);
    for (const i of g) {
      xhat[i] = (Z[i] - mean) * invstd[k];
      const c = channelOf(i, channels, plane);
      y[i] = norm.gamma[c] * xhat[i] + norm.beta[c];
    }
  });
  return { y, xhat, invstd };
}

/** dZ, dgamma, dbeta given dL/dY (train mode: the batch's statistics; eval-mode batch norm: the running estimates). */
export function referenceChannelNormBackward(norm: ReferenceChannelNorm, fwd: ChannelNormForward, dY: ArrayLike<number>, batch: number,
  channels: number, plane: number): { dZ: Float64Array; dgamma: Float64Array; dbeta: Float64Array } {
  const dZ = new Float64Array(dY.length);
  const dgamma = new Float64Array(channels);
  const dbeta = new Float64Array(channels);
  for (let i = 0; i < dY.length; i++) {
    const c = channelOf(i, channels, plane);
    dgamma[c] += dY[i] * fwd.xhat[i];
    dbeta[c] += dY[i];
  }
  groupsOf(norm.kind, batch, channels, plane).forEach((g, k) => {
    // Eval-mode batch norm: mean and variance are the running estimates, constants: dZ = gamma invstd dY.
    if (norm.kind === 'batch' && norm.mode === 'eval') {
      for (const i of g) dZ[i] = dY[i] * norm.gamma[channelOf(i, channels, plane)] * fwd.invstd[k];
      return;
    }
    // d xhat = dY gamma; dZ = invstd / n (n dxhat - sum dxhat - xhat sum(dxhat xhat)).
    const dxhat = g.map((i) => dY[i] * norm.gamma[channelOf(i, channels, plane)]);
    const s1 = dxhat.reduce((s, v) => s + v, 0);
    const s2 = dxhat.reduce((s, v, j) => s + v * fwd.xhat[g[j]], 0);
    g.forEach((i, j) => { dZ[i] = fwd.invstd[k] / g.length * (g.length * dxhat[j] - s1 - fwd.xhat[i] * s2); });
  });
  return { dZ, dgamma, dbeta };
}
