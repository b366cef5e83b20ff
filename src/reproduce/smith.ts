// Smith (2017), "Cyclical learning rates for training neural networks", section 3.3, the
// learning-rate range test (fastai's lr_find): grow the rate exponentially over one short run and
// watch the loss; it falls, flattens and blows up, and a good rate is where it falls fastest.
// Checked here the way a user would: a fresh net trained at the suggestion learns, one trained at
// ten times the rate where the loss blew up does not.
import { lrFind } from '../index';
import { fmt, mnistMLP, sizeOf, trainAndTest, type Reproduction, type ReproductionContext, type ReproductionResult } from './types';

const START = 1e-5;
const END = 10;

export const SMITH: Reproduction = {
  name: 'smith',
  paper: 'Smith 2017, Cyclical learning rates for training neural networks (section 3.3: the learning-rate range test)',
  claim: 'over one run with the learning rate grown exponentially the loss falls, flattens and blows up; training at the rate where it falls fastest learns, '
    + 'training at ten times the rate where it blew up does not',
  lookFor: 'the smoothed loss against the rate: flat, falling, then exploding; the test accuracy of a fresh net at the suggestion against one at ten times the blow-up',
  sizes: { steps: { value: 100, means: `steps of the sweep (rate ${START} to ${END}, SGD momentum 0.9, batch 64)` },
    train: { value: 300, means: 'SGD steps each fresh net trains at its rate' } },
  pageSizes: { steps: 100, train: 150 },
  async run(ctx: ReproductionContext): Promise<ReproductionResult> {
    const steps = sizeOf(this, ctx, 'steps');
    const trainSteps = sizeOf(this, ctx, 'train');
    const data = await ctx.mnist();
    const optimizer = { name: 'sgd' as const, momentum: 0.9 };
    const probe = ctx.engine.createNet(mnistMLP(ctx.seed, [128, 128]));
    const sweep = await lrFind(probe, data.train.x, data.train.labels, { startLr: START, endLr: END, steps, optimizer,
      onProgress: (p) => { if (p.step % 20 === 0) ctx.log(`sweep step ${p.step}: lr ${fmt(p.lr, 3)}, smoothed loss ${fmt(p.smoothed, 3)}`); } }).finally(() => probe.destroy());
    const every = Math.max(1, Math.ceil(sweep.lrs.length / 12));
    const curve = sweep.lrs.flatMap((lr, i) => (i % every === 0 || i === sweep.lrs.length - 1 ? [[i + 1, fmt(lr, 3), fmt(sweep.losses[i], 3), fmt(sweep.smoothed[i], 3)]] : []));
    const trainAt = async (lr: number) => {
      const r = await trainAndTest(ctx, mnistMLP(ctx.seed, [128, 128]), { ...optimizer, lr }, trainSteps, ctx.seed);
      ctx.log(`trained at lr ${fmt(lr, 3)}: test accuracy ${fmt(r.accuracy, 3)}${r.stopped ? ` (${r.stopped})` : ''}`);
      return r;
    };
    const good = await trainAt(sweep.suggestion);
    const tooHigh = sweep.blowUp === undefined ? undefined : await trainAt(10 * sweep.blowUp);
    const holds = tooHigh !== undefined && good.accuracy >= 0.8 && (tooHigh.stopped === 'diverged' || tooHigh.accuracy <= 0.2);
    const row = (name: string, lr: number, r: { loss: number; accuracy: number; stopped?: string }) => [name, fmt(lr, 3), fmt(r.loss, 3), fmt(r.accuracy, 3), r.stopped ?? ''];
    return {
      name: this.name, paper: this.paper, claim: this.claim,
      setup: `MNIST; an MLP 784-128-128-10 (relu, kaiming), SGD momentum 0.9, batch 64; the sweep: ${steps} steps from ${START} to ${END} ` +
        `(smoothing 0.98, stopped when the smoothed loss or a batch's passes 4x the smallest smoothed loss); then fresh nets trained ${trainSteps} steps; seed ${ctx.seed}`,
      tables: [
        { title: 'the sweep: batch loss and smoothed loss against the rate', columns: ['step', 'lr', 'loss', 'smoothed'], rows: curve },
        { title: `suggestion ${fmt(sweep.suggestion, 3)} (steepest fall), smallest smoothed loss at ${fmt(sweep.minimum, 3)}, blow-up at ${sweep.blowUp === undefined ? 'none' : fmt(sweep.blowUp, 3)}`,
          columns: ['fresh net trained at', 'lr', 'last loss', 'test accuracy', 'stopped'],
          rows: [row('the suggestion', sweep.suggestion, good), ...(tooHigh && sweep.blowUp !== undefined ? [row('10x the blow-up', 10 * sweep.blowUp, tooHigh)] : [])] },
      ],
      verdict: holds ? `the loss blew up at lr ${fmt(sweep.blowUp!, 3)}; at the suggestion ${fmt(sweep.suggestion, 3)} a fresh net reaches ${fmt(good.accuracy, 3)} test accuracy, ` +
        `at ten times the blow-up ${tooHigh.stopped === 'diverged' ? 'it diverges' : `${fmt(tooHigh.accuracy, 3)} (chance)`}`
        : 'the direction does not hold in this run (the tables say where)',
      holds,
      numbers: { suggestion: sweep.suggestion, minimum: sweep.minimum, blowUp: sweep.blowUp ?? NaN, suggestionAccuracy: good.accuracy, tooHighAccuracy: tooHigh?.accuracy ?? NaN },
    };
  },
};
