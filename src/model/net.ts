// A net of layers (design.md section 9), pure data: `engine.createNet` options parsed into one
// spec per layer with its input and output shape, and createMLP's options as the same spec built
// from dense layers. Every refusal names the layer (`layers[3]`), the field and the shape that did
// not fit.
import { parseActivation, type ActivationOption, type ActivationSpec } from './activations';
import { InitscopeError, invalid, isPositiveInteger, refuseUnknownKeys } from './errors';
import { parseInit, type InitOption, type InitSpec } from './initializers';

/** The norm between a layer's linear part and its activation. */
export type NormKind = 'none' | 'batch' | 'layer';

/** What a dense or conv layer may set for itself (else the net's value is used). */
export interface LayerDefaults {
  activation?: ActivationOption;
  init?: InitOption;
  /** false, true (zeros) or { init: value }. */
  bias?: boolean | { init: number };
  norm?: NormKind;
}

/** One entry of `createNet`'s `layers`. */
export type LayerOption =
  | ({ type: 'dense'; units: number } & LayerDefaults)
  | ({ type: 'conv'; filters: number; size: number | [number, number]; stride?: number; padding?: number } & LayerDefaults)
  | { type: 'maxpool' | 'avgpool'; size: number; stride?: number }
  | { type: 'flatten' };

/** What `engine.createNet` takes (design.md section 9). */
export interface NetOptions extends LayerDefaults {
  /** [channels, height, width], or a number of flat features. */
  input: number | [number, number, number];
  batch: number;
  seed?: number;
  layers: LayerOption[];
}

/** A conv layer's shape (design.md section 9's layout). */
export interface ConvShape {
  batch: number;
  cin: number; h: number; w: number;
  cout: number; kh: number; kw: number;
  stride: number; padding: number;
  ho: number; wo: number;
}

/** A pooling layer's shape: planes of c channels, h x w in, ho x wo out. */
export interface PoolShape { batch: number; c: number; h: number; w: number; size: number; stride: number; ho: number; wo: number }

/** A layer's output: [features] or [channels, height, width]. */
export type Shape = number[];

interface LayerBase { index: number; input: Shape; output: Shape }
interface WeightedBase extends LayerBase { activation: ActivationSpec; init: InitSpec; biasInit: number | undefined; norm: NormKind }
export interface DenseLayerSpec extends WeightedBase { type: 'dense'; units: number }
export interface ConvLayerSpec extends WeightedBase { type: 'conv'; filters: number; kh: number; kw: number; stride: number; padding: number }
export interface PoolLayerSpec extends LayerBase { type: 'maxpool' | 'avgpool'; size: number; stride: number }
export interface FlattenLayerSpec extends LayerBase { type: 'flatten' }
export type LayerSpec = DenseLayerSpec | ConvLayerSpec | PoolLayerSpec | FlattenLayerSpec;

export const isPoolLayer = (l: LayerSpec): l is PoolLayerSpec => l.type === 'maxpool' || l.type === 'avgpool';

export interface NetSpec {
  input: Shape;
  batch: number;
  seed: number;
  layers: LayerSpec[];
}

const WHERE = 'createNet';
const NET_KEYS = ['input', 'batch', 'seed', 'activation', 'init', 'bias', 'norm', 'layers'];
const LAYER_KEYS: Record<string, string[]> = {
  dense: ['type', 'units', 'activation', 'init', 'bias', 'norm'],
  conv: ['type', 'filters', 'size', 'stride', 'padding', 'activation', 'init', 'bias', 'norm'],
  maxpool: ['type', 'size', 'stride'],
  avgpool: ['type', 'size', 'stride'],
  flatten: ['type'],
};

export const widthOf = (shape: Shape): number => shape.reduce((a, b) => a * b, 1);
const describeShape = (shape: Shape) => `[${shape.join(', ')}]`;

/** Output size of a window of k over n with the stride and zero padding (design.md section 9). */
export const outputSize = (n: number, k: number, stride: number, padding: number): number => Math.floor((n + 2 * padding - k) / stride) + 1;

