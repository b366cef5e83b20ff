// Float64 reference of a net of layers (design.md section 9): dense, conv, max/avg pooling,
// flatten, dropout (with a given mask) and residual blocks (A = act(X + m f(X))) in order, forward
// and backward for L = sum(A_L * G), and a training step of such a net (cross-entropy, every
// optimiser of reference/train.ts; a weight mask keeps pruned weights and their state at 0).
// Parameters in the engine's layout: dense W is Din x Dout row-major, conv W is [Cout, Cin, kh, kw].
import { activate, derivative, type ReferenceActivation } from './activations';
import { referenceConvBackward, referenceConvForward, referencePoolBackward, referencePoolForward, type ReferenceConvShape, type ReferencePoolShape } from './conv';
import { referenceChannelNormBackward, referenceChannelNormForward, type ChannelNormForward, type ReferenceChannelNorm } from './channelNorm';
import { matmul } from './mlp';
import { referenceCrossEntropy, referenceOptimizerStep, type ReferenceOptimizer, type ReferenceOptimizerState } from './train';

/** An activation as the reference reads it. */
export type ReferenceLayerActivation = Pick<ReferenceActivation, 'name' | 'param'>;

/** One layer for the reference (batch is the net's). */
export type ReferenceLayer =
  | { type: 'dense'; din: number; units: number; activation: ReferenceLayerActivation; W: ArrayLike<number>; b?: ArrayLike<number>;
    /** BatchNorm1d or LayerNorm between the matmul and the activation (a channel norm of plane 1). */
    norm?: ReferenceChannelNorm }
  | { type: 'conv'; shape: Omit<ReferenceConvShape, 'batch'>; activation: ReferenceLayerActivation; W: ArrayLike<number>; b?: ArrayLike<number>;
    /** BatchNorm2d or one-group GroupNorm between the conv and its activation. */
    norm?: ReferenceChannelNorm }
  | { type: 'maxpool' | 'avgpool'; shape: Omit<ReferencePoolShape, 'batch'> }
  | { type: 'flatten' }
  /** Inverted dropout with the given keep mask (batch x units of 0 and 1); no mask: the identity (eval). */
  | { type: 'dropout'; p: number; mask?: ArrayLike<number> }
  /** A = act(X + multiplier f(X)); multiplier 1 when absent. */
  | { type: 'residual'; layers: ReferenceLayer[]; activation: ReferenceLayerActivation; multiplier?: number };

/** A dense or conv layer, which may carry a weight mask (1 keep, 0 pruned) for training. */
export type ReferenceWeighted = Extract<ReferenceLayer, { type: 'dense' | 'conv' }> & { mask?: ArrayLike<number> };

/** Z (dense, conv; a block's X + m F), the norm's output N (a conv with a norm) and A of every
 *  layer (a flatten's is its input); a block's inner layers' forward in `inner`. */
export interface ReferenceLayersForward {
  Z: Array<Float64Array | undefined>; N: Array<ChannelNormForward | undefined>; A: Float64Array[]; inner: Array<ReferenceLayersForward | undefined>;
}
/** Gradients of every layer: dW, db (dense, conv), the norm's dgamma and dbeta, and dL/d(its input);
 *  a block's inner gradients and dL/d(multiplier). */
export interface ReferenceLayerGradients {
  dW?: Float64Array; db?: Float64Array; dgamma?: Float64Array; dbeta?: Float64Array; dInput: Float64Array;
  inner?: ReferenceLayerGradients[]; dMultiplier?: number;
}

