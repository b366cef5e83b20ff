// Float64 reference of the whole net: forward (matmul + bias + activation, maxout pieces) and
// backward for L = sum(A_L * G). Weights come in as the engine stores them (row-major f32).
import { activate, derivative, type ReferenceActivation } from './activations';
import { normBackward, normForward, type NormForward, type ReferenceNorm } from './norm';

/** A net for the float64 reference: shape, activation and its parameters as the engine stores them. */
export interface ReferenceNet {
  dims: number[];
  batch: number;
  activation: Pick<ReferenceActivation, 'name' | 'param' | 'pieces'>;
  /** Batch or layer norm between the matmul and the activation of every hidden layer. */
  norm?: ReferenceNorm;
  /** The last layer's activation when it differs (a linear output for a classifier). */
  output?: Pick<ReferenceActivation, 'name' | 'param' | 'pieces'>;
  W: ArrayLike<number>[];
  b?: ArrayLike<number>[];
  alpha?: ArrayLike<number>[];
}

/** Z and A of every layer, in float64. */
export interface ReferenceForward { Z: Float64Array[]; A: Float64Array[]; /** After the norm (hidden layers of a net with one). */ N: Array<NormForward | undefined> }
/** dL/dW, dL/db, dL/dalpha and dL/d(input) of every layer, in float64. */
export interface ReferenceGradients { dW: Float64Array[]; db: Float64Array[]; dalpha: Float64Array[]; dgamma: Float64Array[]; dbeta: Float64Array[]; dInput: Float64Array[] }

/** C[M x N] = A[M x K] B[K x N], all row-major, in float64. */
export function matmul(A: ArrayLike<number>, B: ArrayLike<number>, M: number, K: number, N: number): Float64Array {
  const C = new Float64Array(M * N);
  for (let m = 0; m < M; m++) {
    const row = m * N;
    for (let k = 0; k < K; k++) {
      const a = A[m * K + k];
      if (a === 0) continue;
      const bRow = k * N;
      for (let n = 0; n < N; n++) C[row + n] += a * B[bRow + n];
    }
  }
  return C;
}

/** The activation of layer l. */
function actOf(net: ReferenceNet, l: number): Pick<ReferenceActivation, 'name' | 'param' | 'pieces'> {
  return l === net.dims.length - 2 && net.output ? net.output : net.activation;
}

function param(net: ReferenceNet, l: number, unit: number): number {
  const act = actOf(net, l);
  return act.name === 'prelu' ? net.alpha![l][unit] : act.param;
}

/** Index of the arg-max piece of unit j in row m (first one on ties). */
function argmaxPiece(Z: ArrayLike<number>, m: number, j: number, units: number, k: number): number {
  const base = m * units * k + j * k;
  let arg = 0;
  for (let p = 1; p < k; p++) if (Z[base + p] > Z[base + arg]) arg = p;
  return arg;
}

/** The forward pass in float64: Z = A W (+ b), A = act(Z), maxout over pieces. */
export function referenceForward(net: ReferenceNet, X: ArrayLike<number>): ReferenceForward {
  const B = net.batch;
  const k = net.activation.pieces;
  const Z: Float64Array[] = [];
  const A: Float64Array[] = [];
  const N: Array<NormForward | undefined> = [];
  let input: ArrayLike<number> = X;
  for (let l = 0; l < net.dims.length - 1; l++) {
    const din = net.dims[l];
    const units = net.dims[l + 1];
    const cols = units * k;
    const z = matmul(input, net.W[l], B, din, cols);
    if (net.b) for (let m = 0; m < B; m++) for (let c = 0; c < cols; c++) z[m * cols + c] += net.b[l][c];
    const normed = net.norm && l < net.dims.length - 2 ? normForward(net.norm, l, z, B, units) : undefined;
    const pre = normed ? normed.y : z;
    const a = new Float64Array(B * units);
    for (let m = 0; m < B; m++) {
      for (let j = 0; j < units; j++) {
        a[m * units + j] = k > 1 ? z[m * cols + j * k + argmaxPiece(z, m, j, units, k)] : activate(actOf(net, l).name, pre[m * units + j], param(net, l, j));
      }
    }
    Z.push(z);
    N.push(normed);
    A.push(a);
    input = a;
  }
  return { Z, A, N };
}

