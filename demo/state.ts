// The single-pass view's settings, their defaults and presets, and the URL hash that carries
// them (keys = form field names; hash.ts validates every value). A comparison adds a second
// configuration B (b_act, b_init, b_norm, b_std) run on the same sizes, seed and input.
import { ACTIVATION_NAMES, INIT_NAMES, type MLPOptions, type NetOptions } from '../src/index';
import { decimal, flag, integer, oneOf, parseFields, type HashField } from './hash';

const NORMS = ['none', 'batch', 'layer'] as const;
export type NormName = typeof NORMS[number];
/** 'mlp': the lecture's net (width units per layer); 'conv': a stack of conv layers of `width`
 *  filters of size x size (padding keeps the image), on width x image x image inputs. */
const NETS = ['mlp', 'conv'] as const;
/** A conv layer's fan-in: 'k2c' = Cin kh kw (the lecture's rule), 'c' = Cin (the k^2 forgotten). */
const FANINS = ['k2c', 'c'] as const;
export type FanIn = typeof FANINS[number];

export interface DemoState {
  act: string;
  slope: number;
  eluAlpha: number;
  preluAlpha: number;
  k: number;
  init: string;
  std: number;
  value: number;
  norm: NormName;
  width: number;
  layers: number;
  batch: number;
  seed: number;
  bias: 'off' | 'zeros' | '0.01';
  range: 'auto' | 'fixed';
  counts: 'linear' | 'log';
  grad: 'ones' | 'randn';
  backward: boolean;
  compare: boolean;
  bAct: string;
  bInit: string;
  bNorm: NormName;
  bStd: number;
  net: typeof NETS[number];
  size: number;
  image: number;
  fanin: FanIn;
  bFanin: FanIn;
}

export const DEFAULTS: DemoState = {
  act: 'tanh', slope: 0.01, eluAlpha: 1, preluAlpha: 0.25, k: 2, init: 'xavier', std: 0.05, value: 0, norm: 'none', width: 4096, layers: 6, batch: 16, seed: 0,
  bias: 'off', range: 'auto', counts: 'linear', grad: 'randn', backward: true, compare: false, bAct: 'tanh', bInit: 'small', bNorm: 'none', bStd: 0.05,
  net: 'mlp', size: 3, image: 16, fanin: 'k2c', bFanin: 'k2c',
};

const FIELDS: Record<string, HashField<DemoState>> = {
  act: { key: 'act', parse: oneOf(ACTIVATION_NAMES) },
  slope: { key: 'slope', parse: decimal(-10, 10) },
  elu_alpha: { key: 'eluAlpha', parse: decimal(0, 10) },
  prelu_alpha: { key: 'preluAlpha', parse: decimal(-10, 10) },
  k: { key: 'k', parse: integer(2, 8) },
  init: { key: 'init', parse: oneOf(INIT_NAMES) },
  std: { key: 'std', parse: decimal(0, 100) },
  value: { key: 'value', parse: decimal(-100, 100) },
  norm: { key: 'norm', parse: oneOf(NORMS) },
  width: { key: 'width', parse: integer(1, 8192) },
  layers: { key: 'layers', parse: integer(1, 50) },
  batch: { key: 'batch', parse: integer(1, 256) },
  seed: { key: 'seed', parse: integer(0, 4294967295) },
  bias: { key: 'bias', parse: oneOf(['off', 'zeros', '0.01']) },
  range: { key: 'range', parse: oneOf(['auto', 'fixed']) },
  counts: { key: 'counts', parse: oneOf(['linear', 'log']) },
  grad: { key: 'grad', parse: oneOf(['ones', 'randn']) },
  backward: { key: 'backward', parse: flag },
  compare: { key: 'compare', parse: flag },
  b_act: { key: 'bAct', parse: oneOf(ACTIVATION_NAMES) },
  b_init: { key: 'bInit', parse: oneOf(INIT_NAMES) },
  b_norm: { key: 'bNorm', parse: oneOf(NORMS) },
  b_std: { key: 'bStd', parse: decimal(0, 100) },
  net: { key: 'net', parse: oneOf(NETS) },
  size: { key: 'size', parse: integer(1, 7) },
  image: { key: 'image', parse: integer(4, 128) },
  fanin: { key: 'fanin', parse: oneOf(FANINS) },
  b_fanin: { key: 'bFanin', parse: oneOf(FANINS) },
};

