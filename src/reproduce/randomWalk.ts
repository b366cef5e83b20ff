// Sussillo & Abbott (2014), "Random walk initialization for training very deep feedforward
// networks": with W = g N(0, 1/N), the log of a backpropagated error's norm does a random walk
// over the layers; the gain g = exp(1/(2N)) (linear) or sqrt(2) exp(1.2/(max(N, 6) - 2.4)) (ReLU)
// removes its drift, where g = 1 and He's sqrt(2) drift away at depth.
import type { InitName } from '../index';
import { fmt, meanStd, sizeOf, type Reproduction, type ReproductionContext, type ReproductionResult } from './types';

const GAINS: Array<{ label: string; init: InitName }> = [
  { label: 'g = 1 (xavier)', init: 'xavier' },
  { label: "the paper's g (random_walk)", init: 'random_walk' },
  { label: 'g = sqrt 2 (kaiming)', init: 'kaiming' },
];

/** ln(|dL/dX| / |dL/dA_{D-2}|): the error's growth over D - 1 layers (the rms of the same count of entries). */
async function logGrowth(ctx: ReproductionContext, activation: 'linear' | 'relu', init: InitName, depth: number, width: number, seed: number): Promise<number> {
  const net = ctx.engine.createNet({ input: width, batch: 1, seed, activation, init, bias: false,
    layers: Array.from({ length: depth }, () => ({ type: 'dense' as const, units: width })) });
  try {
    await net.setInput('randn');
    // No statistics: two gradients read back are all the walk needs (a 100-layer step's statistics cost more than its passes).
    await net.forwardBackward('randn', { stats: false });
    const rms = (v: Float32Array) => Math.sqrt(v.reduce((s, x) => s + x * x, 0) / v.length);
    return Math.log(rms((await net.readGradients(0)).input) / rms((await net.readGradients(depth - 1)).input));
  } finally {
    net.destroy();
  }
}

export const RANDOM_WALK: Reproduction = {
  name: 'random-walk',
  paper: 'Sussillo & Abbott 2014, Random walk initialization for training very deep feedforward networks',
  claim: "ln(|delta_D| / |delta_1|) of a backpropagated error has mean near 0 over seeds with the paper's gain, and drifts at g = 1 and at He's sqrt 2",
  lookFor: "the mean log growth of the error: near 0 in the paper's row, far from 0 in the others, for linear and ReLU nets",
  sizes: { depth: { value: 100, means: 'layers' }, width: { value: 100, means: 'units per layer (N)' }, seeds: { value: 24, means: 'nets per row' } },
  pageSizes: { seeds: 8 },
  async run(ctx): Promise<ReproductionResult> {
    const depth = sizeOf(this, ctx, 'depth');
    const width = sizeOf(this, ctx, 'width');
    const seeds = sizeOf(this, ctx, 'seeds');
    const rows: Array<Array<string | number>> = [];
    const numbers: Record<string, number> = {};
    for (const activation of ['linear', 'relu'] as const) {
      for (const g of GAINS) {
        const growth: number[] = [];
        for (let s = 0; s < seeds; s++) growth.push(await logGrowth(ctx, activation, g.init, depth, width, ctx.seed + s));
        const { mean, std } = meanStd(growth);
        numbers[`${activation}/${g.init}`] = mean;
        rows.push([activation, g.label, fmt(mean, 3), fmt(std, 3)]);
        ctx.log(`${activation}, ${g.label}: mean ${fmt(mean, 3)} over ${seeds} seeds`);
      }
    }
    const holds = (['linear', 'relu'] as const).every((a) => Math.abs(numbers[`${a}/random_walk`]) < Math.abs(numbers[`${a}/xavier`])
      && Math.abs(numbers[`${a}/random_walk`]) < Math.abs(numbers[`${a}/kaiming`]));
    return {
      name: this.name, paper: this.paper, claim: this.claim,
      setup: `${depth} dense layers of width ${width}, no bias, one example (the paper's walk is per vector), N(0,1) input and upstream gradient; ${seeds} seeds per row from ${ctx.seed}`,
      tables: [{ title: `ln(|dL/dX| / |dL/dA_${depth - 2}|) over ${depth - 1} layers`, columns: ['activation', 'gain', 'mean', 'std over seeds'], rows }],
      verdict: holds ? "the paper's gain has the smallest drift for both activations" : "the paper's gain does not have the smallest drift in this run",
      holds, numbers,
    };
  },
};
