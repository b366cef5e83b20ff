// A reproduction of a paper on the lecture's reading list: its setup, one or more tables of what
// this engine measured, and whether the paper's headline direction holds in them. The CLI
// (`npm run reproduce -- NAME`) prints it; the same code runs in the demo.
import type { Engine, NetOptions, OptimizerOption } from '../index';
import type { Dataset } from '../data/index';

/** A table of a reproduction: columns and rows of numbers or labels. */
export interface ReproductionTable { title: string; columns: string[]; rows: Array<Array<string | number>> }

/** What a reproduction resolves to. `numbers` holds the figures the verdict rests on (and the README quotes). */
export interface ReproductionResult {
  name: string;
  paper: string;
  claim: string;
  setup: string;
  tables: ReproductionTable[];
  /** One sentence: what the tables show, in the claim's terms. */
  verdict: string;
  /** Whether the paper's direction holds in this run. */
  holds: boolean;
  numbers: Record<string, number>;
}

/** What a reproduction runs with: the engine, the seed, MNIST (loaded on first use), a progress line, and the run's size. */
export interface ReproductionContext {
  engine: Engine;
  seed: number;
  mnist: () => Promise<Dataset>;
  log: (line: string) => void;
  /** Overrides of a reproduction's sizes (depth, steps, rounds, seeds ...), by name. */
  sizes: Record<string, number>;
}

/** A paper of the reading list as a one-command experiment. */
export interface Reproduction {
  name: string;
  paper: string;
  claim: string;
  /** The sizes it runs at (each can be overridden), with what each means. */
  sizes: Record<string, { value: number; means: string }>;
  /** What to look for, in one sentence (the demo's preset text). */
  lookFor: string;
  /** The sizes the demo's preset runs at (a CPU adapter takes seconds to a few minutes there); the
   *  paper's direction holds at them (`npm run papers` checks every preset). */
  pageSizes: Record<string, number>;
  /** Set for a documented negative result: what does not hold here and who agrees. The page says
   *  it before Run, and `npm run papers` reports it without failing on it. */
  negative?: string;
  run(ctx: ReproductionContext): Promise<ReproductionResult>;
}

/** A size of the run: the context's override, else the reproduction's default. */
export const sizeOf = (r: Reproduction, ctx: ReproductionContext, name: string): number => ctx.sizes[name] ?? r.sizes[name].value;

/** Mean and population std. */
export function meanStd(values: number[]): { mean: number; std: number } {
  const mean = values.reduce((s, v) => s + v, 0) / values.length;
  return { mean, std: Math.sqrt(values.reduce((s, v) => s + (v - mean) ** 2, 0) / values.length) };
}

/** A number for a table: 4 significant digits, NaN and infinities spelled out. */
export const fmt = (v: number, digits = 4): string => (Number.isFinite(v) ? Number(v.toPrecision(digits)).toString() : String(v));

/** An MNIST MLP 784 -> hidden... -> 10 (ReLU, Kaiming, bias, a linear output), batch 64: the net
 *  of the Part III and Hyperparameters reproductions. */
export const mnistMLP = (seed: number, hidden: number[]) => ({
  input: 784, batch: 64, seed, activation: 'relu' as const, init: 'kaiming' as const, bias: true,
  layers: [...hidden.map((units) => ({ type: 'dense' as const, units })), { type: 'dense' as const, units: 10, activation: 'linear' as const }],
});

/** n test rows spread evenly over the test set (row floor(i N / n)): the test set is ordered by
 *  digit, so its first n rows would be zeros and ones. */
export function spreadRows(test: { x: Float32Array; labels: ArrayLike<number> }, n: number): { x: Float32Array; labels: Int32Array } {
  const total = test.labels.length;
  const count = Math.min(n, total);
  const features = test.x.length / total;
  const x = new Float32Array(count * features);
  const labels = new Int32Array(count);
  for (let i = 0; i < count; i++) {
    const r = Math.floor((i * total) / count);
    x.set(test.x.subarray(r * features, (r + 1) * features), i * features);
    labels[i] = test.labels[r];
  }
  return { x, labels };
}

/** A fresh net of `options` trained `steps` steps (cross-entropy, batches of MNIST's training set
 *  in `seed`'s order), then scored on the whole test set; the net is destroyed after. */
export async function trainAndTest(ctx: ReproductionContext, options: NetOptions, optimizer: OptimizerOption, steps: number, seed: number):
  Promise<{ loss: number; accuracy: number; stopped?: 'diverged' | 'aborted' }> {
  const data = await ctx.mnist();
  const net = ctx.engine.createNet(options);
  try {
    const trainer = net.trainer({ loss: 'cross_entropy', optimizer });
    await trainer.setData(data.train.x, data.train.labels, { seed });
    const t = await trainer.train(steps, { every: Math.min(100, steps) });
    const test = await trainer.evaluate(data.test.x, data.test.labels);
    return { loss: t.loss, accuracy: test.accuracy, ...(t.stopped ? { stopped: t.stopped } : {}) };
  } finally {
    net.destroy();
  }
}
