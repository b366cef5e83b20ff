// Frankle & Carbin (2019), "The lottery ticket hypothesis": train LeNet-300-100, prune the
// smallest-magnitude weights of each layer (20% per round, 10% of the output layer), rewind the
// rest to their initial values and train again. Tickets down to ~20% of the weights learn as
// well as the full net (or better, and sooner); the same masks with a new random start fall behind.
import type { Dataset } from '../data/index';
import type { Net, NetOptions, Trainer } from '../index';
import { fmt, sizeOf, type Reproduction, type ReproductionContext, type ReproductionResult } from './types';

const LENET_300_100 = (seed: number): NetOptions => ({ input: 784, batch: 60, seed, activation: 'relu', init: 'glorot', bias: true,
  layers: [{ type: 'dense', units: 300 }, { type: 'dense', units: 100 }, { type: 'dense', units: 10, activation: 'linear' }] });
const PRUNE = [0.2, 0.2, 0.1];
const ADAM = { name: 'adam', lr: 1.2e-3 } as const;

/** Trains `steps` steps, evaluating the test set `checks` times; the last accuracy, and the best with its step. */
async function trainAndTest(trainer: Trainer, data: Dataset, steps: number, checks: number) {
  let best = { accuracy: -1, step: 0 };
  let last = NaN;
  for (let c = 1; c <= checks; c++) {
    await trainer.train(Math.round((steps * c) / checks) - Math.round((steps * (c - 1)) / checks), { every: 100 });
    last = (await trainer.evaluate(data.test.x, data.test.labels)).accuracy;
    if (last > best.accuracy) best = { accuracy: last, step: Math.round((steps * c) / checks) };
  }
  return { last, best };
}

async function withData(net: Net, data: Dataset, seed: number): Promise<Trainer> {
  const trainer = net.trainer({ loss: 'cross_entropy', optimizer: ADAM });
  await trainer.setData(data.train.x, data.train.labels, { seed });
  return trainer;
}

export const LOTTERY: Reproduction = {
  name: 'lottery',
  paper: 'Frankle & Carbin 2019, The lottery ticket hypothesis: finding sparse, trainable neural networks',
  claim: 'winning tickets (pruned by magnitude, rewound to their initial weights) down to ~20% of the weights match or beat the full net; the same masks from a new random start fall behind',
  lookFor: 'per round: the weights left, the ticket\'s test accuracy (and when it peaked), and the randomly re-initialised net with the same masks',
  sizes: { rounds: { value: 7, means: 'pruning rounds after the full net (0.8^7: 21% of the hidden weights left)' },
    // The paper trains 50k steps per round; 300 (2.2 epochs of the 8004 rows) keeps the 15 trainings near 8 minutes on a CPU adapter.
    steps: { value: 300, means: 'Adam steps per round (batch 60)' }, checks: { value: 3, means: 'test evaluations per round' } },
  pageSizes: { rounds: 2, steps: 100, checks: 1 },
  async run(ctx: ReproductionContext): Promise<ReproductionResult> {
    const rounds = sizeOf(this, ctx, 'rounds');
    const steps = sizeOf(this, ctx, 'steps');
    const checks = sizeOf(this, ctx, 'checks');
    const data = await ctx.mnist();
    const net = ctx.engine.createNet(LENET_300_100(ctx.seed));
    const start = await net.snapshot();
    const rows: Array<Array<string | number>> = [];
    const numbers: Record<string, number> = {};
    let masks: Uint8Array[] | undefined;
    try {
      const trainer = await withData(net, data, ctx.seed);
      for (let round = 0; round <= rounds; round++) {
        const left = masks ? masks.reduce((s, m) => s + m.reduce((a, v) => a + v, 0), 0) / masks.reduce((s, m) => s + m.length, 0) : 1;
        const ticket = await trainAndTest(trainer, data, steps, checks);
        let random = { last: NaN };
        if (masks) {
          // The same masks on a new random start (another seed), trained the same way.
          const other = ctx.engine.createNet(LENET_300_100(ctx.seed + 1000 + round));
          try {
            for (const [l, mask] of masks.entries()) await other.setMask(l, mask);
            random = await trainAndTest(await withData(other, data, ctx.seed), data, steps, checks);
          } finally {
            other.destroy();
          }
        }
        rows.push([round, fmt(100 * left, 3), fmt(ticket.last, 4), fmt(ticket.best.accuracy, 4), ticket.best.step, masks ? fmt(random.last, 4) : '-']);
        numbers[`ticket${round}`] = ticket.last;
        numbers[`random${round}`] = random.last;
        numbers[`left${round}`] = left;
        ctx.log(`round ${round}: ${fmt(100 * left, 3)}% of the weights, ticket ${fmt(ticket.last, 4)} (best ${fmt(ticket.best.accuracy, 4)} at ${ticket.best.step}), random re-init ${fmt(random.last, 4)}`);
        if (round === rounds) break;
        masks = [];
        for (const [l, fraction] of PRUNE.entries()) masks.push(await net.prune(l, { fraction }) as Uint8Array);
        await net.restore(start);
      }
    } finally {
      start.release();
      net.destroy();
    }
    const last = rounds;
    const holds = numbers[`ticket${last}`] >= numbers.ticket0 - 0.01 && numbers[`ticket${last}`] > numbers[`random${last}`];
    return {
      name: this.name, paper: this.paper, claim: this.claim,
      setup: `MNIST; LeNet-300-100 (784-300-100-10, relu, glorot normal), Adam lr 1.2e-3, batch 60, ${steps} steps per round ` +
        `(the paper trains 50k), pruning 20% per round per layer (10% of the output layer), rewound to the initial weights; seed ${ctx.seed}`,
      tables: [{ title: 'iterative magnitude pruning', columns: ['round', '% weights left', 'ticket test acc', 'best', 'at step', 'random re-init test acc'], rows }],
      verdict: holds ? `at ${fmt(100 * numbers[`left${last}`], 3)}% of the weights the ticket reaches ${fmt(numbers[`ticket${last}`], 4)} ` +
        `(full net ${fmt(numbers.ticket0, 4)}), the random re-init ${fmt(numbers[`random${last}`], 4)}` : 'the direction does not hold in this run',
      holds, numbers,
    };
  },
};