/** dZ of layer l from dA (the gradient of its output). */
export function referenceDz(net: ReferenceNet, l: number, Z: ArrayLike<number>, dA: ArrayLike<number>): Float64Array {
  const B = net.batch;
  const act = actOf(net, l);
  const k = act.pieces;
  const units = net.dims[l + 1];
  const cols = units * k;
  const dZ = new Float64Array(B * cols);
  for (let m = 0; m < B; m++) {
    for (let j = 0; j < units; j++) {
      if (k > 1) {
        dZ[m * cols + j * k + argmaxPiece(Z, m, j, units, k)] = dA[m * units + j];
      } else {
        dZ[m * units + j] = dA[m * units + j] * derivative(act.name, Z[m * units + j], param(net, l, j));
      }
    }
  }
  return dZ;
}

/** The backward pass in float64 for L = sum(A_L * G). */
export function referenceBackward(net: ReferenceNet, X: ArrayLike<number>, fwd: ReferenceForward, G: ArrayLike<number>): ReferenceGradients {
  const B = net.batch;
  const L = net.dims.length - 1;
  const k = net.activation.pieces;
  const out: ReferenceGradients = { dW: [], db: [], dalpha: [], dgamma: [], dbeta: [], dInput: [] };
  let dA: ArrayLike<number> = G;
  for (let l = L - 1; l >= 0; l--) {
    const din = net.dims[l];
    const units = net.dims[l + 1];
    const cols = units * k;
    const input = l === 0 ? X : fwd.A[l - 1];
    const normed = fwd.N[l];
    let dZ: Float64Array;
    if (normed && net.norm) {
      const g = referenceDz(net, l, normed.y, dA);
      const back = normBackward(net.norm, l, normed, g, B, units);
      dZ = back.dZ;
      out.dgamma[l] = back.dgamma;
      out.dbeta[l] = back.dbeta;
    } else {
      dZ = referenceDz(net, l, fwd.Z[l], dA);
    }
    const dW = new Float64Array(din * cols);
    for (let m = 0; m < B; m++) {
      for (let i = 0; i < din; i++) {
        const a = input[m * din + i];
        if (a === 0) continue;
        for (let c = 0; c < cols; c++) dW[i * cols + c] += a * dZ[m * cols + c];
      }
    }
    const db = new Float64Array(cols);
    for (let m = 0; m < B; m++) for (let c = 0; c < cols; c++) db[c] += dZ[m * cols + c];
    const dalpha = new Float64Array(actOf(net, l).name === 'prelu' ? units : 0);
    for (let m = 0; m < B; m++) {
      for (let j = 0; j < dalpha.length; j++) {
        const z = fwd.Z[l][m * units + j];
        dalpha[j] += (z > 0 ? 0 : z) * dA[m * units + j];
      }
    }
    const dInput = new Float64Array(B * din);
    const W = net.W[l];
    for (let m = 0; m < B; m++) {
      for (let i = 0; i < din; i++) {
        let s = 0;
        for (let c = 0; c < cols; c++) s += dZ[m * cols + c] * W[i * cols + c];
        dInput[m * din + i] = s;
      }
    }
    out.dW[l] = dW;
    out.db[l] = db;
    out.dalpha[l] = dalpha;
    out.dInput[l] = dInput;
    dA = dInput;
  }
  return out;
}

/** L = sum(A_L * G) in float64, for finite differences. */
export function referenceLoss(net: ReferenceNet, X: ArrayLike<number>, G: ArrayLike<number>): number {
  const { A } = referenceForward(net, X);
  const top = A[A.length - 1];
  let loss = 0;
  for (let i = 0; i < top.length; i++) loss += top[i] * G[i];
  return loss;
}
