// Data-dependent initialisation (Krähenbühl, Doersch, Donahue & Darrell 2015), as issue 18 states
// it: first, layer by layer in order, each unit's weights and bias are set from a data batch so its
// pre-activation has mean 0 and variance 1 (W[:, j] /= s_j, b_j = (b_j - m_j) / s_j; a conv's
// units are its channels, over the batch and every position); then every layer is rescaled so the
// change rate C_l = E[dW_l^2] / E[W_l^2] is the same for all. Scaling W_l by z_l, and b_l by the
// product P_l of the z's up to layer l, scales a ReLU or linear chain's Z_l by P_l (every unit
// switches as before) and multiplies C_l by (prod z)^2 / z_l^4, so z_l = (C_l / geometric mean
// C)^(1/4) equalises the rates in one step and keeps the output's scale (prod z = 1). Other
// activations and residual blocks make it approximate, hence a few iterations. dW comes from
// backward('randn') on the batch.
import { invalid, refuseUnknownKeys } from '../model/errors';
import type { WeightedLayerSpec } from '../model/net';

/** Options of `net.dataInit()`. */
export interface DataInitOptions { iterations?: number }

/** What `net.dataInit()` resolves to, per dense or conv layer in order: the change rates
 *  E[dW^2] / E[W^2] before and after the rescaling, and the factor each layer was scaled by. */
export interface DataInitResult { ratesBefore: number[]; ratesAfter: number[]; scales: number[] }

/** What dataInit needs of its net: passes on the current input, and parameters by layer. */
export interface DataInitHost {
  forward(): Promise<void>;
  /** A forward and a backward with an N(0,1) upstream gradient. */
  backward(): Promise<void>;
  readZ(layer: WeightedLayerSpec): Promise<Float32Array>;
  readParameters(layer: WeightedLayerSpec): Promise<{ W: Float32Array; b?: Float32Array }>;
  readWeightGrad(layer: WeightedLayerSpec): Promise<Float32Array>;
  writeParameters(layer: WeightedLayerSpec, W: Float32Array, b?: Float32Array): void;
}

export function parseDataInitOptions(o: unknown): { iterations: number } {
  if (typeof o !== 'object' || o === null) throw invalid('dataInit', 'options', o, 'an object { iterations? }');
  const { iterations = 3, ...rest } = o as Record<string, unknown>;
  refuseUnknownKeys('dataInit', undefined, rest, [], 'absent (known: iterations)');
  if (typeof iterations !== 'number' || !Number.isInteger(iterations) || iterations < 0 || iterations > 20) {
    throw invalid('dataInit', 'iterations', iterations, 'an integer from 0 to 20 (rescaling rounds)');
  }
  return { iterations };
}

/** Units of a layer's Z and where unit j's entries are: a dense layer's columns, a conv's channels. */
function units(layer: WeightedLayerSpec, rows: number): { count: number; at: (j: number) => number[] } {
  if (layer.type === 'dense') {
    const cols = layer.units * layer.activation.pieces;
    return { count: cols, at: (j) => Array.from({ length: rows }, (_, r) => r * cols + j) };
  }
  const [c, h, w] = layer.output;
  const plane = h * w;
  return { count: c, at: (j) => Array.from({ length: rows * plane }, (_, k) => (Math.floor(k / plane) * c + j) * plane + (k % plane)) };
}

/** Scales unit j's weights (a dense W's column, a conv W's filter). */
function scaleUnit(layer: WeightedLayerSpec, W: Float32Array, j: number, count: number, factor: number): void {
  if (layer.type === 'dense') { for (let i = j; i < W.length; i += count) W[i] *= factor; return; }
  const per = W.length / count;
  for (let i = j * per; i < (j + 1) * per; i++) W[i] *= factor;
}

const meanSquare = (a: ArrayLike<number>) => { let s = 0; for (let i = 0; i < a.length; i++) s += a[i] * a[i]; return s / a.length; };

async function changeRates(host: DataInitHost, layers: WeightedLayerSpec[]): Promise<number[]> {
  await host.backward();
  const rates: number[] = [];
  for (const layer of layers) rates.push(meanSquare(await host.readWeightGrad(layer)) / meanSquare((await host.readParameters(layer)).W));
  return rates;
}

export async function dataInit(host: DataInitHost, layers: WeightedLayerSpec[], batch: number, o: { iterations: number }): Promise<DataInitResult> {
  for (const layer of layers) {
    await host.forward();
    const Z = await host.readZ(layer);
    const { W, b } = await host.readParameters(layer);
    const u = units(layer, batch);
    for (let j = 0; j < u.count; j++) {
      const at = u.at(j);
      const mean = at.reduce((s, i) => s + Z[i], 0) / at.length;
      const std = Math.sqrt(at.reduce((s, i) => s + (Z[i] - mean) ** 2, 0) / at.length);
      if (!(std > 0)) continue;
      scaleUnit(layer, W, j, u.count, 1 / std);
      if (b) b[j] = (b[j] - mean) / std;
    }
    host.writeParameters(layer, W, b);
  }
  const ratesBefore = await changeRates(host, layers);
  const scales = layers.map(() => 1);
  let rates = ratesBefore;
  for (let it = 0; it < o.iterations; it++) {
    const logMean = rates.reduce((s, r) => s + Math.log(r), 0) / rates.length;
    let upstream = 1;
    for (const [k, layer] of layers.entries()) {
      const z = rates[k] > 0 && Number.isFinite(rates[k]) ? Math.exp((Math.log(rates[k]) - logMean) / 4) : 1;
      upstream *= z;
      const { W, b } = await host.readParameters(layer);
      host.writeParameters(layer, W.map((v) => v * z), b?.map((v) => v * upstream));
      scales[k] *= z;
    }
    rates = await changeRates(host, layers);
  }
  return { ratesBefore, ratesAfter: rates, scales };
}