export function parseBias(where: string, field: string, bias: unknown): number | undefined {
  if (bias === false) return undefined;
  if (bias === true) return 0;
  if (typeof bias === 'object' && bias !== null && typeof (bias as { init?: unknown }).init === 'number'
    && Number.isFinite((bias as { init: number }).init)) return (bias as { init: number }).init;
  throw invalid(where, field, bias, 'false, true (zeros) or { init: <finite number> }');
}

function parseNorm(field: string, norm: unknown): NormKind {
  if (norm !== 'none' && norm !== 'batch' && norm !== 'layer') throw invalid(WHERE, field, norm, "'none', 'batch' or 'layer'");
  return norm;
}

function integerField(field: string, v: unknown, fallback: number | undefined, min: number, allowed: string): number {
  const value = v ?? fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) throw invalid(WHERE, field, v, allowed);
  return value;
}

/** Refuses a layer whose input has the wrong rank: `layers[i] (type) needs ... input, got [shape]`. */
function shapeError(at: string, type: string, needs: string, input: Shape, hint = ''): InitscopeError {
  return new InitscopeError(`${WHERE}: ${at} (${type}) needs ${needs}, got an input of shape ${describeShape(input)}${hint}`, 'invalid-option', at);
}

interface NetDefaults { activation: unknown; init: unknown; bias: unknown; norm: unknown }

function weighted(at: string, o: Record<string, unknown>, d: NetDefaults, last: boolean): Omit<WeightedBase, keyof LayerBase> {
  const activation = parseActivation(o.activation ?? d.activation, WHERE, `${at}.activation`);
  // The net's norm applies to every dense and conv layer but the last (as createMLP's hidden layers).
  const norm = o.norm !== undefined ? parseNorm(`${at}.norm`, o.norm) : last ? 'none' : parseNorm('norm', d.norm);
  if (norm !== 'none' && (activation.name === 'maxout' || activation.name === 'prelu')) {
    throw invalid(WHERE, `${at}.activation`, activation.name, `an activation other than maxout and prelu with norm '${norm}' (not supported together yet)`);
  }
  return { activation, init: parseInit(o.init ?? d.init, WHERE, `${at}.init`), biasInit: parseBias(WHERE, `${at}.bias`, o.bias ?? d.bias), norm };
}

