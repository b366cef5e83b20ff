// The net as a list of layers, pure data. `describeLayers` reads the net's spec as the lecture
// writes the net (linear, activation, linear, activation, ...; a conv is a linear with a geometry,
// pooling a layer of its own, flatten nothing at all: a view); `fuseLayers` turns that into the
// entries the scheduler runs, an activation fused into the linear's epilogue where one follows.
// A residual block becomes a fork, its inner layers' entries and a join; dropout an entry of its own.
// Each entry names the regions it owns; model/layout.ts places them, the layer type of the
// scheduler (src/scheduler/layers/) makes its dispatches.
import type { ActivationSpec } from './activations';
import { isPoolLayer, widthOf, type ConvShape, type LayerSpec, type NetSpec, type PoolShape } from './net';

/** Where a region lives: the per-step arena (activations, gradients), the small parameter
 *  buffer (biases, PReLU alphas), or a GPU buffer of its own (a weight matrix and its gradient). */
export type RegionBuffer = 'arena' | 'small' | 'own';

export interface Region {
  buffer: RegionBuffer;
  floats: number;
  /** The tensor's name in plans, stats labels and GPU buffer labels (`W0`, `Z3`, `dA1`). */
  label: string;
  /** An 'own' region made on first need only: 'backward' (a gradient), 'update' (the applied
   *  update of a training step with statistics). */
  when?: 'backward' | 'update';
}

/** What every entry has. Regions `out` (batch x outputWidth) and `dout` (its gradient) are the
 *  entry's output and the gradient flowing into it; the next entry reads them as its input. */
export interface LayerEntry {
  type: string;
  /** The user's layer (0..L-1) this entry belongs to; results are reported by it. */
  layer: number;
  inputWidth: number;
  outputWidth: number;
  regions: Record<string, Region>;
}

/** Z = A W (+ b), then A = act(Z) in the same epilogue. */
export interface DenseEntry extends LayerEntry {
  type: 'dense';
  activation: ActivationSpec;
  bias: boolean;
  /** Columns of W and Z: units x maxout pieces. */
  cols: number;
  /** Whether its output is the layer's activation A (false when a norm follows: the norm's is). */
  reportsActivation: boolean;
}

/** Z = conv(X, W) (+ b), then A = act(Z) in the same kernel (PyTorch's layouts, design.md section 9). */
export interface ConvEntry extends LayerEntry {
  type: 'conv';
  activation: ActivationSpec;
  bias: boolean;
  shape: ConvShape;
  /** Filters: the columns of b, one per output channel. */
  cols: number;
  reportsActivation: boolean;
}

/** Y = max or mean of each window. */
export interface PoolEntry extends LayerEntry {
  type: 'pool';
  kind: 'max' | 'avg';
  shape: PoolShape;
}

/** Y = gamma * normalise(Z) + beta (per unit over the batch, or per row over the units), then
 *  A = act(Y) in the same kernel. */
export interface NormEntry extends LayerEntry {
  type: 'norm';
  kind: 'batch' | 'layer';
  activation: ActivationSpec;
  /** Units with a gamma and beta each (a conv's channels), and positions per unit (Ho x Wo; 1 after a dense layer). */
  channels: number;
  plane: number;
}

/** Where a residual block starts: it passes x on (no copy: it has no `out` region, so the layout
 *  gives it its input's), and on the way back adds the skip's gradient (the join's dZ) to the
 *  branch's: dX = dout + dZ. */
export interface ForkEntry extends LayerEntry {
  type: 'fork';
  /** The entry index of its block's join. */
  join: number;
}

/** Where a residual block ends: Z = X + m F (X the fork's input, F the branch's output), A = act(Z). */
export interface JoinEntry extends LayerEntry {
  type: 'join';
  activation: ActivationSpec;
  multiplier: boolean;
  /** The entry index of its block's fork. */
  fork: number;
}

