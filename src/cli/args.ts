import { ACTIVATION_NAMES } from '../model/activations';
import { INIT_NAMES } from '../model/initializers';
import type { BackwardResult, ForwardResult } from '../stats/types';

export const usage = `usage: npm run experiment -- [options]
  --act NAME        activation: ${ACTIVATION_NAMES.join(', ')} (default tanh)
  --slope S         leaky_relu slope (0.01)     --alpha A   elu alpha / prelu initial alpha
  --k K             maxout pieces (2)
  --init NAME       ${INIT_NAMES.join(', ')} (default xavier)
  --std S           std for --init normal (0.05)  --value V  value for --init constant
  --width W         units per layer (4096)       --layers N  hidden layers (6)
  --dims a,b,c      Din then one width per layer (overrides --width/--layers)
  --batch B         rows (16)                    --seed S    random seed (0)
  --bias [V]        add a bias initialised to V (0)
  --bins N          histogram bins (64)
  --backward        also run backward: std of dL/dW, std(dW)/std(W), std of dL/dA per layer
  --gradient G      upstream gradient dL/dA_L: randn (default) or ones
  --json            print the full statistics as JSON
  --profile         also time each dispatch of the step alone (where the time goes)`;

export interface ExperimentArgs {
  activation: string | Record<string, unknown>;
  init: string | Record<string, unknown>;
  dims: number[];
  batch: number;
  seed: number;
  bias: false | { init: number };
  bins: number;
  backward: boolean;
  gradient: 'randn' | 'ones';
  json: boolean;
  profile: boolean;
  help: boolean;
}

function int(flag: string, v: string | undefined): number {
  const n = Number(v);
  if (v === undefined || !Number.isInteger(n)) throw new Error(`${flag} needs an integer, got ${JSON.stringify(v)}`);
  return n;
}

function num(flag: string, v: string | undefined): number {
  const n = Number(v);
  if (v === undefined || v === '' || !Number.isFinite(n)) throw new Error(`${flag} needs a number, got ${JSON.stringify(v)}`);
  return n;
}

export function parseExperimentArgs(argv: string[]): ExperimentArgs {
  let act = 'tanh', init = 'xavier', width = 4096, layers = 6;
  let dims: number[] | undefined;
  let slope: number | undefined, alpha: number | undefined, k: number | undefined, std: number | undefined, value: number | undefined;
  const out: ExperimentArgs = { activation: act, init, dims: [], batch: 16, seed: 0, bias: false, bins: 64, backward: false,
    gradient: 'randn', json: false, profile: false, help: false };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const next = () => argv[++i];
    switch (flag) {
      case '--act': case '--activation': act = next(); break;
      case '--init': init = next(); break;
      case '--slope': slope = num(flag, next()); break;
      case '--alpha': alpha = num(flag, next()); break;
      case '--k': k = int(flag, next()); break;
      case '--std': std = num(flag, next()); break;
      case '--value': value = num(flag, next()); break;
      case '--width': width = int(flag, next()); break;
      case '--layers': layers = int(flag, next()); break;
      case '--dims': dims = (next() ?? '').split(',').map((d) => int(flag, d)); break;
      case '--batch': out.batch = int(flag, next()); break;
      case '--seed': out.seed = int(flag, next()); break;
      case '--bins': out.bins = int(flag, next()); break;
      case '--bias': {
        const v = argv[i + 1];
        if (v !== undefined && !v.startsWith('--')) { out.bias = { init: num(flag, v) }; i++; } else out.bias = { init: 0 };
        break;
      }
      case '--backward': out.backward = true; break;
      case '--gradient': {
        const g = next();
        if (g !== 'randn' && g !== 'ones') throw new Error(`--gradient must be randn or ones, got ${JSON.stringify(g)}`);
        out.gradient = g;
        break;
      }
      case '--json': out.json = true; break;
      case '--profile': out.profile = true; break;
      case '-h': case '--help': out.help = true; break;
      default: throw new Error(`unknown option ${JSON.stringify(flag)}`);
    }
  }
  if (layers < 1) throw new Error(`--layers must be >= 1, got ${layers}`);
  out.dims = dims ?? Array.from({ length: layers + 1 }, () => width);
  const params: Record<string, unknown> = {};
  if (slope !== undefined) params.slope = slope;
  if (alpha !== undefined) params.alpha = alpha;
  if (k !== undefined) params.k = k;
  out.activation = Object.keys(params).length ? { name: act, ...params } : act;
  const initParams: Record<string, unknown> = {};
  if (std !== undefined) initParams.std = std;
  if (value !== undefined) initParams.value = value;
  out.init = Object.keys(initParams).length ? { name: init, ...initParams } : init;
  return out;
}

const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
const fmt = (x: number) => (Math.abs(x) >= 1e-3 || x === 0 ? x.toFixed(4) : x.toExponential(2));

export function formatTable(forward: ForwardResult, backward: BackwardResult | undefined, weightStd: number[]): string {
  const header = ['layer', 'mean', 'std', 'min', 'max', 'zero', 'saturated', 'dead'];
  if (backward) header.push('std dL/dW', 'std(dW)/std(W)', 'std dL/dA');
  const rows = forward.layers.map((f, l) => {
    const a = f.activation;
    const row = [String(l + 1), fmt(a.mean), fmt(a.std), fmt(a.min), fmt(a.max), pct(a.zeroFraction), pct(a.saturatedFraction), pct(a.deadUnitFraction)];
    if (backward) {
      const g = backward.layers[l];
      const above = backward.layers[l + 1]?.inputGrad;
      row.push(fmt(g.weightGrad.std), weightStd[l] ? fmt(g.weightGrad.std / weightStd[l]) : '-',
        above ? fmt(above.std) : '(upstream)');
    }
    return row;
  });
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padStart(widths[i])).join('  ');
  const out = [line(header), ...rows.map(line)];
  if (backward) out.push('std dL/dA is the gradient arriving at each layer\'s output (layer L: the upstream gradient).');
  return out.join('\n');
}
