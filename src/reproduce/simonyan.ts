// Simonyan, Vedaldi & Zisserman (2013), "Deep inside convolutional networks": the saliency map
// |dS_c/dx| of a trained net points at the pixels its decision rests on, and gradient ascent on the
// input from a blank image makes an image of each class (a class model). Two checks that a map
// means something: deleting the most salient pixels (set to the background, 0) lowers the class
// score and the accuracy more than deleting as many random pixels (the deletion test), and the
// maps of the trained net differ from those of the same net at its initialisation (the
// randomisation check of Adebayo et al. 2018), whose maps delete no better than chance.
import { classModels, deletePixels, rankCorrelation, rankPixels, saliency } from '../index';
import { mnist, standardization } from '../data/index';
import { fmt, mnistMLP, sizeOf, spreadRows, type Reproduction, type ReproductionContext, type ReproductionResult } from './types';

const PIXELS = 784;
const FRACTIONS = [0.05, 0.1, 0.2];

/** Mean S_y and the accuracy over rows. */
function scoreAndAccuracy(s: Float32Array, labels: Int32Array): { score: number; accuracy: number } {
  let score = 0;
  let right = 0;
  labels.forEach((y, r) => {
    const row = s.subarray(r * 10, r * 10 + 10);
    score += row[y];
    if (row.indexOf(Math.max(...row)) === y) right++;
  });
  return { score: score / labels.length, accuracy: right / labels.length };
}