/** Inverted dropout: in a training step Y = X mask / (1 - p), else Y = X. */
export interface DropoutEntry extends LayerEntry {
  type: 'dropout';
  p: number;
}

/** An entry of the lecture's form of the net, before fusion. */
export type DescribedLayer =
  | { type: 'linear'; layer: number; din: number; units: number; pieces: number; bias: boolean; conv?: ConvShape }
  | { type: 'norm'; layer: number; units: number; kind: 'batch' | 'layer'; channels: number; plane: number }
  | { type: 'activation'; layer: number; units: number; activation: ActivationSpec }
  | { type: 'pool'; layer: number; kind: 'max' | 'avg'; shape: PoolShape }
  | { type: 'dropout'; layer: number; units: number; p: number }
  | { type: 'fork'; layer: number; units: number }
  | { type: 'join'; layer: number; units: number; activation: ActivationSpec; multiplier: boolean };

export function describeLayers(spec: NetSpec): DescribedLayer[] {
  return spec.layers.flatMap((layer) => describeLayer(layer, spec.batch));
}

function describeLayer(layer: LayerSpec, batch: number): DescribedLayer[] {
  const l = layer.unit;
  if (layer.type === 'flatten') return [];
  if (layer.type === 'dropout') return [{ type: 'dropout', layer: l, units: widthOf(layer.output), p: layer.p }];
  if (layer.type === 'residual') {
    const units = widthOf(layer.output);
    return [{ type: 'fork', layer: l, units }, ...layer.layers.flatMap((inner) => describeLayer(inner, batch)),
      { type: 'join', layer: l, units, activation: layer.activation, multiplier: layer.multiplier }];
  }
  if (isPoolLayer(layer)) {
    const [c, h, w] = layer.input;
    const [, ho, wo] = layer.output;
    return [{ type: 'pool', layer: l, kind: layer.type === 'maxpool' ? 'max' : 'avg', shape: { batch, c, h, w, size: layer.size, stride: layer.stride, ho, wo } }];
  }
  const units = widthOf(layer.output);
  const bias = layer.biasInit !== undefined;
  const linear: DescribedLayer = layer.type === 'dense'
    ? { type: 'linear', layer: l, din: widthOf(layer.input), units, pieces: layer.activation.pieces, bias }
    : { type: 'linear', layer: l, din: widthOf(layer.input), units, pieces: 1, bias, conv: { batch, cin: layer.input[0], h: layer.input[1], w: layer.input[2],
      cout: layer.filters, kh: layer.kh, kw: layer.kw, stride: layer.stride, padding: layer.padding, ho: layer.output[1], wo: layer.output[2] } };
  return [
    linear,
    ...(layer.norm !== 'none' ? [{ type: 'norm' as const, layer: l, units, kind: layer.norm, channels: layer.type === 'conv' ? layer.filters : units,
      plane: layer.type === 'conv' ? layer.output[1] * layer.output[2] : 1 }] : []),
    { type: 'activation', layer: l, units, activation: layer.activation },
  ];
}

function normEntry(norm: Extract<DescribedLayer, { type: 'norm' }>, activation: ActivationSpec, batch: number): NormEntry {
  // units = channels x plane: every element; the parameters and statistics are per channel.
  const { layer: l, units, kind, channels, plane } = norm;
  const regions: Record<string, Region> = {
    y: { buffer: 'arena', floats: batch * units, label: `N${l}` },
    out: { buffer: 'arena', floats: batch * units, label: `A${l}` },
    dout: { buffer: 'arena', floats: batch * units, label: `dA${l}` },
    stat: { buffer: 'arena', floats: 2 * (kind === 'batch' ? channels : batch), label: `norm${l} mean, invstd` },
    dgamma: { buffer: 'arena', floats: channels, label: `dgamma${l}` },
    dbeta: { buffer: 'arena', floats: channels, label: `dbeta${l}` },
    gamma: { buffer: 'small', floats: channels, label: `gamma${l}` },
    beta: { buffer: 'small', floats: channels, label: `beta${l}` },
  };
  if (kind === 'batch') {
    regions.rmean = { buffer: 'small', floats: channels, label: `running mean${l}` };
    regions.rvar = { buffer: 'small', floats: channels, label: `running var${l}` };
  }
  return { type: 'norm', layer: l, inputWidth: units, outputWidth: units, regions, kind, activation, channels, plane };
}

