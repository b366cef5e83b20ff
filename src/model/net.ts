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
  | { type: 'flatten' }
  /** Inverted dropout in training steps only: keep-probability 1 - p, kept entries scaled by 1 / (1 - p). */
  | { type: 'dropout'; p: number }
  /** out = act(x + multiplier f(x)), f the inner layers (dense, conv, dropout) that keep x's shape;
   *  multiplier true: one learnable scalar, 1 at start (Fixup). */
  | { type: 'residual'; layers: LayerOption[]; activation?: ActivationOption; multiplier?: boolean };

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

/** `index`: the place in its list (`layers`, or a block's `layers`); `path`: [i] or [i, j] for a
 *  block's inner layer; `unit`: the id entries, statistics and checkpoints key it by (a top-level
 *  layer's unit is its index; a block's inner layers come after every top-level layer). */
interface LayerBase { index: number; path: number[]; unit: number; input: Shape; output: Shape }
interface WeightedBase extends LayerBase { activation: ActivationSpec; init: InitSpec; biasInit: number | undefined; norm: NormKind }
export interface DenseLayerSpec extends WeightedBase { type: 'dense'; units: number }
export interface ConvLayerSpec extends WeightedBase { type: 'conv'; filters: number; kh: number; kw: number; stride: number; padding: number }
export interface PoolLayerSpec extends LayerBase { type: 'maxpool' | 'avgpool'; size: number; stride: number }
export interface FlattenLayerSpec extends LayerBase { type: 'flatten' }
export interface DropoutLayerSpec extends LayerBase { type: 'dropout'; p: number }
export interface ResidualLayerSpec extends LayerBase { type: 'residual'; layers: LayerSpec[]; activation: ActivationSpec; multiplier: boolean }
export type LayerSpec = DenseLayerSpec | ConvLayerSpec | PoolLayerSpec | FlattenLayerSpec | DropoutLayerSpec | ResidualLayerSpec;
/** A layer with a weight tensor W. */
export type WeightedLayerSpec = DenseLayerSpec | ConvLayerSpec;

export const isPoolLayer = (l: LayerSpec): l is PoolLayerSpec => l.type === 'maxpool' || l.type === 'avgpool';
export const isWeightedLayer = (l: LayerSpec): l is WeightedLayerSpec => l.type === 'dense' || l.type === 'conv';

export interface NetSpec {
  input: Shape;
  batch: number;
  seed: number;
  layers: LayerSpec[];
  /** Every layer by unit: the top-level layers (unit = index), then each block's inner layers. */
  units: LayerSpec[];
}

/** The weighted layers of a net in the order it runs them (a block's inner ones in its place). */
export const weightedLayers = (spec: NetSpec): WeightedLayerSpec[] => netOrder(spec).filter(isWeightedLayer);
/** A layer's name in messages and plans: `3` or `3.1` (a block's inner layer). */
export const pathName = (path: number[]): string => path.join('.');

const WHERE = 'createNet';
const NET_KEYS = ['input', 'batch', 'seed', 'activation', 'init', 'bias', 'norm', 'layers'];
const LAYER_KEYS: Record<string, string[]> = {
  dense: ['type', 'units', 'activation', 'init', 'bias', 'norm'],
  conv: ['type', 'filters', 'size', 'stride', 'padding', 'activation', 'init', 'bias', 'norm'],
  maxpool: ['type', 'size', 'stride'],
  avgpool: ['type', 'size', 'stride'],
  flatten: ['type'],
  dropout: ['type', 'p'],
  residual: ['type', 'layers', 'activation', 'multiplier'],
};
/** The layer types a residual block's branch may hold (each keeps x's shape, or a dense/conv the next undoes). */
const INNER_TYPES = ['dense', 'conv', 'dropout'];

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

/** Where a layer is parsed: its field name, path and unit; `blocks` collects the blocks' inner
 *  layers, numbered from `firstInner` (the count of top-level layers). */
interface Place { at: string; path: number[]; unit: number; blocks: { firstInner: number; layers: LayerSpec[] }; inner: boolean }

