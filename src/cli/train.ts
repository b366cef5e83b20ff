// initscope train --dataset mnist --act tanh --init xavier --layers 6 --width 128 --batch 64
//   --steps 1000 --optimizer sgd --lr 0.1 [--momentum 0.9] [--norm none] [--seed 0] [--json]
// initscope train --net lenet5 --act relu --init kaiming   (or --net FILE.json: a list of layers)
// The lecture's last step in a terminal: train a net on real data and print the test accuracy.
import { readFileSync, writeFileSync } from 'node:fs';
import { createEngine, type MLPOptions, type NetOptions, type OptimizerOption, type TrainerOptions } from '../index';
import { mnist, spiral, standardize, type Dataset } from '../data/index';
import { createNodeGPU } from '../node/index';
import { activationOf, initOf, NET_FLAGS, numberFlag, parseFlags, parseOrUsage } from './flags';
import { netFlag } from './nets';
import { mlpAsNetOptions } from '../model/options';

const usage = `usage: initscope train [options]   (npm run train -- [options])
  --dataset NAME    mnist (default) or spiral
  --net NET         mlp (default: --layers x --width), lenet5, or FILE.json holding { layers, input? }
                    (createNet's layers; --act, --init, --norm are the defaults of every layer)
  --act NAME        hidden activation (tanh); --slope S, --alpha A, --k K for its parameter
  --init NAME       weight init (xavier); --std S for normal, --value V for constant;
                    lsuv rescales on the first training batch
  --layers N        hidden layers (6); the output layer is linear with one unit per class
  --width W         units per hidden layer (128)      --batch B     rows per step (64)
  --steps N         training steps (1000)             --every N     steps per progress line (100)
  --optimizer NAME  sgd (default), adam or adamw      --lr R        learning rate (sgd 0.1, adam 1e-3)
  --momentum M      sgd momentum (0)                  --nesterov    Nesterov momentum
  --weight-decay D  L2 (sgd, adam) or decoupled (adamw) weight decay
  --norm NAME       none (default), batch or layer: between matmul and activation of every hidden layer
  --seed S          weights, data order (0)           --json        one JSON object, with testAccuracy
  --stats           per-layer statistics in each progress line's record (with --json)
  --save FILE       write the trained net as a safetensors checkpoint (net.save(); PyTorch's names)
  --load FILE       start from a checkpoint (its tensors must fit the net the other flags describe)`;

const OPTIONS = {
  ...NET_FLAGS, dataset: { type: 'string', default: 'mnist' }, net: { type: 'string', default: 'mlp' }, layers: { type: 'string', default: '6' }, width: { type: 'string', default: '128' },
  batch: { type: 'string', default: '64' }, steps: { type: 'string', default: '1000' }, every: { type: 'string', default: '100' },
  optimizer: { type: 'string', default: 'sgd' }, lr: { type: 'string' }, momentum: { type: 'string', default: '0' },
  nesterov: { type: 'boolean', default: false }, 'weight-decay': { type: 'string', default: '0' }, norm: { type: 'string', default: 'none' },
  json: { type: 'boolean', default: false }, stats: { type: 'boolean', default: false },
  save: { type: 'string' }, load: { type: 'string' },
} as const;

function parseTrainArgs(argv: string[]) {
  const a = parseFlags(argv, OPTIONS);
  if (a.dataset !== 'mnist' && a.dataset !== 'spiral') throw new Error(`--dataset must be mnist or spiral, got ${JSON.stringify(a.dataset)}`);
  return {
    a, activation: activationOf(a), init: initOf(a), net: netFlag(a.net),
    layers: numberFlag('layers', a.layers, true), width: numberFlag('width', a.width, true), batch: numberFlag('batch', a.batch, true),
    steps: numberFlag('steps', a.steps, true), every: numberFlag('every', a.every, true), seed: numberFlag('seed', a.seed, true),
    momentum: numberFlag('momentum', a.momentum, false), weightDecay: numberFlag('weight-decay', a['weight-decay'], false),
    lr: a.lr === undefined ? undefined : numberFlag('lr', a.lr, false),
  };
}

