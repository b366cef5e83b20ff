// The three papers the engine's single pass already shows (the lecture's experiment), in the
// reproductions' table format: Glorot & Bengio 2010 (tanh: too small collapses, too large
// saturates, 1/sqrt(Din) keeps the std), He et al. 2015 (ReLU halves the variance per layer at
// 1/sqrt(Din); sqrt(2/Din) keeps it), Mishkin & Matas 2015 (LSUV: Var(Z) within 0.1 of 1 at every layer).
import type { ActivationName, InitOption } from '../index';
import { fmt, sizeOf, type Reproduction, type ReproductionContext, type ReproductionResult } from './types';

/** The lecture's "too large" 0.05 at Din = 4096, as a gain over 1/sqrt(Din): 0.05 * sqrt(4096). */
const LARGE_GAIN = 3.2;

const sizes = (layers: number, width: number, batch: number) => ({ layers: { value: layers, means: 'dense layers' },
  width: { value: width, means: 'units per layer' }, batch: { value: batch, means: 'rows of N(0,1) input' } });

/** The std of A, Var(Z) and the saturated fraction per layer of one forward pass, for each init (lsuv: after net.lsuv()). */
async function columns(ctx: ReproductionContext, r: Reproduction, activation: ActivationName, inits: InitOption[]) {
  const layers = sizeOf(r, ctx, 'layers');
  const width = sizeOf(r, ctx, 'width');
  const out: Array<{ std: number[]; zvar: number[]; saturated: number[] }> = [];
  for (const init of inits) {
    const net = ctx.engine.createMLP({ dims: Array.from({ length: layers + 1 }, () => width), batch: sizeOf(r, ctx, 'batch'), activation, init, seed: ctx.seed });
    try {
      await net.setInput('randn');
      if (init === 'lsuv') await net.lsuv();
      const f = await net.forward();
      out.push({ std: f.layers.map((l) => l.activation.std), zvar: f.layers.map((l) => l.preactivation.std ** 2), saturated: f.layers.map((l) => l.activation.saturatedFraction) });
    } finally {
      net.destroy();
    }
  }
  return out;
}

const setup = (ctx: ReproductionContext, r: Reproduction, activation: string) =>
  `${sizeOf(r, ctx, 'layers')} dense layers of width ${sizeOf(r, ctx, 'width')}, ${activation}, no bias, batch ${sizeOf(r, ctx, 'batch')} of N(0,1), seed ${ctx.seed}`;

export const GLOROT: Reproduction = {
  name: 'glorot',
  paper: 'Glorot & Bengio 2010, Understanding the difficulty of training deep feedforward neural networks',
  claim: `with tanh, N(0, 0.01^2) weights collapse the activations to 0, weights ${LARGE_GAIN} times 1/sqrt(Din) (the lecture's 0.05 at Din = 4096) saturate them, and 1/sqrt(Din) keeps their std steady`,
  lookFor: `the std of each layer's activation: shrinking to 0 (small), saturating at +-1 (${LARGE_GAIN}/sqrt(Din)), steady (xavier)`,
  // The lecture's experiment: 6 layers of 4096, batch 16. The "too large" weights are a gain over
  // 1/sqrt(Din), so they saturate at any width (a fixed 0.05 does at 4096, not at 1024).
  sizes: sizes(6, 4096, 16),
  pageSizes: { width: 1024 },
  async run(ctx): Promise<ReproductionResult> {
    const inits: InitOption[] = ['small', { name: 'normal', std: LARGE_GAIN / Math.sqrt(sizeOf(this, ctx, 'width')) }, 'xavier'];
    const [small, large, xavier] = await columns(ctx, this, 'tanh', inits);
    const L = small.std.length - 1;
    const rows = small.std.map((_, l) => [l + 1, fmt(small.std[l], 3), fmt(large.std[l], 3), fmt(large.saturated[l], 3), fmt(xavier.std[l], 3)]);
    const holds = small.std[L] < 0.1 * small.std[0] && large.saturated[L] > 0.2 && xavier.std[L] > 0.3 * xavier.std[0];
    return { name: this.name, paper: this.paper, claim: this.claim, setup: setup(ctx, this, 'tanh'),
      tables: [{ title: `std of A per layer (and the saturated fraction with ${LARGE_GAIN}/sqrt(Din))`, columns: ['layer', 'small', `${LARGE_GAIN}/sqrt(Din)`, 'saturated', 'xavier'], rows }],
      verdict: holds ? `layer ${L + 1}: small's std ${fmt(small.std[L], 2)} (${fmt(small.std[L] / small.std[0], 2)} of layer 1's), ${LARGE_GAIN}/sqrt(Din) has ${fmt(100 * large.saturated[L], 2)}% saturated, xavier's std ${fmt(xavier.std[L], 3)}` : 'the direction does not hold in this run',
      holds, numbers: { smallStd: small.std[L], largeSaturated: large.saturated[L], xavierStd: xavier.std[L] } };
  },
};

