// The net as a list of layers, pure data. `describeLayers` reads the options as the lecture
// writes the net (linear, activation, linear, activation, ...); `fuseLayers` turns that into the
// entries the scheduler runs, an activation fused into the linear's epilogue where one follows.
// Each entry names the regions it owns; model/layout.ts places them, the layer type of the
// scheduler (src/scheduler/layers/) makes its dispatches.
import type { ActivationSpec } from './activations';
import type { MLPSpec } from './options';

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

/** Y = gamma * normalise(Z) + beta (per unit over the batch, or per row over the units), then
 *  A = act(Y) in the same kernel. */
export interface NormEntry extends LayerEntry {
  type: 'norm';
  kind: 'batch' | 'layer';
  activation: ActivationSpec;
}

/** An entry of the lecture's form of the net, before fusion. */
export type DescribedLayer =
  | { type: 'linear'; layer: number; din: number; units: number; pieces: number; bias: boolean }
  | { type: 'norm'; layer: number; units: number; kind: 'batch' | 'layer' }
  | { type: 'activation'; layer: number; units: number; activation: ActivationSpec };

export function describeLayers(spec: MLPSpec): DescribedLayer[] {
  return spec.dims.slice(1).flatMap((units, l): DescribedLayer[] => {
    const hidden = l < spec.layers - 1;
    const activation = hidden ? spec.activation : spec.output;
    return [
      { type: 'linear', layer: l, din: spec.dims[l], units, pieces: activation.pieces, bias: spec.biasInit !== undefined },
      ...(hidden && spec.norm !== 'none' ? [{ type: 'norm' as const, layer: l, units, kind: spec.norm }] : []),
      { type: 'activation', layer: l, units, activation },
    ];
  });
}

function normEntry(norm: Extract<DescribedLayer, { type: 'norm' }>, activation: ActivationSpec, batch: number): NormEntry {
  const { layer: l, units, kind } = norm;
  const regions: Record<string, Region> = {
    y: { buffer: 'arena', floats: batch * units, label: `N${l}` },
    out: { buffer: 'arena', floats: batch * units, label: `A${l}` },
    dout: { buffer: 'arena', floats: batch * units, label: `dA${l}` },
    stat: { buffer: 'arena', floats: 2 * (kind === 'batch' ? units : batch), label: `norm${l} mean, invstd` },
    dgamma: { buffer: 'arena', floats: units, label: `dgamma${l}` },
    dbeta: { buffer: 'arena', floats: units, label: `dbeta${l}` },
    gamma: { buffer: 'small', floats: units, label: `gamma${l}` },
    beta: { buffer: 'small', floats: units, label: `beta${l}` },
  };
  if (kind === 'batch') {
    regions.rmean = { buffer: 'small', floats: units, label: `running mean${l}` };
    regions.rvar = { buffer: 'small', floats: units, label: `running var${l}` };
  }
  return { type: 'norm', layer: l, inputWidth: units, outputWidth: units, regions, kind, activation };
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

/** The entries the scheduler runs: each linear with the activation that follows it fused into its
 *  epilogue (a linear with none, or with a norm after it, gets 'linear'), each norm with the
 *  activation that follows it. describeLayers never makes anything else; a list that has an
 *  activation with neither before it is refused (no layer type runs a bare activation). */
export function fuseLayers(described: DescribedLayer[], batch: number, identity: ActivationSpec): LayerEntry[] {
  const entries: LayerEntry[] = [];
  for (let i = 0; i < described.length; i++) {
    const d = described[i];
    if (d.type === 'norm' && described[i + 1]?.type === 'activation') {
      const next = described[++i] as Extract<DescribedLayer, { type: 'activation' }>;
      entries.push(normEntry(d, next.activation, batch));
      continue;
    }
    if (d.type !== 'linear') throw new Error(`layer ${d.layer}: a ${d.type} needs a linear before it (and a norm an activation after it)`);
    const next = described[i + 1];
    const activation = next?.type === 'activation' ? next.activation : identity;
    if (next?.type === 'activation') i++;
    const dense: DenseEntry = { ...denseEntry(d, activation, batch), reportsActivation: next?.type !== 'norm' };
    entries.push(dense);
  }
  return entries;
}

export const isDense = (e: LayerEntry): e is DenseEntry => e.type === 'dense';
export const isNorm = (e: LayerEntry): e is NormEntry => e.type === 'norm';
