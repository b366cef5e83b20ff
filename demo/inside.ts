// The Inside the net view (#view=inside): a trained MNIST net (trained here, the training view's
// net A, or a loaded checkpoint) on the page's engine, and what the lecture's Part III shows of it:
// a test digit's saliency map over the digit (Simonyan et al. 2013), its FGSM and PGD versions at
// a chosen eps with what the net reads in each (Goodfellow et al. 2014, Madry et al. 2017), the
// class models with their scores per step, the first layer's weights as images, and the test
// digits that most activate a chosen unit. Everything is src/inside/'s API on this page's GPU; the
// numbers are window.initscope.lastInside for tests.
import { adversarialTraining, classModels, fgsm, pgd, saliency, type Engine, type Net, type Preprocessing } from '../src/index';
import { mnist, standardization, type Dataset } from '../src/data/index';
import { toNet as pixelsToNet } from '../src/inside/preprocessing';
import { mnistMLP, spreadRows } from '../src/reproduce/types';
import { $ } from './dom';
import { diverging, figure, grey, overlay, range } from './insideDraw';
import { scoresPlot } from './insidePlot';

interface Hooks {
  engine(): Promise<Engine>;
  setPhase(phase: 'idle' | 'running' | 'done' | 'error', text: string): void;
  /** The training view's net A as a checkpoint, or undefined when it has not trained one. */
  trainedWeights(): Promise<Uint8Array> | undefined;
  onLost(listener: () => void): void;
}

/** What the view shows, as numbers (window.initscope.lastInside). */
export interface LastInside {
  net: string; testAccuracy: number;
  /** Accuracy on 500 test digits (spread over the test set) under FGSM at eps 0.1. */
  fgsmAccuracy: number;
  digit?: { index: number; label: number; prediction: number; eps: number; fgsmPrediction: number; pgdPrediction: number };
  classModels?: { first: number[]; last: number[]; readAs: number[] };
  topDigits?: { layer: number; unit: number; rows: number[]; values: number[] };
}

const PIXELS = 784;
const CLASSES = 10;
const argmax = (s: ArrayLike<number>, from = 0, n = CLASSES) => {
  let best = 0;
  for (let c = 1; c < n; c++) if (s[from + c] > s[from + best]) best = c;
  return best;
};
const softmaxTop = (s: Float32Array, from: number) => {
  const top = argmax(s, from);
  let sum = 0;
  for (let c = 0; c < CLASSES; c++) sum += Math.exp(s[from + c] - s[from + top]);
  return { top, p: 1 / sum };
};
const pct = (p: number) => `${(100 * p).toFixed(p > 0.999 ? 1 : 0)}%`;

/** MNIST in pixels, and the standardisation the nets read it through. */
interface Data { raw: Dataset; preprocessing: Preprocessing }
let data: Promise<Data> | undefined;
const loadData = () => {
  data ??= mnist().then((raw) => ({ raw, preprocessing: standardization(raw) }));
  data.catch(() => { data = undefined; });
  return data;
};