/** Z and A of every layer for input X (batch rows), in float64. */
export function referenceLayersForward(layers: ReferenceLayer[], batch: number, X: ArrayLike<number>): ReferenceLayersForward {
  const Z: Array<Float64Array | undefined> = [];
  const N: Array<ChannelNormForward | undefined> = [];
  const A: Float64Array[] = [];
  const inner: Array<ReferenceLayersForward | undefined> = [];
  let input: Float64Array = Float64Array.from(X);
  for (const layer of layers) {
    let z: Float64Array | undefined;
    let n: ChannelNormForward | undefined;
    let block: ReferenceLayersForward | undefined;
    let a: Float64Array;
    if (layer.type === 'residual') {
      block = referenceLayersForward(layer.layers, batch, input);
      const F = block.A[block.A.length - 1];
      const m = layer.multiplier ?? 1;
      const x = input;
      z = x.map((v, i) => v + m * F[i]);
      a = z.map((v) => activate(layer.activation.name, v, layer.activation.param));
    } else if (layer.type === 'dropout') {
      const keep = layer.mask;
      a = keep ? input.map((v, i) => (keep[i] ? v / (1 - layer.p) : 0)) : input;
    } else if (layer.type === 'dense' || layer.type === 'conv') {
      z = layer.type === 'dense' ? matmul(input, layer.W, batch, layer.din, layer.units) : referenceConvForward({ ...layer.shape, batch }, input, layer.W, layer.b);
      if (layer.type === 'dense' && layer.b) for (let i = 0; i < z.length; i++) z[i] += layer.b[i % layer.units];
      const act = layer.activation;
      if (layer.type === 'conv' && layer.norm) {
        const s = layer.shape;
        const ho = Math.floor((s.h + 2 * s.padding - s.kh) / s.stride) + 1;
        const wo = Math.floor((s.w + 2 * s.padding - s.kw) / s.stride) + 1;
        n = referenceChannelNormForward(layer.norm, z, batch, s.cout, ho * wo);
      } else if (layer.type === 'dense' && layer.norm) {
        n = referenceChannelNormForward(layer.norm, z, batch, layer.units, 1);
      }
      a = (n ? n.y : z).map((v) => activate(act.name, v, act.param));
    } else if (layer.type === 'flatten') {
      a = input;
    } else {
      a = referencePoolForward(layer.type === 'maxpool' ? 'max' : 'avg', { ...layer.shape, batch }, input);
    }
    Z.push(z);
    N.push(n);
    A.push(a);
    inner.push(block);
    input = a;
  }
  return { Z, N, A, inner };
}

/** Backward from dL/dA of the last layer (G), through every layer. */
export function referenceLayersBackward(layers: ReferenceLayer[], batch: number, X: ArrayLike<number>, fwd: ReferenceLayersForward,
  G: ArrayLike<number>): ReferenceLayerGradients[] {
  const grads: ReferenceLayerGradients[] = new Array<ReferenceLayerGradients>(layers.length);
  let dA: Float64Array = Float64Array.from(G);
  for (let l = layers.length - 1; l >= 0; l--) {
    const layer = layers[l];
    const input = l === 0 ? Float64Array.from(X) : fwd.A[l - 1];
    if (layer.type === 'residual') {
      const dZ = fwd.Z[l]!.map((v, i) => dA[i] * derivative(layer.activation.name, v, layer.activation.param));
      const m = layer.multiplier ?? 1;
      const block = fwd.inner[l]!;
      const F = block.A[block.A.length - 1];
      const innerGrads = referenceLayersBackward(layer.layers, batch, input, block, dZ.map((v) => m * v));
      const dBranch = innerGrads[0].dInput;
      grads[l] = { dInput: dZ.map((v, i) => v + dBranch[i]), inner: innerGrads, dMultiplier: dZ.reduce((sum, v, i) => sum + v * F[i], 0) };
    } else if (layer.type === 'dropout') {
      const keep = layer.mask;
      grads[l] = { dInput: keep ? dA.map((v, i) => (keep[i] ? v / (1 - layer.p) : 0)) : dA };
    } else if (layer.type === 'dense' || layer.type === 'conv') {
      const act = layer.activation;
      const n = fwd.N[l];
      const beforeAct = n ? n.y : fwd.Z[l]!;
      let dZ: Float64Array = beforeAct.map((v, i) => dA[i] * derivative(act.name, v, act.param));
      let normGrads: { dgamma: Float64Array; dbeta: Float64Array } | undefined;
      if (layer.norm && n) {
        const channels = layer.type === 'conv' ? layer.shape.cout : layer.units;
        const back = referenceChannelNormBackward(layer.norm, n, dZ, batch, channels, dZ.length / (batch * channels));
        dZ = back.dZ;
        normGrads = { dgamma: back.dgamma, dbeta: back.dbeta };
      }
      if (layer.type === 'dense') {
        const dW = new Float64Array(layer.din * layer.units);
        const dX = new Float64Array(batch * layer.din);
        const db = new Float64Array(layer.units);
        for (let r = 0; r < batch; r++) {
          for (let j = 0; j < layer.units; j++) {
            const g = dZ[r * layer.units + j];
            db[j] += g;
            for (let k = 0; k < layer.din; k++) {
              dW[k * layer.units + j] += input[r * layer.din + k] * g;
              dX[r * layer.din + k] += g * layer.W[k * layer.units + j];
            }
          }
        }
        grads[l] = { dW, db, ...normGrads, dInput: dX };
      } else {
        const { dX, dW, db } = referenceConvBackward({ ...layer.shape, batch }, input, layer.W, dZ);
        grads[l] = { dW, db, ...normGrads, dInput: dX };
      }
    } else if (layer.type === 'flatten') {
      grads[l] = { dInput: dA };
    } else {
      grads[l] = { dInput: referencePoolBackward(layer.type === 'maxpool' ? 'max' : 'avg', { ...layer.shape, batch }, input, dA) };
    }
    dA = grads[l].dInput;
  }
  return grads;
}

