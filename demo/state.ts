// The demo's settings, their defaults and presets, and the URL hash that carries them. Every value
// from the hash is validated; a bad one is replaced by its default and reported as a note (never
// inserted as HTML).
import { ACTIVATION_NAMES, INIT_NAMES } from '../src/index';

export interface DemoState {
  act: string;
  slope: number;
  eluAlpha: number;
  preluAlpha: number;
  k: number;
  init: string;
  std: number;
  value: number;
  width: number;
  layers: number;
  batch: number;
  seed: number;
  bias: 'off' | 'zeros' | '0.01';
  range: 'auto' | 'fixed';
  grad: 'ones' | 'randn';
  backward: boolean;
}

export const DEFAULTS: DemoState = {
  act: 'tanh', slope: 0.01, eluAlpha: 1, preluAlpha: 0.25, k: 2, init: 'xavier', std: 0.05, value: 0, width: 4096, layers: 6, batch: 16, seed: 0,
  bias: 'off', range: 'auto', grad: 'randn', backward: true,
};

export const LIMITS = { width: [1, 8192], layers: [1, 12], batch: [1, 256], seed: [0, 4294967295], k: [2, 8] } as const;

export const PRESETS: Array<{ name: string; lecture: string; state: Partial<DemoState> }> = [
  { name: 'small random + tanh', lecture: 'W = 0.01 * randn: activations shrink to zero layer by layer; dL/dW vanishes.', state: { act: 'tanh', init: 'small' } },
  { name: 'too large (0.05) + tanh', lecture: 'W = 0.05 * randn: tanh saturates at +-1; local gradients are zero.', state: { act: 'tanh', init: 'normal', std: 0.05 } },
  { name: 'Xavier + tanh', lecture: 'std = 1/sqrt(Din): activations nicely scaled in every layer.', state: { act: 'tanh', init: 'xavier' } },
  { name: 'Xavier + ReLU', lecture: 'ReLU halves the variance: activations collapse to zero again.', state: { act: 'relu', init: 'xavier' } },
  { name: 'Kaiming + ReLU', lecture: 'std = sqrt(2/Din) fixes ReLU: activations keep their scale.', state: { act: 'relu', init: 'kaiming' } },
  { name: 'sigmoid', lecture: 'Sigmoid outputs are not zero-centred and saturate; its largest slope is 1/4.', state: { act: 'sigmoid', init: 'xavier' } },
  { name: 'SELU + LeCun', lecture: 'Self-normalising: SELU with LeCun init keeps mean 0 and std 1.', state: { act: 'selu', init: 'lecun' } },
  { name: 'GELU', lecture: 'GELU, a smooth ReLU, with Kaiming init.', state: { act: 'gelu', init: 'kaiming' } },
];

function readInt(raw: string, key: keyof typeof LIMITS): number | undefined {
  if (!/^\d{1,10}$/.test(raw)) return undefined;
  const n = Number(raw);
  const [lo, hi] = LIMITS[key];
  return n >= lo && n <= hi ? n : undefined;
}

function readNumber(raw: string, lo: number, hi: number): number | undefined {
  if (!/^-?\d*\.?\d+(e-?\d+)?$/i.test(raw)) return undefined;
  const n = Number(raw);
  return Number.isFinite(n) && n >= lo && n <= hi ? n : undefined;
}

