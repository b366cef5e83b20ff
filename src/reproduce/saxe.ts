// Saxe, McClelland & Ganguli (2013), "Exact solutions to the nonlinear dynamics of learning in deep
// linear neural networks": a deep linear net from scaled Gaussian weights learns slower the deeper
// it is, since the product of its W's has singular values spread over orders of magnitude; from
// orthogonal weights (the product is orthogonal: every singular value 1) the learning time stays
// about flat with depth.
import type { Dataset } from '../data/index';
import type { InitName, Net } from '../index';
import { matmul } from '../reference/mlp';
import { singularValues } from './linalg';
import { fmt, sizeOf, type Reproduction, type ReproductionContext, type ReproductionResult } from './types';

const LRS = [0.01, 0.03, 0.1];
const TARGET = 0.6;
const CHUNK = 20;

/** The singular values of the product of the hidden (width x width) W's at the start. */
async function productSpectrum(net: Net, depth: number, width: number): Promise<number[]> {
  let P: Float64Array | undefined;
  for (let l = 1; l < depth - 1; l++) {
    const W = (await net.readParameters(l)).W;
    P = P ? matmul(P, W, width, width, width) : Float64Array.from(W);
  }
  return P ? singularValues(P, width, width) : [1];
}

/** Steps until the mean training loss of the last CHUNK steps is at most TARGET (Infinity: not within maxSteps). */
async function stepsToTarget(ctx: ReproductionContext, data: Dataset, init: InitName, depth: number, width: number, lr: number, maxSteps: number) {
  const net = ctx.engine.createNet({ input: 784, batch: 64, seed: ctx.seed, activation: 'linear', init, bias: false,
    layers: [...Array.from({ length: depth - 1 }, () => ({ type: 'dense' as const, units: width })), { type: 'dense', units: 10 }] });
  try {
    const spectrum = lr === LRS[LRS.length - 1] ? await productSpectrum(net, depth, width) : undefined;
    const trainer = net.trainer({ loss: 'cross_entropy', optimizer: { name: 'sgd', lr } });
    await trainer.setData(data.train.x, data.train.labels, { seed: ctx.seed });
    for (let done = 0; done < maxSteps; done += CHUNK) {
      const r = await trainer.train(CHUNK, { every: CHUNK });
      if (r.stopped) return { steps: Infinity, spectrum };
      const mean = r.history.reduce((s, h) => s + h.loss, 0) / r.history.length;
      if (mean <= TARGET) return { steps: done + CHUNK, spectrum };
    }
    return { steps: Infinity, spectrum };
  } finally {
    net.destroy();
  }
}

const show = (steps: number) => (Number.isFinite(steps) ? String(steps) : 'not reached');

export const SAXE: Reproduction = {
  name: 'saxe',
  paper: 'Saxe, McClelland & Ganguli 2013, Exact solutions to the nonlinear dynamics of learning in deep linear neural networks',
  claim: 'deep linear nets: from scaled Gaussian weights the steps to a training loss grow with depth; from orthogonal weights they stay about flat',
  lookFor: 'the steps to reach the loss per depth (each the best of three learning rates), and the spread of the singular values of the product of the W\'s at the start',
  sizes: { depth: { value: 32, means: 'the deepest net (depths 2, 4, ... up to it)' }, width: { value: 64, means: 'units per hidden layer (the paper: 256; 64 keeps the orthogonal start fast on a CPU adapter)' },
    steps: { value: 600, means: 'the most SGD steps per run (batch 64)' } },
  // Depth 16 is where the Gaussian product's spread (~1000) slows training 2x; width 32 keeps the
  // 24 trainings within a minute or two on a CPU adapter.
  pageSizes: { depth: 16, width: 32, steps: 160 },
  async run(ctx): Promise<ReproductionResult> {
    const deepest = sizeOf(this, ctx, 'depth');
    const width = sizeOf(this, ctx, 'width');
    const maxSteps = sizeOf(this, ctx, 'steps');
    const data = await ctx.mnist();
    const depths: number[] = [];
    for (let d = 2; d <= deepest; d *= 2) depths.push(d);
    const rows: Array<Array<string | number>> = [];
    const best: Record<string, number[]> = { orthogonal: [], xavier: [] };
    for (const depth of depths) {
      const row: Array<string | number> = [depth];
      for (const init of ['orthogonal', 'xavier'] as const) {
        let fastest = { steps: Infinity, lr: NaN };
        let spread = NaN;
        // Largest rate first; a later run stops once it can no longer beat or tie the fastest so far
        // (a tie goes to the smaller rate), so the slow rates cost no more steps than the best one.
        for (const lr of [...LRS].reverse()) {
          const r = await stepsToTarget(ctx, data, init, depth, width, lr, Math.min(maxSteps, fastest.steps));
          // Largest over median: the smallest of a product of Gaussian matrices goes to 0 (an infinite max / min).
          if (r.spectrum) spread = r.spectrum[0] / r.spectrum[Math.floor(r.spectrum.length / 2)];
          if (r.steps <= fastest.steps && Number.isFinite(r.steps)) fastest = { steps: r.steps, lr };
        }
        best[init].push(fastest.steps);
        row.push(show(fastest.steps), Number.isFinite(fastest.lr) ? fastest.lr : '-', fmt(spread, 3));
        ctx.log(`depth ${depth}, ${init}: ${show(fastest.steps)} steps (lr ${fastest.lr}), largest / median singular value of the product ${fmt(spread, 3)}`);
      }
      rows.push(row);
    }
    const growth = (xs: number[]) => xs[xs.length - 1] / xs[0];
    const holds = growth(best.xavier) > 1.5 && growth(best.orthogonal) < growth(best.xavier) && growth(best.orthogonal) <= 1.5;
    return {
      name: this.name, paper: this.paper, claim: this.claim,
      setup: `MNIST; linear nets 784 -> ${width} x (depth - 1) -> 10, no bias, cross-entropy, SGD batch 64, lr the best of ${LRS.join(', ')}; ` +
        `steps until the mean loss of ${CHUNK} steps is <= ${TARGET} (at most ${maxSteps}); seed ${ctx.seed}`,
      tables: [{ title: `steps to a training loss of ${TARGET}; largest / median singular value of the product of the hidden W's at the start`,
        columns: ['depth', 'orthogonal steps', 'lr', 'sv max / median', 'Gaussian steps', 'lr', 'sv max / median'], rows }],
      verdict: holds ? `from depth ${depths[0]} to ${deepest}: Gaussian ${show(best.xavier[0])} -> ${show(best.xavier.at(-1)!)} steps, ` +
        `orthogonal ${show(best.orthogonal[0])} -> ${show(best.orthogonal.at(-1)!)}` : 'the direction does not hold in this run',
      holds,
      numbers: { orthogonalGrowth: growth(best.orthogonal), gaussianGrowth: growth(best.xavier), orthogonalDeepest: best.orthogonal.at(-1)!, gaussianDeepest: best.xavier.at(-1)! },
    };
  },
};
