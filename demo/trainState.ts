// The training view's settings (design.md section 8: view=train plus dataset, act, init, norm,
// optimizer, lr, width, layers, batch, seed, steps; std for init=normal), a comparison's second
// configuration B (compare=1 with b_act, b_init, b_std, b_norm, b_optimizer, b_lr: same data,
// sizes, seed and steps), the presets, and the URL hash that carries them.
import { ACTIVATION_NAMES, INIT_NAMES, LENET5_INPUT, LENET5_LAYERS, type MLPOptions, type NetOptions, type TrainerOptions } from '../src/index';
import { decimal, flag, integer, oneOf, parseFields, type HashField } from './hash';
import { netName } from './state';
import PRESETS from './trainPresets.json';

const NORMS = ['none', 'batch', 'layer'] as const;
const OPTIMIZERS = ['sgd', 'adam', 'adamw'] as const;
/** Activations the training view offers: norm layers do not take maxout or PReLU yet. */
export const TRAIN_ACTIVATIONS = ACTIVATION_NAMES.filter((a) => a !== 'maxout' && a !== 'prelu');

export interface TrainConfig {
  act: string;
  init: string;
  std: number;
  norm: typeof NORMS[number];
  optimizer: typeof OPTIMIZERS[number];
  lr: number;
}

export interface TrainState extends TrainConfig {
  /** 'csv' and 'images': the file or folder dropped or chosen in the view (demo/csvData.ts, demo/imageData.ts). */
  dataset: 'mnist' | 'spiral' | 'csv' | 'images';
  /** 'mlp': layers x width; 'lenet5': LeNet-5 (MNIST's 28 x 28 images; width and layers unused). */
  net: 'mlp' | 'lenet5';
  width: number;
  layers: number;
  batch: number;
  seed: number;
  steps: number;
  compare: boolean;
  b: TrainConfig;
}

export const TRAIN_DEFAULTS: TrainState = {
  dataset: 'mnist', net: 'mlp', act: 'tanh', init: 'xavier', std: 0.5, norm: 'none', optimizer: 'sgd', lr: 0.1, width: 128, layers: 6, batch: 64, seed: 0, steps: 1000,
  compare: false, b: { act: 'tanh', init: 'small', std: 0.5, norm: 'none', optimizer: 'sgd', lr: 0.1 },
};

/** The hash is flat: B's fields travel as b_act, b_init, ... and are folded into `b` here. */
type Flat = Omit<TrainState, 'b'> & { [K in keyof TrainConfig as `b_${K}`]: TrainConfig[K] };

const CONFIG_FIELDS = {
  act: oneOf(TRAIN_ACTIVATIONS), init: oneOf(INIT_NAMES), std: decimal(0, 100), norm: oneOf(NORMS), optimizer: oneOf(OPTIMIZERS), lr: decimal(0, 10, true),
};

const FIELDS = {
  dataset: { key: 'dataset', parse: oneOf(['mnist', 'spiral', 'csv', 'images']) },
  net: { key: 'net', parse: oneOf(['mlp', 'lenet5']) },
  width: { key: 'width', parse: integer(1, 4096) },
  layers: { key: 'layers', parse: integer(1, 50) },
  batch: { key: 'batch', parse: integer(2, 512) },
  seed: { key: 'seed', parse: integer(0, 4294967295) },
  steps: { key: 'steps', parse: integer(1, 100000) },
  compare: { key: 'compare', parse: flag },
  ...Object.fromEntries(Object.entries(CONFIG_FIELDS).flatMap(([k, parse]) => [[k, { key: k, parse }], [`b_${k}`, { key: `b_${k}`, parse }]])),
} as Record<string, HashField<Flat>>;

/** A state as the form's and the hash's flat fields (B's as b_act, b_init, ...). */
export const flattenTrainState = (s: TrainState): Flat => {
  const { b, ...rest } = s;
  return { ...rest, ...Object.fromEntries(Object.entries(b).map(([k, v]) => [`b_${k}`, v])) } as Flat;
};
const fold = (f: Flat): TrainState => {
  const b = Object.fromEntries(Object.keys(CONFIG_FIELDS).map((k) => [k, f[`b_${k}` as keyof Flat]])) as unknown as TrainConfig;
  const rest = Object.fromEntries(Object.entries(f).filter(([k]) => !k.startsWith('b_'))) as Omit<TrainState, 'b'>;
  return { ...rest, b };
};

/** Parses the hash's training keys; returns the state and a note per refused value. */
export function parseTrainHash(hash: string): { state: TrainState; notes: string[] } {
  const r = parseFields(hash, flattenTrainState(TRAIN_DEFAULTS), FIELDS);
  return { state: fold(r.state), notes: r.notes };
}

export function toTrainHash(s: TrainState): string {
  const p = new URLSearchParams({ view: 'train' });
  for (const [key, value] of Object.entries(flattenTrainState(s))) {
    if (key.startsWith('b_') && !s.compare) continue;
    if ((key === 'std' && s.init !== 'normal') || (key === 'b_std' && s.b.init !== 'normal')) continue;
    p.set(key, typeof value === 'boolean' ? (value ? '1' : '0') : String(value));
  }
  return `#${p.toString()}`;
}

/** Configuration B as a whole state (data, sizes, seed and steps from A). */
export const stateB = (s: TrainState): TrainState => ({ ...s, ...s.b });

export const configName = (c: TrainConfig): string => `${netName(c)}, ${c.optimizer} ${c.lr}`;

/** Whether a state trains LeNet-5: on MNIST only (the spiral's 2 features are no image). */
export const isLenet = (s: TrainState): boolean => s.net === 'lenet5' && s.dataset === 'mnist';

/** The createMLP (or, for LeNet-5, createNet) and trainer options of a state, for data with
 *  `features` inputs and `classes` outputs. */
export function trainingOptions(s: TrainState, features: number, classes: number): { net: MLPOptions | NetOptions; trainer: TrainerOptions } {
  const init = (s.init === 'normal' ? { name: 'normal', std: s.std } : s.init) as MLPOptions['init'];
  const trainer: TrainerOptions = { loss: 'cross_entropy', optimizer: { name: s.optimizer, lr: s.lr } };
  if (isLenet(s)) {
    return { net: { input: LENET5_INPUT, batch: s.batch, activation: s.act as MLPOptions['activation'], init, bias: true, norm: s.norm, seed: s.seed,
      layers: LENET5_LAYERS }, trainer };
  }
  return {
    net: {
      dims: [features, ...Array.from({ length: s.layers }, () => s.width), classes], batch: s.batch, activation: s.act as MLPOptions['activation'],
      output: 'linear', init, bias: true, norm: s.norm, seed: s.seed,
    },
    trainer,
  };
}

export interface TrainPreset { name: string; look: string; state: Partial<TrainState> }

const SGD = { optimizer: 'sgd', lr: 0.1, norm: 'none' } as const;
const config = (c: Partial<TrainConfig>): TrainConfig => ({ ...TRAIN_DEFAULTS.b, ...SGD, ...c });

/** The lecture's cases and its reading list, each a comparison with one sentence on what to look
 *  for. The list is trainPresets.json, which scripts/preset-table.mjs also runs for the README. */
export const TRAIN_PRESETS: TrainPreset[] = PRESETS.map((p) => ({
  name: p.name, look: p.look,
  state: { ...config(p.a as Partial<TrainConfig>), ...(p.shared as Partial<TrainState>), compare: true, b: config(p.b as Partial<TrainConfig>) },
}));
