// The demo page: controls -> engine -> plots. State lives in the URL hash; results are exposed as
// window.initscope.lastResult (single pass) and lastTraining (training view, train.ts), and the
// page's phase as document.body.dataset.state for tests.
import { ACTIVATION_NAMES, createEngine, INIT_NAMES, type BackwardResult, type Engine, type ForwardResult, type MLP, type TensorStats } from '../src/index';
import { histograms, histogramsPng, lines } from './plots';
import { DEFAULTS, mlpOptions, parseHash, PRESETS, toHash, type DemoState } from './state';
import { setupTraining, type LastTraining } from './train';

interface LastResult { forward: ForwardResult; backward?: BackwardResult }
declare global { interface Window { initscope: { lastResult?: LastResult; lastTraining?: LastTraining; state: DemoState } } }

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const form = $<HTMLFormElement>('controls');
const statusLine = $('status');
const parsed = parseHash(location.hash);
let state = parsed.state;
window.initscope = { state };

function setPhase(phase: 'idle' | 'running' | 'done' | 'error', text: string): void {
  document.body.dataset.state = phase;
  statusLine.textContent = text;
}

function showNotes(notes: string[]): void {
  const host = $('notes');
  host.replaceChildren(...notes.map((n) => Object.assign(document.createElement('div'), { textContent: n })));
}

function fillSelect(name: string, values: readonly string[]): void {
  const select = form.elements.namedItem(name) as HTMLSelectElement;
  select.replaceChildren(...values.map((v) => Object.assign(document.createElement('option'), { value: v, textContent: v })));
}

// Form field names are the URL's keys; two differ from the state's.
const FIELD_NAMES: Partial<Record<keyof DemoState, string>> = { eluAlpha: 'elu_alpha', preluAlpha: 'prelu_alpha' };

function writeForm(s: DemoState): void {
  for (const [key, value] of Object.entries(s)) {
    const el = form.elements.namedItem(FIELD_NAMES[key as keyof DemoState] ?? key) as HTMLInputElement | HTMLSelectElement | null;
    if (!el) continue;
    if (el instanceof HTMLInputElement && el.type === 'checkbox') el.checked = Boolean(value);
    else el.value = String(value);
  }
  for (const label of form.querySelectorAll<HTMLElement>('label[data-for]')) {
    label.hidden = label.dataset.for !== s.act && label.dataset.for !== s.init;
  }
}

/** Form -> state through the same validation as the URL. */
function readForm(): { state: DemoState; notes: string[] } {
  const data = new FormData(form);
  const p = new URLSearchParams();
  for (const [k, v] of data) if (typeof v === 'string') p.set(k, v);
  p.set('backward', (form.elements.namedItem('backward') as HTMLInputElement).checked ? '1' : '0');
  return parseHash(`#${p.toString()}`);
}

function syncFromForm(): void {
  const r = readForm();
  state = r.state;
  window.initscope.state = state;
  showNotes(r.notes);
  writeForm(state);
  history.replaceState(null, '', toHash(state));
}

function fixedRange(act: string): [number, number] {
  if (act === 'tanh') return [-1, 1];
  if (act === 'sigmoid') return [0, 1];
  return [-1, 3];
}

const pct = (x: number) => `${(100 * x).toFixed(1)}%`;

function renderTable(r: LastResult): void {
  const head = ['layer', 'mean A', 'std A', 'saturated', 'dead units', 'zero', ...(r.backward ? ['std dL/dW', 'std dL/dA (in)'] : [])];
  const rows = r.forward.layers.map((f, l) => {
    const a = f.activation;
    const cells = [String(l + 1), a.mean.toPrecision(4), a.std.toPrecision(4), pct(a.saturatedFraction), pct(a.deadUnitFraction), pct(a.zeroFraction)];
    if (r.backward) cells.push(r.backward.layers[l].weightGrad.std.toPrecision(4), r.backward.layers[l].inputGrad.std.toPrecision(4));
    return cells;
  });
  const table = $('fractions');
  const tr = (cells: string[], tag: 'th' | 'td') => {
    const row = document.createElement('tr');
    row.append(...cells.map((c) => Object.assign(document.createElement(tag), { textContent: c })));
    return row;
  };
  table.replaceChildren(tr(head, 'th'), ...rows.map((c) => tr(c, 'td')));
}

