// The training view's settings (design.md section 8: view=train plus dataset, act, init, norm,
// optimizer, lr, width, layers, batch, seed, steps), their defaults and the URL hash that carries
// them. Every value is validated; a refused one becomes the default and a note (never HTML).
import { ACTIVATION_NAMES, INIT_NAMES, type MLPOptions, type TrainerOptions } from '../src/index';

export interface TrainState {
  dataset: 'mnist' | 'spiral';
  act: string;
  init: string;
  norm: 'none' | 'batch' | 'layer';
  optimizer: 'sgd' | 'adam' | 'adamw';
  lr: number;
  width: number;
  layers: number;
  batch: number;
  seed: number;
  steps: number;
}

export const TRAIN_DEFAULTS: TrainState = {
  dataset: 'mnist', act: 'tanh', init: 'xavier', norm: 'none', optimizer: 'sgd', lr: 0.1, width: 128, layers: 6, batch: 64, seed: 0, steps: 1000,
};

const INTEGER_LIMITS = { width: [1, 4096], layers: [1, 50], batch: [2, 512], seed: [0, 4294967295], steps: [1, 100000] } as const;
/** Activations the training view offers: norm layers do not take maxout or PReLU yet. */
export const TRAIN_ACTIVATIONS = ACTIVATION_NAMES.filter((a) => a !== 'maxout' && a !== 'prelu');

/** Parses the hash's training keys; returns the state and a note per refused value. */
export function parseTrainHash(hash: string): { state: TrainState; notes: string[] } {
  const state: TrainState = { ...TRAIN_DEFAULTS };
  const notes: string[] = [];
  const params = new URLSearchParams(hash.replace(/^#/, ''));
  const refuse = (key: string, raw: string, fallback: unknown) =>
    notes.push(`"${key}" in the URL was ${JSON.stringify(raw.slice(0, 40))}, which is not allowed; using ${JSON.stringify(fallback)}.`);
  const oneOf = <K extends keyof TrainState>(key: K, raw: string, allowed: readonly string[]) => {
    if (allowed.includes(raw)) (state[key] as string) = raw; else refuse(key, raw, TRAIN_DEFAULTS[key]);
  };
  for (const [key, raw] of params) {
    switch (key) {
      case 'dataset': oneOf('dataset', raw, ['mnist', 'spiral']); break;
      case 'act': oneOf('act', raw, TRAIN_ACTIVATIONS); break;
      case 'init': oneOf('init', raw, INIT_NAMES); break;
      case 'norm': oneOf('norm', raw, ['none', 'batch', 'layer']); break;
      case 'optimizer': oneOf('optimizer', raw, ['sgd', 'adam', 'adamw']); break;
      case 'lr': {
        const n = Number(raw);
        if (/^\d*\.?\d+(e-?\d+)?$/i.test(raw) && n > 0 && n <= 10) state.lr = n; else refuse(key, raw, TRAIN_DEFAULTS.lr);
        break;
      }
      case 'width': case 'layers': case 'batch': case 'seed': case 'steps': {
        const [lo, hi] = INTEGER_LIMITS[key];
        const n = Number(raw);
        if (/^\d{1,10}$/.test(raw) && n >= lo && n <= hi) state[key] = n; else refuse(key, raw, TRAIN_DEFAULTS[key]);
        break;
      }
      default: break;
    }
  }
  return { state, notes };
}

export function toTrainHash(s: TrainState): string {
  const p = new URLSearchParams({ view: 'train' });
  for (const [key, value] of Object.entries(s)) p.set(key, String(value));
  return `#${p.toString()}`;
}

/** The createMLP and trainer options of a state, for data with `features` inputs and `classes` outputs. */
export function trainingOptions(s: TrainState, features: number, classes: number): { mlp: MLPOptions; trainer: TrainerOptions } {
  return {
    mlp: {
      dims: [features, ...Array.from({ length: s.layers }, () => s.width), classes], batch: s.batch, activation: s.act as MLPOptions['activation'],
      output: 'linear', init: s.init as MLPOptions['init'], bias: true, norm: s.norm, seed: s.seed,
    },
    trainer: { loss: 'cross_entropy', optimizer: { name: s.optimizer, lr: s.lr } },
  };
}
