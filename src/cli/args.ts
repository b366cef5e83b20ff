import { ACTIVATION_NAMES, INIT_NAMES, type ActivationOption, type BackwardResult, type ForwardResult, type InitOption, type LayerOption } from '../index';
import { activationOf, initOf, NET_FLAGS, numberFlag, parseFlags } from './flags';
import { netFlag } from './nets';

export const usage = `usage: npm run experiment -- [options]
  --act NAME        activation: ${ACTIVATION_NAMES.join(', ')} (default tanh)
  --slope S         leaky_relu slope (0.01)     --alpha A   elu alpha / prelu initial alpha
  --k K             maxout pieces (2)
  --init NAME       ${INIT_NAMES.join(', ')} (default xavier)
  --std S           std for --init normal (0.05)  --value V  value for --init constant
  --width W         units per layer (4096)       --layers N  hidden layers (6)
  --dims a,b,c      Din then one width per layer (overrides --width/--layers)
  --net NET         mlp (default), lenet5, or FILE.json holding { layers, input } (createNet's):
                    a single pass of any net of layers; --act and --init are every layer's defaults
  --batch B         rows (16)                    --seed S    random seed (0)
  --bias [V]        add a bias initialised to V (0)
  --bins N          histogram bins (64)
  --backward        also run backward: std of dL/dW, std(dW)/std(W), std of dL/dA per layer
  --gradient G      upstream gradient dL/dA_L: randn (default) or ones
  --json            print the full statistics as JSON
  --profile         also time each dispatch of the step alone (where the time goes)`;

export interface ExperimentArgs {
  activation: ActivationOption;
  init: InitOption;
  dims: number[];
  /** --net: the layers and input of a net of layers (undefined: the MLP of --dims). */
  net?: { layers: LayerOption[]; input?: number | [number, number, number] };
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

const OPTIONS = {
  ...NET_FLAGS, net: { type: 'string', default: 'mlp' }, width: { type: 'string', default: '4096' }, layers: { type: 'string', default: '6' }, dims: { type: 'string' },
  batch: { type: 'string', default: '16' }, bins: { type: 'string', default: '64' }, bias: { type: 'string' },
  backward: { type: 'boolean', default: false }, gradient: { type: 'string', default: 'randn' },
  json: { type: 'boolean', default: false }, profile: { type: 'boolean', default: false },
} as const;

/** `--bias` takes an optional value: written alone (or before another flag) it means `--bias 0`. */
const biasValue = (argv: string[]) => argv.flatMap((a, i) => (a === '--bias' && (argv[i + 1] === undefined || argv[i + 1].startsWith('--')) ? ['--bias=0'] : [a]));

export function parseExperimentArgs(argv: string[]): ExperimentArgs {
  const v = parseFlags(biasValue(argv), OPTIONS);
  const layers = numberFlag('layers', v.layers, true);
  if (layers < 1) throw new Error(`--layers must be >= 1, got ${layers}`);
  const width = numberFlag('width', v.width, true);
  if (v.gradient !== 'randn' && v.gradient !== 'ones') throw new Error(`--gradient must be randn or ones, got ${JSON.stringify(v.gradient)}`);
  return {
    activation: activationOf(v), init: initOf(v),
    net: netFlag(v.net),
    dims: v.dims !== undefined ? v.dims.split(',').map((d) => numberFlag('dims', d, true)) : Array.from({ length: layers + 1 }, () => width),
    batch: numberFlag('batch', v.batch, true), seed: numberFlag('seed', v.seed, true), bins: numberFlag('bins', v.bins, true),
    bias: v.bias === undefined ? false : { init: numberFlag('bias', v.bias, false) },
    backward: v.backward, gradient: v.gradient, json: v.json, profile: v.profile, help: v.help,
  };
}

const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
const fmt = (x: number) => (Math.abs(x) >= 1e-3 || x === 0 ? x.toFixed(4) : x.toExponential(2));

export function formatTable(forward: ForwardResult, backward: BackwardResult | undefined, weightStd: number[]): string {
  const header = ['layer', 'mean', 'std', 'min', 'max', 'zero', 'saturated', 'dead'];
  if (backward) header.push('std dL/dW', 'std(dW)/std(W)', 'std dL/dA');
  // A net of layers names each layer's type and shape; its pool and flatten layers have no W.
  const typed = forward.layers.some((f) => f.type !== 'dense');
  const weighted = forward.layers.filter((f) => f.type === 'dense' || f.type === 'conv').map((f) => f.layer);
  const rows = forward.layers.map((f, l) => {
    const a = f.activation;
    const name = typed ? `${l + 1} ${f.type} [${f.shape.join('x')}]` : String(l + 1);
    const row = [name, fmt(a.mean), fmt(a.std), fmt(a.min), fmt(a.max), pct(a.zeroFraction), pct(a.saturatedFraction), pct(a.deadUnitFraction)];
    if (backward) {
      const g = backward.layers[l] as Partial<BackwardResult['layers'][number]>;
      const w = weightStd[weighted.indexOf(l)];
      const above = backward.layers.slice(l + 1).find((b) => b.inputGrad)?.inputGrad;
      row.push(g.weightGrad ? fmt(g.weightGrad.std) : '-', g.weightGrad && w ? fmt(g.weightGrad.std / w) : '-',
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