export const SIMONYAN: Reproduction = {
  name: 'simonyan',
  paper: 'Simonyan, Vedaldi & Zisserman 2013, Deep inside convolutional networks: visualising image classification models and saliency maps',
  claim: 'a trained net\'s saliency map |dS_c/dx| marks the pixels its decision rests on: deleting the most salient pixels lowers the class score more than deleting random ones (and the accuracy, at 20%), '
    + 'the maps differ from those of the same net at its initialisation (Adebayo et al. 2018), and gradient ascent from a blank image raises each class\'s score',
  lookFor: 'the accuracy after deleting 5-20% of the pixels, most salient first against random; the rank correlation of the trained and initial nets\' maps; each class model\'s score',
  sizes: { steps: { value: 600, means: 'SGD steps the MLP 784-128-128-10 trains (momentum 0.9, batch 64)' },
    rows: { value: 500, means: 'test digits mapped and deleted from (spread over the test set)' },
    ascent: { value: 100, means: 'gradient-ascent steps per class model' } },
  pageSizes: { steps: 300, rows: 100, ascent: 30 },
  async run(ctx: ReproductionContext): Promise<ReproductionResult> {
    const steps = sizeOf(this, ctx, 'steps');
    const ascent = sizeOf(this, ctx, 'ascent');
    const raw = await mnist();
    const pre = standardization(raw);
    const data = await ctx.mnist();
    const { x, labels } = spreadRows(raw.test, sizeOf(this, ctx, 'rows'));
    const rows = labels.length;
    const preprocessing = { mean: pre.mean, std: pre.std };
    const toNet = (v: Float32Array) => v.map((p, i) => (p - pre.mean[i % PIXELS]) / pre.std);
    const trained = ctx.engine.createNet(mnistMLP(ctx.seed, [128, 128]));
    const initial = ctx.engine.createNet(mnistMLP(ctx.seed, [128, 128]));
    try {
      const trainer = trained.trainer({ loss: 'cross_entropy', optimizer: { name: 'sgd', lr: 0.05, momentum: 0.9 } });
      await trainer.setData(data.train.x, data.train.labels, { seed: ctx.seed });
      await trainer.train(steps, { every: Math.min(100, steps) });
      const maps = await saliency(trained, x, { class: labels, preprocessing });
      const initialMaps = await saliency(initial, x, { class: labels, preprocessing });
      let seed = ctx.seed + 1;
      const uniform = () => { seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0; return seed / 4294967296; };
      const randomOrders = Array.from({ length: rows }, () => Array.from({ length: PIXELS }, (_, p) => p).map((p) => [uniform(), p]).sort((a, b) => a[0] - b[0]).map((e) => e[1]));
      const clean = scoreAndAccuracy(await trained.predict(toNet(x)), labels);
      const table: Array<Array<string | number>> = [['none', '0%', fmt(clean.score, 3), fmt(clean.accuracy, 3)]];
      const numbers: Record<string, number> = { cleanAccuracy: clean.accuracy };
      let holds = true;
      for (const f of FRACTIONS) {
        const k = Math.round(f * PIXELS);
        const results: Record<string, { score: number; accuracy: number }> = {};
        for (const [name, order] of [['salient (trained net)', (r: number) => rankPixels(maps, PIXELS, r)], ['salient (initial net)', (r: number) => rankPixels(initialMaps, PIXELS, r)],
          ['random', (r: number) => randomOrders[r]]] as const) {
          results[name] = scoreAndAccuracy(await trained.predict(toNet(deletePixels(x, PIXELS, order, k))), labels);
          table.push([name, `${fmt(100 * f, 3)}%`, fmt(results[name].score, 3), fmt(results[name].accuracy, 3)]);
        }
        numbers[`salient${f}`] = results['salient (trained net)'].accuracy;
        numbers[`initial${f}`] = results['salient (initial net)'].accuracy;
        numbers[`random${f}`] = results.random.accuracy;
        numbers[`salientScore${f}`] = results['salient (trained net)'].score;
        numbers[`randomScore${f}`] = results.random.score;
        // The class score falls more at every fraction; the accuracy, a coarser count, at the largest.
        holds &&= results['salient (trained net)'].score < results.random.score
          && (f !== FRACTIONS[FRACTIONS.length - 1] || results['salient (trained net)'].accuracy < results.random.accuracy);
        ctx.log(`deleting ${fmt(100 * f, 3)}%: accuracy ${fmt(results['salient (trained net)'].accuracy, 3)} (salient) vs ${fmt(results.random.accuracy, 3)} (random)`);
      }
      let correlation = 0;
      for (let r = 0; r < rows; r++) correlation += rankCorrelation(maps, initialMaps, PIXELS, r) / rows;
      numbers.rankCorrelation = correlation;
      holds &&= correlation < 0.5;
      // Class models: argmax S_c(I) - lambda |I|^2 by gradient ascent in the net's units from the blank image (0 in pixels).
      const lambda = 0.01;
      const rate = 0.5;
      const models: Array<Array<string | number>> = [];
      let rose = 0;
      const ascended = await classModels(trained, { steps: ascent, stepSize: rate, lambda, start: toNet(new Float32Array(PIXELS)) });
      const finalScores = await trained.predict(ascended.images);
      for (let c = 0; c < 10; c++) {
        const start = ascended.scores[0][c];
        const s = finalScores.subarray(c * 10, c * 10 + 10);
        const top = s.indexOf(Math.max(...s));
        if (s[c] > start && top === c) rose++;
        models.push([c, fmt(start, 3), fmt(s[c], 3), top]);
      }
      numbers.classModels = rose;
      holds &&= rose >= 8;
      return {
        name: this.name, paper: this.paper, claim: this.claim,
        setup: `MNIST; an MLP 784-128-128-10 (relu, kaiming) trained ${steps} SGD steps (momentum 0.9, batch 64), and the same net at its initialisation; ` +
          `saliency of the true class on ${rows} test digits spread over the test set, pixels deleted to 0 (most salient first, or random); class models from a blank image, ${ascent} steps of ${rate} (dS_c/dI - 2 ${lambda} I); seed ${ctx.seed}`,
        tables: [
          { title: 'deleting pixels: mean score of the true class and accuracy of the trained net', columns: ['pixels deleted by', 'fraction', 'mean S_y', 'accuracy'], rows: table },
          { title: `rank correlation of the trained and the initial net's maps (mean over ${rows} digits): ${fmt(correlation, 3)}`, columns: ['check', 'value'], rows: [['Spearman', fmt(correlation, 3)]] },
          { title: 'class models: score of the class on the blank image and after the ascent; the class the net reads in the model', columns: ['class', 'S_c blank', 'S_c model', 'argmax'], rows: models },
        ],
        verdict: holds ? `deleting the 20% most salient pixels leaves accuracy ${fmt(numbers['salient0.2'], 3)} against ${fmt(numbers['random0.2'], 3)} for random pixels ` +
          `(${fmt(numbers['initial0.2'], 3)} by the initial net's maps), and the class score falls more at 5, 10 and 20%; rank correlation with the initial net's maps ${fmt(correlation, 2)}; ${rose} of 10 class models read as their class`
          : 'the direction does not hold in this run (the tables say where)',
        holds, numbers,
      };
    } finally {
      trained.destroy();
      initial.destroy();
    }
  },
};