function denseEntry(linear: Extract<DescribedLayer, { type: 'linear' }>, activation: ActivationSpec, batch: number): DenseEntry {
  const { layer: l, din, units } = linear;
  const cols = units * linear.pieces;
  const regions: Record<string, Region> = {
    z: { buffer: 'arena', floats: batch * cols, label: `Z${l}` },
    out: { buffer: 'arena', floats: batch * units, label: `A${l}` },
    dout: { buffer: 'arena', floats: batch * units, label: `dA${l}` },
  };
  if (linear.bias) regions.db = { buffer: 'arena', floats: cols, label: `db${l}` };
  if (activation.name === 'prelu') regions.dalpha = { buffer: 'arena', floats: units, label: `dalpha${l}` };
  if (linear.bias) regions.b = { buffer: 'small', floats: cols, label: `b${l}` };
  if (activation.name === 'prelu') regions.alpha = { buffer: 'small', floats: units, label: `alpha${l}` };
  regions.W = { buffer: 'own', floats: din * cols, label: `W${l}` };
  regions.dW = { buffer: 'own', floats: din * cols, label: `dW${l}`, when: 'backward' };
  regions.update = { buffer: 'own', floats: din * cols, label: `update${l}`, when: 'update' };
  return { type: 'dense', layer: l, inputWidth: din, outputWidth: units, regions, activation, bias: linear.bias, cols, reportsActivation: true };
}

function convEntry(linear: Extract<DescribedLayer, { type: 'linear' }>, conv: ConvShape, activation: ActivationSpec, batch: number): ConvEntry {
  const { layer: l, din, units } = linear;
  const weights = conv.cout * conv.cin * conv.kh * conv.kw;
  const regions: Record<string, Region> = {
    z: { buffer: 'arena', floats: batch * units, label: `Z${l}` },
    out: { buffer: 'arena', floats: batch * units, label: `A${l}` },
    dout: { buffer: 'arena', floats: batch * units, label: `dA${l}` },
  };
  if (linear.bias) regions.db = { buffer: 'arena', floats: conv.cout, label: `db${l}` };
  if (linear.bias) regions.b = { buffer: 'small', floats: conv.cout, label: `b${l}` };
  regions.W = { buffer: 'own', floats: weights, label: `W${l}` };
  regions.dW = { buffer: 'own', floats: weights, label: `dW${l}`, when: 'backward' };
  regions.update = { buffer: 'own', floats: weights, label: `update${l}`, when: 'update' };
  return { type: 'conv', layer: l, inputWidth: din, outputWidth: units, regions, activation, bias: linear.bias, shape: conv, cols: conv.cout, reportsActivation: true };
}

function poolEntry(pool: Extract<DescribedLayer, { type: 'pool' }>, batch: number): PoolEntry {
  const { layer: l, shape: s } = pool;
  const units = s.c * s.ho * s.wo;
  return { type: 'pool', layer: l, inputWidth: s.c * s.h * s.w, outputWidth: units, kind: pool.kind, shape: s, regions: {
    out: { buffer: 'arena', floats: batch * units, label: `A${l}` },
    dout: { buffer: 'arena', floats: batch * units, label: `dA${l}` },
  } };
}

function forkEntry(fork: Extract<DescribedLayer, { type: 'fork' }>, batch: number): ForkEntry {
  const { layer: l, units } = fork;
  return { type: 'fork', layer: l, inputWidth: units, outputWidth: units, join: -1, regions: {
    dout: { buffer: 'arena', floats: batch * units, label: `dbranch${l}` },
  } };
}

