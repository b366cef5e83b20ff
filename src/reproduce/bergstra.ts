// Bergstra & Bengio (2012), "Random search for hyper-parameter optimization": at the same budget,
// random points of the box find a better setting than a grid when few of its dimensions matter,
// because a grid of n trials over d dimensions tries only n^(1/d) values of each, random search n.
// Here the box is (learning rate, weight decay) on log scales for a small MNIST net; the rate
// matters, the decay (up to 0.1) much less. Trials run one after another on the one GPU queue.
import { search, type SearchDimension, type SearchResult } from '../index';
import { fmt, mnistMLP, sizeOf, trainAndTest, type Reproduction, type ReproductionContext, type ReproductionResult } from './types';

const SPACE: Record<string, SearchDimension> = { lr: { min: 1e-4, max: 1, log: true }, weightDecay: { min: 1e-6, max: 0.1, log: true } };

const distinct = (r: SearchResult, name: string) => new Set(r.trials.map((t) => t.params[name])).size;

export const BERGSTRA: Reproduction = {
  name: 'bergstra',
  paper: 'Bergstra & Bengio 2012, Random search for hyper-parameter optimization',
  claim: 'at the same budget of trials, random search over (learning rate, weight decay) finds a better held-out accuracy than a grid in most repeats: '
    + 'the grid tries only the square root of the budget in learning rates, random search as many as trials',
  lookFor: 'the best test accuracy after each trial, grid against random; how many learning rates each tried',
  sizes: { trials: { value: 9, means: 'trials per search (a 3 x 3 grid)' },
    repeats: { value: 5, means: 'searches of each kind (the nets\' and the random points\' seeds change)' },
    steps: { value: 100, means: 'SGD steps per trial (MLP 784-32-10, momentum 0.9, batch 64)' } },
  pageSizes: { trials: 9, repeats: 3, steps: 60 },
  async run(ctx: ReproductionContext): Promise<ReproductionResult> {
    const trials = sizeOf(this, ctx, 'trials');
    const repeats = sizeOf(this, ctx, 'repeats');
    const steps = sizeOf(this, ctx, 'steps');
    const started = performance.now();
    let count = 0;
    const objective = (seed: number) => async (p: Record<string, number>) => {
      const r = await trainAndTest(ctx, mnistMLP(seed, [32]), { name: 'sgd', lr: p.lr, momentum: 0.9, weightDecay: p.weightDecay }, steps, seed);
      count++;
      return r.stopped === 'diverged' ? NaN : r.accuracy;
    };
    const rows: Array<Array<string | number>> = [];
    const curves = { grid: new Array<number>(trials).fill(0), random: new Array<number>(trials).fill(0) };
    let randomWins = 0;
    let lrs = { grid: 0, random: 0 };
    for (let r = 0; r < repeats; r++) {
      const seed = ctx.seed + r;
      const grid = await search(SPACE, objective(seed), { method: 'grid', trials });
      const random = await search(SPACE, objective(seed), { method: 'random', trials, seed });
      const [g, q] = [grid.best.score, random.best.score];
      if (!(q < g)) randomWins++;
      for (const [name, s] of [['grid', grid], ['random', random]] as const) {
        // A grid smaller than the budget (trials not a square) holds its best to the end.
        for (let k = 0; k < trials; k++) curves[name][k] += (s.bestSoFar[Math.min(k, s.bestSoFar.length - 1)] || 0) / repeats;
      }
      lrs = { grid: distinct(grid, 'lr'), random: distinct(random, 'lr') };
      rows.push([seed, fmt(g, 3), fmt(grid.best.params.lr, 2), fmt(q, 3), fmt(random.best.params.lr, 2), q >= g ? 'random' : 'grid']);
      ctx.log(`repeat ${r + 1}/${repeats}: best test accuracy grid ${fmt(g, 3)} (lr ${fmt(grid.best.params.lr, 2)}), random ${fmt(q, 3)} (lr ${fmt(random.best.params.lr, 2)})`);
    }
    const perMinute = count / ((performance.now() - started) / 60_000);
    const holds = randomWins > repeats / 2;
    return {
      name: this.name, paper: this.paper, claim: this.claim,
      setup: `MNIST; an MLP 784-32-10 (relu, kaiming) trained ${steps} SGD steps (momentum 0.9, batch 64) per trial, scored by test accuracy; ` +
        `the box: lr 1e-4..1 and weight decay 1e-6..0.1, both on log scales; ${trials} trials per search (grid: ${lrs.grid} rates x ${lrs.grid} decays), ` +
        `${repeats} repeats (seeds ${ctx.seed}..${ctx.seed + repeats - 1}); trials one after another on the GPU, ${fmt(perMinute, 3)} per minute`,
      tables: [
        { title: 'best test accuracy of each search', columns: ['seed', 'grid best', 'its lr', 'random best', 'its lr', 'better'], rows },
        { title: `best so far after each trial, mean over ${repeats} repeats (learning rates tried: grid ${lrs.grid}, random ${lrs.random})`,
          columns: ['trial', 'grid', 'random'], rows: curves.grid.map((g, k) => [k + 1, fmt(g, 3), fmt(curves.random[k], 3)]) },
      ],
      verdict: holds ? `random search's best is at least the grid's in ${randomWins} of ${repeats} repeats (mean best ${fmt(curves.random[trials - 1], 3)} against ` +
        `${fmt(curves.grid[trials - 1], 3)}): it tried ${lrs.random} learning rates, the grid ${lrs.grid}`
        : 'the direction does not hold in this run (the tables say where)',
      holds,
      numbers: { randomWins, repeats, gridBest: curves.grid[trials - 1], randomBest: curves.random[trials - 1], gridRates: lrs.grid, randomRates: lrs.random, trialsPerMinute: perMinute },
    };
  },
};
