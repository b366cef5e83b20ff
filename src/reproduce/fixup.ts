// Zhang, Dauphin & Ma (2019), "Fixup initialization: residual learning without normalization":
// a deep residual net without normalisation blows up at a standard (kaiming) start, since every
// block adds its branch's variance to the skip's; Fixup (each branch's last layer 0, the others
// scaled by L^(-1/(2m-2)), a scalar multiplier, the output layer 0) trains it, as BatchNorm does.
import type { LayerOption, NetOptions, NormKind } from '../index';
import { fmt, sizeOf, type Reproduction, type ReproductionContext, type ReproductionResult } from './types';

interface Variant { label: string; init: 'fixup' | 'kaiming'; norm: NormKind; multiplier: boolean }
const VARIANTS: Variant[] = [
  { label: 'Fixup', init: 'fixup', norm: 'none', multiplier: true },
  { label: 'kaiming, no norm', init: 'kaiming', norm: 'none', multiplier: false },
  { label: 'kaiming + BatchNorm', init: 'kaiming', norm: 'batch', multiplier: false },
];

function netOptions(v: Variant, blocks: number, width: number, seed: number): NetOptions {
  const block: LayerOption = { type: 'residual', multiplier: v.multiplier,
    layers: [{ type: 'dense', units: width }, { type: 'dense', units: width, activation: 'linear' }] };
  return { input: 784, batch: 64, seed, activation: 'relu', init: v.init, norm: v.norm, bias: true,
    layers: [{ type: 'dense', units: width }, ...Array.from({ length: blocks }, () => block), { type: 'dense', units: 10, activation: 'linear' }] };
}

async function runVariant(ctx: ReproductionContext, v: Variant, sizes: { blocks: number; width: number; steps: number }) {
  const data = await ctx.mnist();
  const net = ctx.engine.createNet(netOptions(v, sizes.blocks, sizes.width, ctx.seed));
  try {
    await net.setInput(data.train.x.subarray(0, 64 * 784));
    const first = await net.forward();
    const stds = first.layers.slice(1, 1 + sizes.blocks).map((l) => l.activation.std);
    const growth = (stds[stds.length - 1] / stds[0]) ** (1 / Math.max(1, stds.length - 1));
    const trainer = net.trainer({ loss: 'cross_entropy', optimizer: { name: 'sgd', lr: 0.05, momentum: 0.9 } });
    await trainer.setData(data.train.x, data.train.labels, { seed: ctx.seed });
    const result = await trainer.train(sizes.steps, { every: Math.min(50, sizes.steps) });
    const test = result.stopped === 'diverged' ? { loss: NaN, accuracy: NaN } : await trainer.evaluate(data.test.x, data.test.labels);
    const lossAt = (s: number) => result.history[Math.min(s, result.history.length - 1)]?.loss ?? NaN;
    ctx.log(`${v.label}: block output std ${fmt(stds[0], 3)} -> ${fmt(stds[stds.length - 1], 3)}, loss ${fmt(lossAt(0), 3)} -> ${fmt(result.loss, 3)}, test ${fmt(test.accuracy, 3)}`);
    return { stds, growth, first: lossAt(0), last: result.loss, stopped: result.stopped, test: test.accuracy };
  } finally {
    net.destroy();
  }
}

export const FIXUP: Reproduction = {
  name: 'fixup',
  paper: 'Zhang, Dauphin & Ma 2019, Fixup initialization: residual learning without normalization',
  claim: 'a deep residual MLP without normalisation learns from a Fixup start; from kaiming its block outputs grow by sqrt 2 per block and training diverges or stalls; BatchNorm learns',
  lookFor: "the std of each block's output at the start (flat with Fixup, doubling in variance per block with kaiming) and the test accuracy",
  sizes: { blocks: { value: 32, means: 'residual blocks of two dense layers' }, width: { value: 64, means: 'units per layer' },
    steps: { value: 300, means: 'SGD steps (lr 0.05, momentum 0.9, batch 64)' } },
  pageSizes: { blocks: 16, steps: 100 },
  async run(ctx): Promise<ReproductionResult> {
    const sizes = { blocks: sizeOf(this, ctx, 'blocks'), width: sizeOf(this, ctx, 'width'), steps: sizeOf(this, ctx, 'steps') };
    const results = [];
    for (const v of VARIANTS) results.push({ v, r: await runVariant(ctx, v, sizes) });
    const [fixup, plain, batch] = results.map((x) => x.r);
    const rows = results.map(({ v, r }) => [v.label, fmt(r.stds[0], 3), fmt(r.stds[r.stds.length - 1], 3), fmt(r.growth, 3), fmt(r.first, 3),
      r.stopped === 'diverged' ? 'diverged' : fmt(r.last, 3), fmt(r.test, 3)]);
    const plainFailed = plain.stopped === 'diverged' || !(plain.test > fixup.test - 0.2);
    const holds = fixup.test > 0.8 && plainFailed && plain.growth > 1.3;
    return {
      name: this.name, paper: this.paper, claim: this.claim,
      setup: `MNIST; 784 -> dense ${sizes.width} -> ${sizes.blocks} blocks relu(x + m f(x)), f = dense ${sizes.width} relu, dense ${sizes.width} -> dense 10; ` +
        `SGD lr 0.05 momentum 0.9, batch 64, ${sizes.steps} steps, seed ${ctx.seed}`,
      tables: [{ title: 'block outputs at the start, and training', columns: ['start', 'std block 1', `std block ${sizes.blocks}`, 'growth per block',
        'loss step 0', `loss step ${sizes.steps}`, 'test accuracy'], rows }],
      verdict: holds ? `Fixup learns (test ${fmt(fixup.test, 3)}), kaiming without norm ${plain.stopped === 'diverged' ? 'diverges' : 'falls behind'} ` +
        `(std x${fmt(plain.growth, 3)} per block), BatchNorm ${fmt(batch.test, 3)}` : 'the direction does not hold in this run',
      holds,
      numbers: { fixupTest: fixup.test, kaimingTest: plain.test, batchNormTest: batch.test, kaimingGrowth: plain.growth, fixupGrowth: fixup.growth },
    };
  },
};