/** Form field names are the URL's keys. */
export const FORM_NAMES = Object.fromEntries(Object.entries(FIELDS).map(([name, f]) => [f.key, name])) as Record<keyof DemoState, string>;

export interface Preset { name: string; lecture: string; state: Partial<DemoState> }

export const PRESETS: Preset[] = [
  { name: 'small random + tanh', lecture: 'W = 0.01 * randn: activations shrink to zero layer by layer; dL/dW vanishes.', state: { act: 'tanh', init: 'small' } },
  { name: 'too large (0.05) + tanh', lecture: 'W = 0.05 * randn: tanh saturates at +-1; local gradients are zero.', state: { act: 'tanh', init: 'normal', std: 0.05 } },
  { name: 'Xavier + tanh', lecture: 'std = 1/sqrt(Din): activations nicely scaled in every layer.', state: { act: 'tanh', init: 'xavier' } },
  { name: 'Xavier + ReLU', lecture: 'ReLU halves the variance: activations collapse to zero again.', state: { act: 'relu', init: 'xavier' } },
  { name: 'Kaiming + ReLU', lecture: 'std = sqrt(2/Din) fixes ReLU: activations keep their scale.', state: { act: 'relu', init: 'kaiming' } },
  { name: 'sigmoid', lecture: 'Sigmoid outputs are not zero-centred and saturate; its largest slope is 1/4.', state: { act: 'sigmoid', init: 'xavier' } },
  { name: 'SELU + LeCun', lecture: 'Self-normalising: SELU with LeCun init keeps mean 0 and std 1.', state: { act: 'selu', init: 'lecun' } },
  { name: 'GELU', lecture: 'GELU, a smooth ReLU, with Kaiming init.', state: { act: 'gelu', init: 'kaiming' } },
  { name: 'compare: small vs Xavier (tanh)', lecture: 'Side by side on shared axes: with small weights the activations collapse to zero, with Xavier they keep their spread.',
    state: { compare: true, act: 'tanh', init: 'xavier', bAct: 'tanh', bInit: 'small' } },
  { name: 'compare: Xavier vs Kaiming (ReLU)', lecture: 'The same ReLU net twice: Xavier halves the variance in every layer, Kaiming keeps it.',
    state: { compare: true, act: 'relu', init: 'kaiming', bAct: 'relu', bInit: 'xavier' } },
  { name: 'compare: batch norm rescues small init', lecture: 'Small weights with and without batch norm: the norm rescales every layer to unit variance before tanh.',
    state: { compare: true, act: 'tanh', init: 'small', norm: 'batch', bAct: 'tanh', bInit: 'small', bNorm: 'none' } },
  { name: 'conv rule: Din = k² C vs Din = C', lecture: 'For conv layers, Din is filter_size^2 * input_channels: 8 ReLU conv layers of 16 3x3 filters; '
    + 'forget the k² and every layer multiplies the spread by 3.',
    state: { net: 'conv', width: 16, layers: 8, size: 3, image: 16, compare: true, act: 'relu', init: 'kaiming', fanin: 'k2c', bAct: 'relu', bInit: 'kaiming', bFanin: 'c' } },
  { name: 'conv: the new image (6 5x5 filters)', lecture: 'A conv layer of 6 5x5 filters on a 28x28 image gives "a new image of size 28x28x6": its activation maps.',
    state: { net: 'conv', width: 6, layers: 2, size: 5, image: 28, act: 'relu', init: 'kaiming' } },
];

/** Parses the hash; returns the state and a note per refused value. */
export function parseHash(hash: string): { state: DemoState; notes: string[] } {
  return parseFields(hash, DEFAULTS, FIELDS);
}

