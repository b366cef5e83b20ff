// The demo page: four views (single pass at initialisation, training, the reading list, inside a
// trained net) over one engine (training runs in a worker with its own). State lives in the URL
// hash; results are exposed as window.initscope.lastResult (single.ts), lastTraining (train.ts),
// lastReproduction (papers.ts) and lastInside (inside.ts), the page's phase as
// document.body.dataset.state, and the engine in use as window.initscope.engine, for tests and
// for anyone scripting the page.
import { ACTIVATION_NAMES, createEngine, INIT_NAMES, type Engine, type LrFindResult } from '../src/index';
import { $, describeAdapter, download } from './dom';
import { setupInside, type LastInside } from './inside';
import { histogramsPng } from './plots';
import { setupPapers } from './papers';
import { setupSingle, type LastResult } from './single';
import type { ReproductionResult } from '../src/reproduce/index';
import { parseHash, type DemoState } from './state';
import { setupTraining, type LastTraining } from './train';
import type { AdapterLine } from './trainProtocol';

declare global {
  interface Window {
    initscope: {
      lastResult?: LastResult; lastTraining?: LastTraining; state: DemoState; engine?: Engine;
      /** The last reproduction run in the reading-list view, with its time. */
      lastReproduction?: ReproductionResult & { seconds: number };
      /** The training session in progress (numbered from 1 on this page) and the steps it has done. */
      training?: { session: number; step: number };
      /** Where the training view trains ('worker', or 'page' where a worker has no WebGPU); `lose`
       *  destroys its device, as a driver reset would (for tests). */
      trainingHost?: { where: 'worker' | 'page'; lose(): Promise<void> };
      /** The training view's last Find learning rate sweep. */
      lastLrFind?: LrFindResult;
      /** The Inside the net view's net, digit, class models and top digits. */
      lastInside?: LastInside;
    };
  }
}

const statusLine = $('status');

function setPhase(phase: 'idle' | 'running' | 'done' | 'error', text: string): void {
  document.body.dataset.state = phase;
  statusLine.textContent = text;
}

function showNotes(notes: string[]): void {
  $('notes').replaceChildren(...notes.map((n) => Object.assign(document.createElement('div'), { textContent: n })));
}

let enginePromise: Promise<Engine> | undefined;
const lostListeners: Array<() => void> = [];

/** The lost-device panel, for the page's engine or the training host's. */
function showLost(reason: string, message: string): void {
  $('lost-reason').textContent = `${reason}: ${message || 'no message from the driver'}`;
  $('lost').hidden = false;
  setPhase('error', 'The GPU device was lost.');
}

const showAdapter = (text: string) => { $('adapter').textContent = `Adapter: ${text}`; };

function watchLoss(e: Engine): void {
  void e.lost.then((info) => {
    if (window.initscope.engine !== e) return;
    showLost(info.reason, info.message);
    window.initscope.engine = undefined;
    enginePromise = undefined;
    for (const l of lostListeners) l();
  });
}

/** The page's one engine, made on first use (and again after a lost device). */
function getEngine(): Promise<Engine> {
  enginePromise ??= createEngine().then((e) => {
    window.initscope.engine = e;
    watchLoss(e);
    showAdapter(describeAdapter({ info: e.adapterInfo, kernelTarget: e.kernelTarget, hasTimestamps: e.hasTimestamps }));
    return e;
  }, (err: unknown) => { enginePromise = undefined; throw err; });
  return enginePromise;
}

function csv(r: LastResult): string {
  const fields = ['count', 'mean', 'std', 'min', 'max', 'meanAbs', 'rms', 'zeroFraction', 'deadUnitFraction', 'saturatedFraction', 'nanCount', 'infCount'] as const;
  const rows = [['config', 'layer', 'tensor', ...fields].join(',')];
  const each = (config: string, p: Pick<LastResult, 'forward' | 'backward'>) => {
    const add = (layer: number, tensor: string, t: Record<(typeof fields)[number], number> | undefined) => { if (t) rows.push([config, layer + 1, tensor, ...fields.map((f) => t[f])].join(',')); };
    p.forward.layers.forEach((l, i) => { add(i, 'preactivation', l.preactivation); add(i, 'normalized', l.normalized); add(i, 'activation', l.activation); });
    p.backward?.layers.forEach((l, i) => { add(i, 'weightGrad', l.weightGrad); add(i, 'biasGrad', l.biasGrad); add(i, 'alphaGrad', l.alphaGrad); add(i, 'inputGrad', l.inputGrad); });
  };
  each('A', r);
  if (r.compare) each('B', r.compare);
  return rows.join('\n');
}