/** Runs a training with command-line arguments; resolves to the process exit code. */
export async function train(argv: string[]): Promise<number> {
  const o = parseOrUsage('train', usage, () => parseTrainArgs(argv));
  if (typeof o === 'number') return o;
  const { a } = o;
  if (a.help) { console.log(usage); return 0; }
  const log = (msg: string) => { if (!a.json) console.error(msg); };
  const data: Dataset = standardize(a.dataset === 'mnist' ? await mnist() : spiral({ classes: 3, points: 1000, seed: o.seed }));
  const engine = await createEngine({ gpu: await createNodeGPU() });
  const info = engine.adapterInfo;
  log(`adapter: ${info.vendor} ${info.architecture} ${info.description}${info.isFallbackAdapter ? ' (software, CPU)' : ''}`);
  const norm = a.norm as MLPOptions['norm'];
  // MNIST's rows are 28 x 28 images: a net of layers reads them as [1, 28, 28] unless its file says.
  const options: MLPOptions | NetOptions = o.net
    ? { input: o.net.input ?? (a.dataset === 'mnist' ? [1, 28, 28] : data.features), batch: o.batch, seed: o.seed,
      activation: o.activation, init: o.init, bias: true, norm, layers: o.net.layers }
    : { dims: [data.features, ...Array.from({ length: o.layers }, () => o.width), data.classes], batch: o.batch,
      activation: o.activation, output: 'linear', init: o.init, bias: true, norm, seed: o.seed };
  const optimizer = (a.optimizer === 'sgd'
    ? { name: 'sgd', lr: o.lr ?? 0.1, momentum: o.momentum, nesterov: a.nesterov, weightDecay: o.weightDecay }
    : { name: a.optimizer, lr: o.lr ?? 1e-3, weightDecay: o.weightDecay }) as OptimizerOption;
  const trainerOptions: TrainerOptions = { loss: 'cross_entropy', optimizer };
  const net = a.load !== undefined
    ? await engine.loadNet(new Uint8Array(readFileSync(a.load)), { spec: 'layers' in options ? options : mlpAsNetOptions(options) })
    : 'layers' in options ? engine.createNet(options) : engine.createMLP(options);
  if (a.load !== undefined) log(`loaded ${a.load}`);
  const trainer = net.trainer(trainerOptions);
  await trainer.setData(data.train.x, data.train.labels, { shuffle: true, seed: o.seed });
  if (a.init === 'lsuv') {
    const r = await net.lsuv(data.train.x.slice(0, o.batch * data.features));
    log(`lsuv: per-layer scales ${r.scales.map((s) => s.toFixed(3)).join(' ')} after ${r.iterations.join('/')} passes`);
  }
  const shape = 'layers' in options ? `${a.net} (${options.layers.map((l) => l.type).join(', ')})` : options.dims.join('x');
  log(`${a.dataset}: ${data.train.labels.length} training rows, ${data.test.labels.length} test rows; net ${shape}, ` +
    `${a.act}, init ${a.init}, ${optimizer.name} lr ${optimizer.lr}`);
  const started = performance.now();
  const result = await trainer.train(o.steps, {
    every: Math.min(o.every, o.steps), stats: a.stats,
    onProgress: (p) => log(`step ${String(p.step).padStart(5)}  loss ${p.record.loss.toFixed(4)}  batch accuracy ${p.record.accuracy.toFixed(3)}` +
      `  ${(p.elapsedMs / 1000).toFixed(1)} s, ~${(p.etaMs / 1000).toFixed(0)} s left`),
  });
  const seconds = (performance.now() - started) / 1000;
  const test = await trainer.evaluate(data.test.x, data.test.labels);
  if (result.stopped) log(`stopped early: ${result.stopped === 'diverged' ? 'the loss became NaN or infinite (learning rate too large?)' : 'aborted'}`);
  log(`trained ${result.history.length} steps in ${seconds.toFixed(1)} s (${(result.history.length / seconds).toFixed(1)} steps/s)`);
  if (a.json) {
    console.log(JSON.stringify({ adapter: info, options, trainer: trainerOptions, steps: result.history.length, seconds, stopped: result.stopped,
      testLoss: test.loss, testAccuracy: test.accuracy, history: result.history.map(({ step, loss, accuracy, lr, layers }) => ({ step, loss, accuracy, lr, ...(layers ? { layers } : {}) })) }));
  } else {
    console.log(`test accuracy ${test.accuracy.toFixed(4)}  (test loss ${test.loss.toFixed(4)})`);
  }
  if (a.save !== undefined) {
    writeFileSync(a.save, await net.save());
    log(`saved ${a.save}`);
  }
  net.destroy();
  engine.destroy();
  return result.stopped === 'diverged' ? 1 : 0;
}