function render(r: LastResult): void {
  const layers = r.forward.layers.length;
  histograms('hist-activation', r.forward.layers.map((l) => l.activation), 'A');
  histograms('hist-preactivation', r.forward.layers.map((l) => l.preactivation), 'Z');
  histograms('hist-weightGrad', r.backward?.layers.map((l) => l.weightGrad) ?? [], 'dL/dW');
  lines('plot-moments', '', layers, [
    { label: 'mean', values: r.forward.layers.map((l) => l.activation.mean), color: '#c33' },
    { label: 'std', values: r.forward.layers.map((l) => l.activation.std), color: '#36c' },
  ], false);
  const logSeries = [{ label: 'std A', values: r.forward.layers.map((l) => l.activation.std), color: '#36c' }];
  if (r.backward) {
    logSeries.push({ label: 'std dL/dW', values: r.backward.layers.map((l) => l.weightGrad.std), color: '#c63' });
    logSeries.push({ label: 'std dL/dA', values: r.backward.layers.map((_, i) => r.backward!.layers[i + 1]?.inputGrad.std ?? NaN), color: '#393' });
  }
  lines('plot-log', '', layers, logSeries, true);
  renderTable(r);
}

let engine: Engine | undefined;
let enginePromise: Promise<Engine> | undefined;
let net: MLP | undefined;
let netKey = '';
let running = false;

function watchLoss(e: Engine): void {
  void e.lost.then((info) => {
    if (engine !== e || info.reason === 'destroyed') return;
    $('lost-reason').textContent = `${info.reason}: ${info.message || 'no message from the driver'}`;
    $('lost').hidden = false;
    setPhase('error', 'The GPU device was lost.');
    engine = undefined;
    enginePromise = undefined;
    net = undefined;
    netKey = '';
  });
}

/** The page's one engine, made on first use (and again after a lost device). */
function getEngine(): Promise<Engine> {
  enginePromise ??= createEngine().then((e) => {
    engine = e;
    watchLoss(e);
    const info = e.adapterInfo;
    $('adapter').textContent = `Adapter: ${[info.vendor, info.architecture, info.description].filter(Boolean).join(' / ') || 'unknown'}` +
      (info.isFallbackAdapter ? ` (software adapter on the CPU, ${e.kernelTarget} kernels: a full-size forward takes seconds, with backward about half a minute)` : '') +
      (e.hasTimestamps ? '; GPU times from timestamp-query' : '; no timestamp-query: wall times');
    return e;
  }, (err: unknown) => { enginePromise = undefined; throw err; });
  return enginePromise;
}

async function run(): Promise<void> {
  if (running) return;
  running = true;
  const button = $<HTMLButtonElement>('run');
  button.disabled = true;
  const started = performance.now();
  let phase = 'starting WebGPU';
  const tick = () => setPhase('running', `${phase}... ${((performance.now() - started) / 1000).toFixed(1)} s`);
  tick();
  const timer = setInterval(tick, 200);
  try {
    const e = await getEngine();
    const options = mlpOptions(state);
    const key = JSON.stringify(options);
    if (key !== netKey) {
      net?.destroy();
      netKey = '';
      const weights = options.dims.slice(1).reduce((s, d, i) => s + d * options.dims[i], 0);
      phase = `initialising ${weights.toLocaleString('en')} weights on the GPU`;
      net = e.createMLP(options);
      await net.ready();
      await net.setInput('randn');
      netKey = key;
    }
    phase = state.backward ? 'forward + backward pass' : 'forward pass';
    const histogram = { bins: 64, range: state.range === 'auto' ? 'auto' as const : fixedRange(state.act) };
    const result: LastResult = state.backward
      ? await net!.forwardBackward(state.grad, { histogram })
      : { forward: await net!.forward({ histogram }) };
    window.initscope.lastResult = result;
    render(result);
    const gpu = result.forward.gpuTimeMs;
    setPhase('done', `Done in ${((performance.now() - started) / 1000).toFixed(2)} s` +
      (gpu !== undefined ? `; GPU time of the pass ${gpu.toFixed(2)} ms` : `; pass wall time ${result.forward.wallTimeMs?.toFixed(1)} ms`));
  } catch (e) {
    setPhase('error', (e as Error).message);
  } finally {
    clearInterval(timer);
    running = false;
    button.disabled = false;
  }
}