export function toHash(s: DemoState): string {
  const p = new URLSearchParams({
    act: s.act, init: s.init, norm: s.norm, width: String(s.width), layers: String(s.layers), batch: String(s.batch), seed: String(s.seed),
    bias: s.bias, range: s.range, counts: s.counts, grad: s.grad, backward: s.backward ? '1' : '0',
  });
  if (s.act === 'leaky_relu' || s.compare && s.bAct === 'leaky_relu') p.set('slope', String(s.slope));
  if (s.act === 'elu' || s.compare && s.bAct === 'elu') p.set('elu_alpha', String(s.eluAlpha));
  if (s.act === 'prelu' || s.compare && s.bAct === 'prelu') p.set('prelu_alpha', String(s.preluAlpha));
  if (s.act === 'maxout' || s.compare && s.bAct === 'maxout') p.set('k', String(s.k));
  if (s.init === 'normal') p.set('std', String(s.std));
  if (s.init === 'constant') p.set('value', String(s.value));
  if (s.net === 'conv') {
    p.set('net', 'conv');
    p.set('size', String(s.size));
    p.set('image', String(s.image));
    p.set('fanin', s.fanin);
    if (s.compare) p.set('b_fanin', s.bFanin);
  }
  if (s.compare) {
    p.set('compare', '1');
    p.set('b_act', s.bAct);
    p.set('b_init', s.bInit);
    p.set('b_norm', s.bNorm);
    if (s.bInit === 'normal') p.set('b_std', String(s.bStd));
  }
  return `#${p.toString()}`;
}

/** Configuration B of a comparison as a state of its own (sizes, seed and the rest from A). */
export function stateB(s: DemoState): DemoState {
  return { ...s, act: s.bAct, init: s.bInit, norm: s.bNorm, std: s.bStd, fanin: s.bFanin };
}

/** A short name of a net's configuration (both views), for captions and legends. */
export function netName(s: Pick<DemoState, 'init' | 'std' | 'act' | 'norm'> & Partial<Pick<DemoState, 'net' | 'fanin'>>): string {
  const fanIn = s.net === 'conv' ? (s.fanin === 'c' ? ' (Din = C)' : ' (Din = k²C)') : '';
  return `${s.init === 'normal' ? `normal(${s.std})` : s.init}${fanIn} + ${s.act}${s.norm === 'none' ? '' : ` + ${s.norm} norm`}`;
}

/** The gain of the initialisations whose std is gain / sqrt(Din); others have no fan-in to forget. */
const GAINS: Record<string, number> = { kaiming: Math.SQRT2, xavier: 1, lecun: 1 };

/** The createNet options of a conv state: `layers` conv layers of `width` filters, padding
 *  size / 2 (the image keeps its size); with fan-in 'c' each layer's init is normal with std
 *  gain / sqrt(Cin), what the rule gives when the k^2 is forgotten. */
export function convOptions(s: DemoState): NetOptions {
  const m = mlpOptions(s);
  const forgot = s.fanin === 'c' && GAINS[s.init] !== undefined;
  return {
    input: [s.width, s.image, s.image], batch: s.batch, seed: s.seed, activation: m.activation, init: m.init, bias: m.bias, norm: 'none',
    layers: Array.from({ length: s.layers }, () => ({ type: 'conv' as const, filters: s.width, size: s.size, padding: Math.floor(s.size / 2),
      ...(forgot ? { init: { name: 'normal' as const, std: GAINS[s.init] / Math.sqrt(s.width) } } : {}) })),
  };
}

/** The createMLP options for a state. */
export function mlpOptions(s: DemoState): MLPOptions {
  const activation = s.act === 'leaky_relu' ? { name: 'leaky_relu' as const, slope: s.slope }
    : s.act === 'elu' ? { name: 'elu' as const, alpha: s.eluAlpha }
    : s.act === 'prelu' ? { name: 'prelu' as const, alpha: s.preluAlpha }
    : s.act === 'maxout' ? { name: 'maxout' as const, k: s.k } : s.act;
  const init = s.init === 'normal' ? { name: 'normal' as const, std: s.std }
    : s.init === 'constant' ? { name: 'constant' as const, value: s.value } : s.init;
  return {
    dims: Array.from({ length: s.layers + 1 }, () => s.width),
    batch: s.batch,
    activation: activation as MLPOptions['activation'],
    init: init as MLPOptions['init'],
    bias: s.bias === 'off' ? false : s.bias === 'zeros' ? true : { init: 0.01 },
    norm: s.norm,
    seed: s.seed,
  };
}