const trainingHooks = { setPhase, showNotes, showLost, showAdapter: (line: AdapterLine) => showAdapter(describeAdapter(line)) };

type View = 'single' | 'train' | 'papers' | 'inside';
const viewOf = (hash: string): View => {
  const v = new URLSearchParams(hash.replace(/^#/, '')).get('view');
  return v === 'train' || v === 'papers' || v === 'inside' ? v : 'single';
};
const isTrainView = (hash: string) => viewOf(hash) === 'train';

/** Shows the view the hash names: single pass (default), training, the reading list or inside the net. */
function showView(view: View): void {
  $('app').hidden = view !== 'single';
  $('train-view').hidden = view !== 'train';
  $('papers-view').hidden = view !== 'papers';
  $('inside-view').hidden = view !== 'inside';
  for (const [id, current] of [['to-single', view === 'single'], ['to-train', view === 'train'], ['to-papers', view === 'papers'], ['to-inside', view === 'inside']] as const) {
    if (current) $(id).setAttribute('aria-current', 'page'); else $(id).removeAttribute('aria-current');
  }
}

function setup(): void {
  const parsed = parseHash(location.hash);
  window.initscope = { state: parsed.state };
  const hooks = { engine: getEngine, setPhase, showNotes, onLost: (l: () => void) => lostListeners.push(l) };
  const single = setupSingle(hooks, parsed, { acts: ACTIVATION_NAMES, inits: INIT_NAMES });
  const training = setupTraining(trainingHooks, location.hash, INIT_NAMES);
  setupPapers(hooks);
  setupInside({ ...hooks, trainedWeights: () => training.trainedWeights() });
  const view = viewOf(location.hash);
  showView(view);
  // Read before showInitial writes the settings into the hash.
  const opensOnLecture = view === 'single' && location.hash.replace(/^#/, '') === '';
  if (view === 'train') training.start(); else if (view === 'single') single.showInitial();
  window.addEventListener('hashchange', () => {
    const to = viewOf(location.hash);
    showView(to);
    if (to === 'train') training.load(location.hash); else if (to === 'single') single.load(location.hash);
  });
  $('restart').addEventListener('click', () => {
    $('lost').hidden = true;
    if (isTrainView(location.hash)) training.restart(); else single.run();
  });
  $('export-json').addEventListener('click', () => {
    const r = window.initscope.lastResult;
    if (r) download('initscope-stats.json', new Blob([JSON.stringify({ settings: window.initscope.state, adapter: window.initscope.engine?.adapterInfo, ...r }, null, 2)], { type: 'application/json' }));
  });
  $('export-csv').addEventListener('click', () => {
    const r = window.initscope.lastResult;
    if (r) download('initscope-stats.csv', new Blob([csv(r)], { type: 'text/csv' }));
  });
  $('export-png').addEventListener('click', () => {
    void histogramsPng().then((png) => { if (png) download('initscope-histograms.png', png); });
  });
  setPhase('idle', view === 'train' ? 'Pick a preset or press Train.' : view === 'papers' ? 'Pick a paper and press Run.'
    : view === 'inside' ? 'Train a net here, take the training view\'s, or load weights.' : 'Pick a preset or press Run.');
  if (opensOnLecture) void single.openOnLecture();
}

/** Without WebGPU the page says so; the training view still opens saved runs (they need no GPU). */
function setupWithoutGpu(): void {
  $('no-webgpu-reason').textContent = 'navigator.gpu is missing: this browser has no WebGPU, or it is turned off.';
  $('no-webgpu').hidden = false;
  window.initscope = { state: parseHash(location.hash).state };
  const training = setupTraining(trainingHooks, location.hash, INIT_NAMES);
  const show = () => { showView(isTrainView(location.hash) ? 'train' : 'single'); $('app').hidden = true; };
  show();
  window.addEventListener('hashchange', show);
  document.body.dataset.state = 'error';
  if (isTrainView(location.hash)) training.start();
}

if (!('gpu' in navigator) || !navigator.gpu) setupWithoutGpu(); else setup();