function parseLayer(raw: unknown, index: number, input: Shape, d: NetDefaults, last: boolean, batch: number): LayerSpec {
  const at = `layers[${index}]`;
  if (typeof raw !== 'object' || raw === null) throw invalid(WHERE, at, raw, "an object { type: 'dense' | 'conv' | 'maxpool' | 'avgpool' | 'flatten', ... }");
  const o = raw as Record<string, unknown>;
  const known = typeof o.type === 'string' ? LAYER_KEYS[o.type] : undefined;
  if (!known) throw invalid(WHERE, `${at}.type`, o.type, `one of ${Object.keys(LAYER_KEYS).join(', ')} (residual and dropout are not built yet)`);
  refuseUnknownKeys(WHERE, at, o, known, `absent (a ${o.type as string} layer takes ${known.join(', ')})`);
  const base = { index, input };
  switch (o.type) {
    case 'dense': {
      if (input.length !== 1) throw shapeError(at, 'dense', 'a flat input', input, "; put { type: 'flatten' } before it");
      const units = integerField(`${at}.units`, o.units, undefined, 1, 'a positive integer');
      const spec: DenseLayerSpec = { type: 'dense', ...base, output: [units], units, ...weighted(at, o, d, last) };
      if (spec.norm === 'batch' && batch === 1) throw invalid(WHERE, 'batch', batch, "at least 2 with norm 'batch' (a variance over one row is 0)");
      return spec;
    }
    case 'conv': {
      if (input.length !== 3) throw shapeError(at, 'conv', 'an input of [channels, height, width]', input);
      const filters = integerField(`${at}.filters`, o.filters, undefined, 1, 'a positive integer');
      const size = o.size;
      const [kh, kw] = Array.isArray(size) && size.length === 2 && size.every(isPositiveInteger) ? size as [number, number]
        : isPositiveInteger(size) ? [size, size] : (() => { throw invalid(WHERE, `${at}.size`, size, 'a positive integer or [kh, kw]'); })();
      const stride = integerField(`${at}.stride`, o.stride, 1, 1, 'a positive integer');
      const padding = integerField(`${at}.padding`, o.padding, 0, 0, 'an integer >= 0');
      if (padding >= kh || padding >= kw) throw invalid(WHERE, `${at}.padding`, padding, `less than the filter size ${kh} x ${kw} (a window of only padding)`);
      const [, h, w] = input;
      const ho = outputSize(h, kh, stride, padding);
      const wo = outputSize(w, kw, stride, padding);
      if (ho < 1 || wo < 1) throw shapeError(at, 'conv', `an input at least ${kh - 2 * padding} x ${kw - 2 * padding} for a ${kh} x ${kw} filter with padding ${padding}`, input);
      const spec: ConvLayerSpec = { type: 'conv', ...base, output: [filters, ho, wo], filters, kh, kw, stride, padding, ...weighted(at, o, d, last) };
      if (spec.activation.name === 'maxout' || spec.activation.name === 'prelu') {
        throw invalid(WHERE, `${at}.activation`, spec.activation.name, 'an activation other than maxout and prelu on a conv layer (not built yet)');
      }
      return spec;
    }
    case 'maxpool':
    case 'avgpool': {
      if (input.length !== 3) throw shapeError(at, o.type, 'an input of [channels, height, width]', input);
      const size = integerField(`${at}.size`, o.size, undefined, 1, 'a positive integer');
      const stride = integerField(`${at}.stride`, o.stride, size, 1, 'a positive integer');
      const [c, h, w] = input;
      if (size > h || size > w) throw shapeError(at, o.type, `an input of at least ${size} x ${size} for its window`, input);
      return { type: o.type, ...base, output: [c, outputSize(h, size, stride, 0), outputSize(w, size, stride, 0)], size, stride };
    }
    default:
      return { type: 'flatten', ...base, output: [widthOf(input)] };
  }
}

export function parseNetOptions(options: unknown): NetSpec {
  if (typeof options !== 'object' || options === null) throw invalid(WHERE, 'options', options, 'an object { input, batch, layers, ... }');
  const o = options as Record<string, unknown>;
  refuseUnknownKeys(WHERE, undefined, o, NET_KEYS, `absent (known options: ${NET_KEYS.join(', ')})`);
  const input = typeof o.input === 'number' ? [o.input] : o.input;
  if (!Array.isArray(input) || !(input.length === 1 || input.length === 3) || !input.every(isPositiveInteger)) {
    throw invalid(WHERE, 'input', o.input, 'a positive integer (flat features) or [channels, height, width] of positive integers');
  }
  const batch = o.batch;
  if (!isPositiveInteger(batch)) throw invalid(WHERE, 'batch', batch, 'an integer >= 1');
  const seed = o.seed ?? 0;
  if (typeof seed !== 'number' || !Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) throw invalid(WHERE, 'seed', seed, 'an integer from 0 to 4294967295');
  if (!Array.isArray(o.layers) || o.layers.length === 0) throw invalid(WHERE, 'layers', o.layers, 'a non-empty array of layers');
  const defaults: NetDefaults = { activation: o.activation ?? 'relu', init: o.init ?? 'kaiming', bias: o.bias ?? true, norm: o.norm ?? 'none' };
  parseNorm('norm', defaults.norm);
  const raw = o.layers as unknown[];
  const lastWeighted = raw.reduce<number>((found, l, i) => {
    const type = (l as { type?: unknown } | null)?.type;
    return type === 'dense' || type === 'conv' ? i : found;
  }, -1);
  const layers: LayerSpec[] = [];
  let shape: Shape = input;
  raw.forEach((l, i) => {
    const spec = parseLayer(l, i, shape, defaults, i === lastWeighted, batch);
    layers.push(spec);
    shape = spec.output;
  });
  if (lastWeighted < 0) throw invalid(WHERE, 'layers', o.layers, 'a list with at least one dense or conv layer');
  return { input, batch, seed, layers };
}