function joinEntry(join: Extract<DescribedLayer, { type: 'join' }>, fork: number, batch: number): JoinEntry {
  const { layer: l, units } = join;
  const regions: Record<string, Region> = {
    z: { buffer: 'arena', floats: batch * units, label: `Z${l}` },
    out: { buffer: 'arena', floats: batch * units, label: `A${l}` },
    dout: { buffer: 'arena', floats: batch * units, label: `dA${l}` },
    dz: { buffer: 'arena', floats: batch * units, label: `dZ${l}` },
  };
  if (join.multiplier) {
    regions.dmult = { buffer: 'arena', floats: 1, label: `dmultiplier${l}` };
    regions.mult = { buffer: 'small', floats: 1, label: `multiplier${l}` };
  }
  return { type: 'join', layer: l, inputWidth: units, outputWidth: units, regions, activation: join.activation, multiplier: join.multiplier, fork };
}

function dropoutEntry(d: Extract<DescribedLayer, { type: 'dropout' }>, batch: number): DropoutEntry {
  const { layer: l, units } = d;
  return { type: 'dropout', layer: l, inputWidth: units, outputWidth: units, p: d.p, regions: {
    out: { buffer: 'arena', floats: batch * units, label: `A${l}` },
    dout: { buffer: 'arena', floats: batch * units, label: `dA${l}` },
  } };
}

/** The entries the scheduler runs: each linear with the activation that follows it fused into its
 *  epilogue (a linear with none, or with a norm after it, gets 'linear'), each norm with the
 *  activation that follows it. describeLayers never makes anything else; a list that has an
 *  activation with neither before it is refused (no layer type runs a bare activation). */
export function fuseLayers(described: DescribedLayer[], batch: number, identity: ActivationSpec): LayerEntry[] {
  const entries: LayerEntry[] = [];
  const forks: number[] = [];
  for (let i = 0; i < described.length; i++) {
    const d = described[i];
    if (d.type === 'fork') { forks.push(entries.length); entries.push(forkEntry(d, batch)); continue; }
    if (d.type === 'join') {
      const fork = forks.pop()!;
      (entries[fork] as ForkEntry).join = entries.length;
      entries.push(joinEntry(d, fork, batch));
      continue;
    }
    if (d.type === 'dropout') { entries.push(dropoutEntry(d, batch)); continue; }
    if (d.type === 'norm' && described[i + 1]?.type === 'activation') {
      const next = described[++i] as Extract<DescribedLayer, { type: 'activation' }>;
      entries.push(normEntry(d, next.activation, batch));
      continue;
    }
    if (d.type === 'pool') { entries.push(poolEntry(d, batch)); continue; }
    if (d.type !== 'linear') throw new Error(`layer ${d.layer}: a ${d.type} needs a linear before it (and a norm an activation after it)`);
    const next = described[i + 1];
    const activation = next?.type === 'activation' ? next.activation : identity;
    if (next?.type === 'activation') i++;
    const made: DenseEntry | ConvEntry = d.conv ? convEntry(d, d.conv, activation, batch) : denseEntry(d, activation, batch);
    made.reportsActivation = next?.type !== 'norm';
    entries.push(made);
  }
  return entries;
}

/** The name of entry i's output in plans: its `out` region's, or (a fork: a view) its input's. */
export function outputName(entries: LayerEntry[], i: number): string {
  if (i < 0) return 'X';
  return entries[i].regions.out?.label ?? outputName(entries, i - 1);
}

export const isDense = (e: LayerEntry): e is DenseEntry => e.type === 'dense';
export const isNorm = (e: LayerEntry): e is NormEntry => e.type === 'norm';
export const isConv = (e: LayerEntry): e is ConvEntry => e.type === 'conv';
/** An entry with a weight tensor W (dense or conv). */
export const isWeighted = (e: LayerEntry): e is DenseEntry | ConvEntry => isDense(e) || isConv(e);