function parseLayer(raw: unknown, place: Place, input: Shape, d: NetDefaults, last: boolean, batch: number): LayerSpec {
  const { at, path, unit } = place;
  const index = path[path.length - 1];
  const allowed = place.inner ? INNER_TYPES : Object.keys(LAYER_KEYS);
  if (typeof raw !== 'object' || raw === null) throw invalid(WHERE, at, raw, `an object { type: ${allowed.map((t) => `'${t}'`).join(' | ')}, ... }`);
  const o = raw as Record<string, unknown>;
  const known = typeof o.type === 'string' && allowed.includes(o.type) ? LAYER_KEYS[o.type] : undefined;
  if (!known) throw invalid(WHERE, `${at}.type`, o.type, `one of ${allowed.join(', ')}${place.inner ? ' (inside a residual block)' : ''}`);
  refuseUnknownKeys(WHERE, at, o, known, `absent (a ${o.type as string} layer takes ${known.join(', ')})`);
  const base = { index, path, unit, input };
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
    case 'dropout': {
      const p = o.p;
      if (typeof p !== 'number' || !(p >= 0 && p < 1)) throw invalid(WHERE, `${at}.p`, p, 'a number from 0 (keep all) up to but not including 1');
      return { type: 'dropout', ...base, output: [...input], p };
    }
    case 'residual': return parseResidual(o, place, input, d, batch);
    default:
      return { type: 'flatten', ...base, output: [widthOf(input)] };
  }
}

function parseResidual(o: Record<string, unknown>, place: Place, input: Shape, d: NetDefaults, batch: number): ResidualLayerSpec {
  const { at } = place;
  if (!Array.isArray(o.layers) || o.layers.length === 0) throw invalid(WHERE, `${at}.layers`, o.layers, 'a non-empty array of dense, conv or dropout layers');
  const activation = parseActivation(o.activation ?? d.activation, WHERE, `${at}.activation`);
  if (activation.pieces > 1 || activation.name === 'prelu') {
    throw invalid(WHERE, `${at}.activation`, activation.name, 'an activation without parameters to learn (not maxout or prelu) after a residual sum');
  }
  const multiplier = o.multiplier ?? false;
  if (typeof multiplier !== 'boolean') throw invalid(WHERE, `${at}.multiplier`, multiplier, 'true (one learnable scalar, 1 at start) or false');
  const inner: LayerSpec[] = [];
  let shape = input;
  (o.layers as unknown[]).forEach((raw, j) => {
    const { blocks } = place;
    const unit = blocks.firstInner + blocks.layers.length;
    const spec = parseLayer(raw, { at: `${at}.layers[${j}]`, path: [...place.path, j], unit, blocks, inner: true }, shape, d, false, batch);
    blocks.layers.push(spec);
    inner.push(spec);
    shape = spec.output;
  });
  if (widthOf(shape) !== widthOf(input) || shape.length !== input.length || shape.some((n, i) => n !== input[i])) {
    throw new InitscopeError(`${WHERE}: ${at} (residual) must keep its input's shape ${describeShape(input)} (x + f(x)), ` +
      `but its layers end with ${describeShape(shape)}`, 'invalid-option', `${at}.layers`);
  }
  return { type: 'residual', index: place.path[0], path: place.path, unit: place.unit, input, output: [...input], layers: inner, activation, multiplier };
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
  const blocks = { firstInner: raw.length, layers: [] as LayerSpec[] };
  let shape: Shape = input;
  raw.forEach((l, i) => {
    const spec = parseLayer(l, { at: `layers[${i}]`, path: [i], unit: i, blocks, inner: false }, shape, defaults, i === lastWeighted, batch);
    layers.push(spec);
    shape = spec.output;
  });
  if (lastWeighted < 0) throw invalid(WHERE, 'layers', o.layers, 'a list with at least one dense or conv layer');
  return { input, batch, seed, layers, units: [...layers, ...blocks.layers] };
}

/** Every layer in the order the net runs them: a block, then its inner layers. */
export function netOrder(spec: NetSpec): LayerSpec[] {
  return spec.layers.flatMap((l) => (l.type === 'residual' ? [l, ...l.layers] : [l]));
}

/** A layer by its index in `layers` or, inside a residual block, its path [i, j] (design.md section 9). */
export function resolveLayer(where: string, spec: NetSpec, l: unknown): LayerSpec {
  if (typeof l === 'number' && Number.isInteger(l) && l >= 0 && l < spec.layers.length) return spec.layers[l];
  if (Array.isArray(l) && l.length === 2 && l.every((n) => typeof n === 'number')) {
    const block = spec.layers[l[0]];
    const inner = block?.type === 'residual' ? block.layers[l[1]] : undefined;
    if (inner) return inner;
  }
  const blocks = spec.layers.filter((b): b is ResidualLayerSpec => b.type === 'residual');
  const paths = blocks.length ? ` or a path [i, j] into a residual block (${blocks.map((b) => `[${b.index}, 0..${b.layers.length - 1}]`).join(', ')})` : '';
  throw invalid(where, 'layer', l, `an integer from 0 to ${spec.layers.length - 1}${paths}`);
}