export const HE: Reproduction = {
  name: 'he',
  paper: 'He, Zhang, Ren & Sun 2015, Delving deep into rectifiers',
  claim: 'with ReLU, 1/sqrt(Din) halves the activations\' variance at every layer; sqrt(2/Din) keeps it',
  lookFor: 'the std of each layer\'s activation: falling by sqrt 2 per layer (xavier), flat (kaiming)',
  sizes: sizes(10, 512, 64),
  pageSizes: {},
  async run(ctx): Promise<ReproductionResult> {
    const [xavier, kaiming] = await columns(ctx, this, 'relu', ['xavier', 'kaiming']);
    const L = xavier.std.length - 1;
    const rows = xavier.std.map((_, l) => [l + 1, fmt(xavier.std[l], 3), fmt(kaiming.std[l], 3)]);
    const ratio = (xavier.std[L] / xavier.std[0]) ** (1 / L);
    const flat = kaiming.std[L] / kaiming.std[0];
    const holds = Math.abs(ratio - Math.SQRT1_2) < 0.05 && flat > 0.5 && flat < 2;
    return { name: this.name, paper: this.paper, claim: this.claim, setup: setup(ctx, this, 'relu'),
      tables: [{ title: 'std of A per layer', columns: ['layer', 'xavier', 'kaiming'], rows }],
      verdict: holds ? `xavier: std x${fmt(ratio, 3)} per layer (1/sqrt 2 = 0.707); kaiming: last/first ${fmt(flat, 3)}` : 'the direction does not hold in this run',
      holds, numbers: { xavierRatio: ratio, kaimingLastOverFirst: flat } };
  },
};

export const LSUV: Reproduction = {
  name: 'lsuv',
  paper: 'Mishkin & Matas 2015, All you need is a good init (LSUV)',
  claim: 'after LSUV every layer\'s Var(Z) is within 0.1 of 1 on the data batch; an orthogonal start alone drifts with a tanh or ReLU net',
  lookFor: 'Var(Z) per layer: 1 after LSUV at every depth',
  // The orthogonal start is made on the GPU by an iteration of matmuls: width 128 keeps it seconds on a CPU adapter.
  sizes: sizes(10, 128, 64),
  pageSizes: {},
  async run(ctx): Promise<ReproductionResult> {
    const [orthogonal, lsuv] = await columns(ctx, this, 'relu', ['orthogonal', 'lsuv']);
    const rows = orthogonal.zvar.map((_, l) => [l + 1, fmt(orthogonal.zvar[l], 3), fmt(lsuv.zvar[l], 3)]);
    const worst = Math.max(...lsuv.zvar.map((v) => Math.abs(v - 1)));
    const holds = worst < 0.1 + 1e-6;
    return { name: this.name, paper: this.paper, claim: this.claim, setup: setup(ctx, this, 'relu'),
      tables: [{ title: 'Var(Z) per layer', columns: ['layer', 'orthogonal', 'lsuv'], rows }],
      verdict: holds ? `after LSUV the largest |Var(Z) - 1| is ${fmt(worst, 2)}` : `after LSUV a layer is ${fmt(worst, 2)} from 1`,
      holds, numbers: { lsuvWorst: worst, orthogonalLast: orthogonal.zvar[orthogonal.zvar.length - 1] } };
  },
};