function download(name: string, blob: Blob): void {
  const a = Object.assign(document.createElement('a'), { href: URL.createObjectURL(blob), download: name });
  a.click();
  setTimeout(() => URL.revokeObjectURL(a.href), 1000);
}

function csv(r: LastResult): string {
  const fields: Array<Exclude<keyof TensorStats, 'histogram'>> = ['count', 'mean', 'std', 'min', 'max', 'meanAbs', 'rms', 'zeroFraction', 'deadUnitFraction', 'saturatedFraction', 'nanCount', 'infCount'];
  const rows = [['layer', 'tensor', ...fields].join(',')];
  const add = (layer: number, tensor: string, t: TensorStats | undefined) => { if (t) rows.push([layer + 1, tensor, ...fields.map((f) => t[f])].join(',')); };
  r.forward.layers.forEach((l, i) => { add(i, 'preactivation', l.preactivation); add(i, 'activation', l.activation); });
  r.backward?.layers.forEach((l, i) => { add(i, 'weightGrad', l.weightGrad); add(i, 'biasGrad', l.biasGrad); add(i, 'alphaGrad', l.alphaGrad); add(i, 'inputGrad', l.inputGrad); });
  return rows.join('\n');
}

const isTrainView = (hash: string) => new URLSearchParams(hash.replace(/^#/, '')).get('view') === 'train';

/** Shows the single-pass view or the training view, as the hash says. */
function showView(train: boolean): void {
  $('app').hidden = train;
  $('train-view').hidden = !train;
  for (const [id, current] of [['to-single', !train], ['to-train', train]] as const) {
    if (current) $(id).setAttribute('aria-current', 'page'); else $(id).removeAttribute('aria-current');
  }
}

function setup(): void {
  fillSelect('act', ACTIVATION_NAMES);
  fillSelect('init', INIT_NAMES);
  writeForm(state);
  const training = setupTraining({ engine: getEngine, setPhase, showNotes }, location.hash, INIT_NAMES);
  const train = isTrainView(location.hash);
  showView(train);
  if (train) training.start();
  else { showNotes(parsed.notes); history.replaceState(null, '', toHash(state)); }
  const presets = $('presets');
  for (const preset of PRESETS) {
    const b = Object.assign(document.createElement('button'), { type: 'button', textContent: preset.name, title: preset.lecture });
    b.addEventListener('click', () => {
      state = { ...DEFAULTS, width: state.width, layers: state.layers, batch: state.batch, seed: state.seed, backward: state.backward, ...preset.state };
      window.initscope.state = state;
      writeForm(state);
      history.replaceState(null, '', toHash(state));
      void run();
    });
    presets.append(b);
  }
  form.addEventListener('change', syncFromForm);
  form.addEventListener('submit', (e) => { e.preventDefault(); syncFromForm(); void run(); });
  window.addEventListener('hashchange', () => {
    if (isTrainView(location.hash)) { showView(true); return; }
    showView(false);
    const r = parseHash(location.hash); state = r.state; window.initscope.state = state; showNotes(r.notes); writeForm(state);
  });
  $('restart').addEventListener('click', () => { $('lost').hidden = true; void run(); });
  $('export-json').addEventListener('click', () => {
    const r = window.initscope.lastResult;
    if (r) download('initscope-stats.json', new Blob([JSON.stringify({ settings: state, adapter: engine?.adapterInfo, ...r }, null, 2)], { type: 'application/json' }));
  });
  $('export-csv').addEventListener('click', () => {
    const r = window.initscope.lastResult;
    if (r) download('initscope-stats.csv', new Blob([csv(r)], { type: 'text/csv' }));
  });
  $('export-png').addEventListener('click', () => {
    void histogramsPng().then((png) => { if (png) download('initscope-histograms.png', png); });
  });
  setPhase('idle', 'Pick a preset or press Run.');
}

if (!('gpu' in navigator) || !navigator.gpu) {
  $('no-webgpu-reason').textContent = 'navigator.gpu is missing: this browser has no WebGPU, or it is turned off.';
  $('no-webgpu').hidden = false;
  $('app').hidden = true;
  document.body.dataset.state = 'error';
} else {
  setup();
}