/** A net of layers being trained in float64: parameters (copied, updated in place; a block's
 *  multiplier too) and optimiser state per parameter. Set a dropout layer's `mask` before a step. */
export interface ReferenceLayersTraining {
  layers: ReferenceLayer[];
  batch: number;
  optimizer: ReferenceOptimizer;
  t: number;
  state: Map<object, Record<string, ReferenceOptimizerState>>;
}

const zeros = (n: number): ReferenceOptimizerState => ({ m: new Float64Array(n), v: new Float64Array(n) });

function copyLayers(layers: ReferenceLayer[]): ReferenceLayer[] {
  const copyNorm = (n: ReferenceChannelNorm): ReferenceChannelNorm => ({ ...n, gamma: Float64Array.from(n.gamma), beta: Float64Array.from(n.beta),
    ...(n.runningMean ? { runningMean: Float64Array.from(n.runningMean), runningVar: Float64Array.from(n.runningVar!) } : {}) });
  return layers.map((l): ReferenceLayer => {
    if (l.type === 'residual') return { ...l, layers: copyLayers(l.layers) };
    if (l.type !== 'dense' && l.type !== 'conv') return { ...l };
    return { ...l, W: Float64Array.from(l.W), ...(l.b ? { b: Float64Array.from(l.b) } : {}), ...(l.type === 'conv' && l.norm ? { norm: copyNorm(l.norm) } : {}) };
  });
}

/** Starts a float64 training of the layers (parameters copied) with the optimiser. */
export function referenceLayersTraining(layers: ReferenceLayer[], batch: number, optimizer: ReferenceOptimizer): ReferenceLayersTraining {
  return { layers: copyLayers(layers), batch, optimizer, t: 0, state: new Map() };
}

function stateOf(tr: ReferenceLayersTraining, layer: object, name: string, n: number): ReferenceOptimizerState {
  const states = tr.state.get(layer) ?? {};
  tr.state.set(layer, states);
  return (states[name] ??= zeros(n));
}

function updateLayers(tr: ReferenceLayersTraining, layers: ReferenceLayer[], grads: ReferenceLayerGradients[], lr: number): void {
  const step = (layer: object, name: string, p: Float64Array, g: ArrayLike<number>) => referenceOptimizerStep(tr.optimizer, p, g, stateOf(tr, layer, name, p.length), tr.t, lr);
  layers.forEach((layer, l) => {
    if (layer.type === 'residual') {
      updateLayers(tr, layer.layers, grads[l].inner!, lr);
      if (layer.multiplier !== undefined) {
        const m = Float64Array.of(layer.multiplier);
        step(layer, 'multiplier', m, [grads[l].dMultiplier!]);
        layer.multiplier = m[0];
      }
    }
    if (layer.type !== 'dense' && layer.type !== 'conv') return;
    const W = layer.W as Float64Array;
    step(layer, 'W', W, grads[l].dW!);
    const mask = (layer as ReferenceWeighted).mask;
    if (mask) {
      const s = stateOf(tr, layer, 'W', W.length);
      for (let i = 0; i < W.length; i++) if (!mask[i]) { W[i] = 0; s.m[i] = 0; s.v[i] = 0; }
    }
    if (layer.b) step(layer, 'b', layer.b as Float64Array, grads[l].db!);
    if (layer.type === 'conv' && layer.norm) {
      step(layer, 'gamma', layer.norm.gamma as Float64Array, grads[l].dgamma!);
      step(layer, 'beta', layer.norm.beta as Float64Array, grads[l].dbeta!);
    }
  });
}

/** One cross-entropy training step on a batch (labels one per row); every parameter updated at rate lr. */
export function referenceLayersTrainStep(tr: ReferenceLayersTraining, X: ArrayLike<number>, labels: ArrayLike<number>, lr: number): { loss: number } {
  const fwd = referenceLayersForward(tr.layers, tr.batch, X);
  const top = fwd.A[fwd.A.length - 1];
  const { loss, dA } = referenceCrossEntropy(top, labels, tr.batch, top.length / tr.batch);
  const grads = referenceLayersBackward(tr.layers, tr.batch, X, fwd, dA);
  tr.t++;
  updateLayers(tr, tr.layers, grads, lr);
  return { loss };
}
