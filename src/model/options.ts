import { InitscopeError, invalid, isPositiveInteger, refuseUnknownKeys } from './errors';
import { parseActivation, type ActivationOption, type ActivationSpec } from './activations';
import { parseInit, type InitOption, type InitSpec } from './initializers';
import { parseBias, type DenseLayerSpec, type LayerOption, type NetOptions, type NetSpec } from './net';

/** What `engine.createMLP` takes: the net's shape, activation, initialisation, bias and seed. */
export interface MLPOptions {
  /** Din, then one entry per layer. */
  dims: number[];
  batch: number;
  activation?: ActivationOption;
  init?: InitOption;
  /** false (the lecture), true = zeros, { init: 0.01 } for "slightly positive". */
  bias?: boolean | { init: number };
  seed?: number;
  /** Normalisation between the matmul and the activation of every hidden layer: 'none'
   *  (default), 'batch' (BatchNorm1d) or 'layer' (LayerNorm); gamma = 1, beta = 0 at start. */
  norm?: 'none' | 'batch' | 'layer';
  /** The last layer's activation; default: the hidden layers' (the lecture). 'linear' for a
   *  classifier trained with cross-entropy. */
  output?: ActivationOption;
}

export interface MLPSpec {
  dims: number[];
  batch: number;
  layers: number;
  activation: ActivationSpec;
  /** The last layer's activation. */
  output: ActivationSpec;
  norm: 'none' | 'batch' | 'layer';
  init: InitSpec;
  /** Initial bias value, or undefined when the net has no bias. */
  biasInit: number | undefined;
  seed: number;
}

const WHERE = 'createMLP';
const KNOWN = ['dims', 'batch', 'activation', 'init', 'bias', 'seed', 'norm', 'output'];

export function parseMLPOptions(options: unknown): MLPSpec {
  if (typeof options !== 'object' || options === null) throw invalid(WHERE, 'options', options, 'an object { dims, batch, ... }');
  const o = options as Record<string, unknown>;
  refuseUnknownKeys(WHERE, undefined, o, KNOWN, `absent (known options: ${KNOWN.join(', ')})`);
  if (!Array.isArray(o.dims) || o.dims.length < 2) {
    throw invalid(WHERE, 'dims', o.dims, 'an array of at least 2 positive integers (Din, then one width per layer)');
  }
  o.dims.forEach((d, i) => {
    if (!isPositiveInteger(d)) throw invalid(WHERE, `dims[${i}]`, d, 'a positive integer');
  });
  if (!isPositiveInteger(o.batch)) throw invalid(WHERE, 'batch', o.batch, 'an integer >= 1');
  const seed = o.seed ?? 0;
  if (typeof seed !== 'number' || !Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) {
    throw invalid(WHERE, 'seed', seed, 'an integer from 0 to 4294967295');
  }
  const biasInit = parseBias(WHERE, 'bias', o.bias ?? false);
  const norm = o.norm ?? 'none';
  if (norm !== 'none' && norm !== 'batch' && norm !== 'layer') throw invalid(WHERE, 'norm', norm, "'none', 'batch' or 'layer'");
  const activation = parseActivation(o.activation ?? 'tanh', WHERE);
  if (norm !== 'none' && (activation.name === 'maxout' || activation.name === 'prelu')) {
    throw invalid(WHERE, 'activation', activation.name, `an activation other than maxout and prelu with norm '${norm}' (not supported together yet)`);
  }
  if (norm === 'batch' && o.batch === 1) throw invalid(WHERE, 'batch', o.batch, "at least 2 with norm 'batch' (a variance over one row is 0)");
  const output = o.output === undefined ? activation : parseActivation(o.output, WHERE, 'output');
  if (output.pieces !== activation.pieces) {
    throw invalid(WHERE, 'output', o.output, `an activation with the hidden layers' ${activation.pieces} maxout piece(s)`);
  }
  return {
    dims: [...o.dims as number[]],
    batch: o.batch,
    layers: o.dims.length - 1,
    activation,
    output,
    norm,
    init: parseInit(o.init ?? 'xavier', WHERE),
    biasInit,
    seed,
  };
}

export function checkArray(where: string, field: string, value: unknown, length: number, shape: string): Float32Array {
  if (!(value instanceof Float32Array)) throw invalid(where, field, value, `a Float32Array of length ${length} (${shape})`);
  if (value.length !== length) {
    throw new InitscopeError(`${where}: ${field} must have length ${length} (${shape}), got Float32Array(${value.length})`, 'invalid-option', field);
  }
  return value;
}

/** createMLP's options as createNet's (a checkpoint's metadata): dense layers, the last with the
 *  output activation; createMLP's defaults written out (tanh, xavier, no bias). */
export function mlpAsNetOptions(o: MLPOptions): NetOptions {
  const activation = o.activation ?? 'tanh';
  const last = o.dims.length - 2;
  return {
    input: o.dims[0], batch: o.batch, seed: o.seed ?? 0, activation, init: o.init ?? 'xavier', bias: o.bias ?? false, norm: o.norm ?? 'none',
    layers: o.dims.slice(1).map((units, l): LayerOption => ({ type: 'dense', units, ...(l === last ? { activation: o.output ?? activation } : {}) })),
  };
}

/** createMLP's net as a net of dense layers: the hidden layers with the net's activation and norm,
 *  the last with the output activation and no norm. */
export function mlpNetSpec(mlp: MLPSpec): NetSpec {
  const layers = mlp.dims.slice(1).map((units, l): DenseLayerSpec => {
    const hidden = l < mlp.layers - 1;
    return { type: 'dense', index: l, path: [l], unit: l, input: [mlp.dims[l]], output: [units], units, activation: hidden ? mlp.activation : mlp.output,
      init: mlp.init, biasInit: mlp.biasInit, norm: hidden ? mlp.norm : 'none' };
  });
  return { input: [mlp.dims[0]], batch: mlp.batch, seed: mlp.seed, layers, units: layers };
}