/** Parses the hash; returns the state and a note per refused value. Unknown keys are ignored. */
export function parseHash(hash: string): { state: DemoState; notes: string[] } {
  const state: DemoState = { ...DEFAULTS };
  const notes: string[] = [];
  const params = new URLSearchParams(hash.replace(/^#/, ''));
  const refuse = (key: string, raw: string, fallback: unknown) =>
    notes.push(`"${key}" in the URL was ${JSON.stringify(raw.slice(0, 40))}, which is not allowed; using ${JSON.stringify(fallback)}.`);
  for (const [key, raw] of params) {
    switch (key) {
      case 'act': if ((ACTIVATION_NAMES as readonly string[]).includes(raw)) state.act = raw; else refuse(key, raw, DEFAULTS.act); break;
      case 'init': if ((INIT_NAMES as readonly string[]).includes(raw)) state.init = raw; else refuse(key, raw, DEFAULTS.init); break;
      case 'width': case 'layers': case 'batch': case 'seed': case 'k': {
        const v = readInt(raw, key);
        if (v === undefined) refuse(key, raw, DEFAULTS[key]); else state[key] = v;
        break;
      }
      case 'slope': { const v = readNumber(raw, -10, 10); if (v === undefined) refuse(key, raw, DEFAULTS.slope); else state.slope = v; break; }
      case 'elu_alpha': { const v = readNumber(raw, 0, 10); if (v === undefined) refuse(key, raw, DEFAULTS.eluAlpha); else state.eluAlpha = v; break; }
      case 'prelu_alpha': { const v = readNumber(raw, -10, 10); if (v === undefined) refuse(key, raw, DEFAULTS.preluAlpha); else state.preluAlpha = v; break; }
      case 'std': { const v = readNumber(raw, 0, 100); if (v === undefined) refuse(key, raw, DEFAULTS.std); else state.std = v; break; }
      case 'value': { const v = readNumber(raw, -100, 100); if (v === undefined) refuse(key, raw, DEFAULTS.value); else state.value = v; break; }
      case 'bias': if (raw === 'off' || raw === 'zeros' || raw === '0.01') state.bias = raw; else refuse(key, raw, DEFAULTS.bias); break;
      case 'range': if (raw === 'auto' || raw === 'fixed') state.range = raw; else refuse(key, raw, DEFAULTS.range); break;
      case 'grad': if (raw === 'ones' || raw === 'randn') state.grad = raw; else refuse(key, raw, DEFAULTS.grad); break;
      case 'backward': if (raw === '1' || raw === '0') state.backward = raw === '1'; else refuse(key, raw, '1'); break;
      default: break;
    }
  }
  return { state, notes };
}

export function toHash(s: DemoState): string {
  const p = new URLSearchParams({
    act: s.act, init: s.init, width: String(s.width), layers: String(s.layers), batch: String(s.batch), seed: String(s.seed),
    bias: s.bias, range: s.range, grad: s.grad, backward: s.backward ? '1' : '0',
  });
  if (s.act === 'leaky_relu') p.set('slope', String(s.slope));
  if (s.act === 'elu') p.set('elu_alpha', String(s.eluAlpha));
  if (s.act === 'prelu') p.set('prelu_alpha', String(s.preluAlpha));
  if (s.act === 'maxout') p.set('k', String(s.k));
  if (s.init === 'normal') p.set('std', String(s.std));
  if (s.init === 'constant') p.set('value', String(s.value));
  return `#${p.toString()}`;
}

/** The createMLP options for a state. */
export function mlpOptions(s: DemoState) {
  const activation = s.act === 'leaky_relu' ? { name: 'leaky_relu' as const, slope: s.slope }
    : s.act === 'elu' ? { name: 'elu' as const, alpha: s.eluAlpha }
    : s.act === 'prelu' ? { name: 'prelu' as const, alpha: s.preluAlpha }
    : s.act === 'maxout' ? { name: 'maxout' as const, k: s.k } : s.act;
  const init = s.init === 'normal' ? { name: 'normal' as const, std: s.std }
    : s.init === 'constant' ? { name: 'constant' as const, value: s.value } : s.init;
  return {
    dims: Array.from({ length: s.layers + 1 }, () => s.width),
    batch: s.batch,
    activation: activation as never,
    init: init as never,
    bias: s.bias === 'off' ? false : s.bias === 'zeros' ? true : { init: 0.01 },
    seed: s.seed,
  };
}