export function setupInside(hooks: Hooks): void {
  let net: { net: Net; text: string } | undefined;
  let busy = Promise.resolve();
  const last = (): LastInside => (window.initscope.lastInside ??= { net: '', testAccuracy: NaN, fgsmAccuracy: NaN });
  const progress = $<HTMLProgressElement>('inside-progress');
  hooks.onLost(() => { net = undefined; $('inside-panel').hidden = true; });

  /** Runs one job at a time; a refusal or failure becomes the page's phase. */
  const job = (name: string, work: (d: Data) => Promise<string>) => {
    busy = busy.then(async () => {
      hooks.setPhase('running', `${name}...`);
      try { hooks.setPhase('done', await work(await loadData())); } catch (e) { hooks.setPhase('error', `${name}: ${(e as Error).message}`); }
    });
  };
  const toNet = (d: Data, x: Float32Array) => pixelsToNet(x, PIXELS, d.preprocessing);

  /** A net for the view: checked to read MNIST's 784 pixels into 10 classes, its test accuracy measured. */
  const use = async (d: Data, made: Net, text: string): Promise<string> => {
    const input = made.options.input;
    const width = typeof input === 'number' ? input : input.reduce((a, b) => a * b, 1);
    const outputs = (await made.predict(new Float32Array(width))).length;
    if (width !== PIXELS || outputs !== CLASSES) {
      made.destroy();
      throw new Error(`this view needs a net that reads MNIST's 784 pixels and scores 10 classes; this one reads ${width} values into ${outputs}`);
    }
    net?.net.destroy();
    net = { net: made, text };
    const accuracy = async (x: Float32Array, labels: Int32Array) => {
      const scores = await made.predict(toNet(d, x));
      return labels.reduce((right, y, r) => right + (argmax(scores, r * CLASSES) === y ? 1 : 0), 0) / labels.length;
    };
    const labels = d.raw.test.labels;
    const clean = await accuracy(d.raw.test.x, labels);
    const some = spreadRows(d.raw.test, 500);
    const attacked = await accuracy(await fgsm(made, some.x, some.labels, 0.1, { preprocessing: d.preprocessing }), some.labels);
    window.initscope.lastInside = { net: text, testAccuracy: clean, fgsmAccuracy: attacked };
    $('inside-net').textContent = `${text}: test accuracy ${pct(clean)} on ${labels.length} test digits; under FGSM at eps 0.1, ${pct(attacked)} of 500.`;
    $('inside-panel').hidden = false;
    $<HTMLInputElement>('inside-digit').max = String(labels.length - 1);
    const layers = made.options.layers;
    $('inside-layer').replaceChildren(...layers.map((l, i) => Object.assign(document.createElement('option'), { value: String(i), textContent: `${i}: ${l.type}` })));
    await drawWeights(made);
    await showDigit(d);
    return `${text}: test accuracy ${pct(clean)}, under FGSM at eps 0.1 ${pct(attacked)}`;
  };

  const drawWeights = async (made: Net) => {
    const first = made.options.layers[0];
    const { W } = await made.readParameters(0);
    if (first.type === 'conv') {
      const [kh, kw] = Array.isArray(first.size) ? first.size : [first.size, first.size];
      const taps = W.length / first.filters;
      $('inside-weights').replaceChildren(...Array.from({ length: first.filters }, (_, f) => {
        const w = W.subarray(f * taps, f * taps + kh * kw);
        return figure(w, diverging(w), `filter ${f}`, 12, [kh, kw]);
      }));
      return;
    }
    const units = W.length / PIXELS;
    $('inside-weights').replaceChildren(...Array.from({ length: Math.min(units, 32) }, (_, u) => {
      const w = Float32Array.from({ length: PIXELS }, (_, i) => W[i * units + u]);
      return figure(w, diverging(w), `unit ${u}`, 2);
    }));
  };

  const showDigit = async (d: Data): Promise<string> => {
    if (!net) return 'no net yet: train one here, take the training view\'s, or load weights';
    const index = Math.min(d.raw.test.labels.length - 1, Math.max(0, Number($<HTMLInputElement>('inside-digit').value) || 0));
    const eps = Math.max(0, Number($<HTMLInputElement>('inside-eps').value) || 0);
    const x = d.raw.test.x.slice(index * PIXELS, (index + 1) * PIXELS);
    const label = d.raw.test.labels[index];
    const labels = Int32Array.of(label);
    const { preprocessing } = d;
    const map = await saliency(net.net, x, { class: label, preprocessing });
    const advF = await fgsm(net.net, x, labels, eps, { preprocessing });
    const advP = await pgd(net.net, x, labels, eps, { steps: 10, preprocessing });
    const rows = new Float32Array(3 * PIXELS);
    rows.set(x);
    rows.set(advF, PIXELS);
    rows.set(advP, 2 * PIXELS);
    const s = await net.net.predict(toNet(d, rows));
    const [clean, f, p] = [0, 1, 2].map((r) => softmaxTop(s, r * CLASSES));
    const pixels = grey(0, 1);
    $('inside-digit-row').replaceChildren(
      figure(x, pixels, `test digit ${index} (a ${label}): read as ${clean.top} (${pct(clean.p)})`),
      overlay(x, map, `saliency |dS_${label}/dx| (red) over it`),
      figure(advF, pixels, `FGSM, eps ${eps}: read as ${f.top} (${pct(f.p)})`),
      figure(advF.map((v, i) => v - x[i]), diverging([eps]), `FGSM's change (red +, blue -)`),
      figure(advP, pixels, `PGD, eps ${eps}, 10 steps: read as ${p.top} (${pct(p.p)})`),
    );
    last().digit = { index, label, prediction: clean.top, eps, fgsmPrediction: f.top, pgdPrediction: p.top };
    return `test digit ${index}: read as ${clean.top}; at eps ${eps} FGSM makes it ${f.top}, PGD ${p.top}`;
  };

  $('inside-train').addEventListener('click', () => job('training an MLP 784-128-128-10 on MNIST', async (d) => {
    const engine = await hooks.engine();
    const steps = Math.max(1, Math.round(Number($<HTMLInputElement>('inside-steps').value) || 300));
    const robust = $<HTMLInputElement>('inside-robust').checked;
    const made = engine.createNet(mnistMLP(0, [128, 128]));
    const optimizer = { name: 'sgd' as const, lr: 0.05, momentum: 0.9 };
    const started = performance.now();
    const report = (step: number, loss: number) => {
      progress.value = step / steps;
      const left = ((performance.now() - started) / step) * (steps - step) / 1000;
      hooks.setPhase('running', `training here${robust ? ' (adversarially)' : ''}: step ${step} of ${steps}, loss ${loss.toFixed(3)}, about ${left.toFixed(0)} s left`);
    };
    if (robust) {
      await adversarialTraining(made, d.raw.train.x, d.raw.train.labels, { eps: 0.1, steps, trainer: { optimizer }, preprocessing: d.preprocessing,
        seed: 0, every: Math.min(25, steps), onProgress: (q) => report(q.step, q.loss) });
    } else {
      const trainer = made.trainer({ loss: 'cross_entropy', optimizer });
      await trainer.setData(toNet(d, d.raw.train.x), d.raw.train.labels, { seed: 0 });
      await trainer.train(steps, { every: Math.min(25, steps), onProgress: (q) => report(q.step, q.record.loss) });
      trainer.destroy();
    }
    return use(d, made, `an MLP 784-128-128-10 (relu, kaiming) trained here for ${steps} SGD steps${robust ? ', adversarially (half of each batch FGSM at eps 0.1)' : ''}`);
  }));
  $('inside-from-training').addEventListener('click', () => job('taking the training view\'s net A', async (d) => {
    const bytes = hooks.trainedWeights();
    if (!bytes) throw new Error('the training view has no trained net yet: train one there first (on MNIST), or train one here');
    return use(d, await (await hooks.engine()).loadNet(await bytes), 'the training view\'s net A');
  }));
  const file = $<HTMLInputElement>('inside-load');
  file.addEventListener('change', () => {
    const chosen = file.files?.[0];
    if (chosen) job(`loading ${chosen.name}`, async (d) => use(d, await (await hooks.engine()).loadNet(new Uint8Array(await chosen.arrayBuffer())), chosen.name));
  });
  const redraw = () => job('the digit, its saliency map and its attacks', showDigit);
  $('inside-digit').addEventListener('change', redraw);
  $('inside-eps').addEventListener('change', redraw);
  $('inside-another').addEventListener('click', () => {
    $<HTMLInputElement>('inside-digit').value = String(Math.floor(Math.random() * Number($<HTMLInputElement>('inside-digit').max || 0)));
    redraw();
  });

  $('inside-class-models').addEventListener('click', () => job('class models', async (d) => {
    if (!net) throw new Error('no net yet');
    const steps = 30;
    const r = await classModels(net.net, { steps, start: toNet(d, new Float32Array(PIXELS)), onProgress: (t) => { progress.value = t / steps; } });
    const s = await net.net.predict(r.images);
    const readAs = r.classes.map((_, i) => argmax(s, i * CLASSES));
    const first = r.scores[0];
    const end = r.scores[r.scores.length - 1];
    $('inside-class-images').replaceChildren(...r.classes.map((c, i) => {
      const image = r.images.subarray(i * PIXELS, (i + 1) * PIXELS);
      return figure(image, grey(...range(image)), `${c}: S ${first[i].toFixed(1)} -> ${end[i].toFixed(1)}, read as ${readAs[i]}`);
    }));
    scoresPlot('inside-class-scores', r.scores, r.classes);
    last().classModels = { first, last: end, readAs };
    return `class models: ${readAs.filter((c, i) => c === r.classes[i]).length} of ${r.classes.length} read as their class after ${steps} steps`;
  }));

  $('inside-top').addEventListener('click', () => job('the test digits that most activate the unit', async (d) => {
    if (!net) throw new Error('no net yet');
    const layer = Number($<HTMLSelectElement>('inside-layer').value);
    const spread = spreadRows(d.raw.test, 1000);
    const a = await net.net.predict(toNet(d, spread.x), { layer });
    const rows = spread.labels.length;
    const width = a.length / rows;
    const spec = net.net.options.layers[layer];
    // A conv layer's unit is a channel, at its largest over the positions; any other, one output.
    const plane = spec.type === 'conv' ? width / spec.filters : 1;
    const units = width / plane;
    const unit = Math.min(units - 1, Math.max(0, Number($<HTMLInputElement>('inside-unit').value) || 0));
    $<HTMLInputElement>('inside-unit').max = String(units - 1);
    const value = (r: number) => { let m = -Infinity; for (let p = 0; p < plane; p++) m = Math.max(m, a[r * width + unit * plane + p]); return m; };
    const top = Array.from({ length: rows }, (_, r) => [value(r), r]).sort((p, q) => q[0] - p[0]).slice(0, 8);
    $('inside-top-digits').replaceChildren(...top.map(([v, r]) => figure(spread.x.subarray(r * PIXELS, (r + 1) * PIXELS), grey(0, 1), `${v.toFixed(2)} (a ${spread.labels[r]})`, 2)));
    last().topDigits = { layer, unit, rows: top.map((t) => t[1]), values: top.map((t) => t[0]) };
    return `layer ${layer} (${spec.type}), unit ${unit} of ${units}: its top 8 of ${rows} test digits are ${top.map(([, r]) => spread.labels[r]).join(', ')}`;
  }));
}
