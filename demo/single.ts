// The single-pass view: one net (or two side by side on shared axes) at initialisation, forward
// and backward with per-layer statistics. A change or a preset during a run cancels it: the
// newest settings run next and only their results are drawn, so plots always match the form.
// The result is window.initscope.lastResult (design.md section 8), B's as lastResult.compare.
// "Load weights" puts a trained net (A) beside its initialisation (B) instead (trainedNet.ts).
// Opened with no settings in the URL, it runs the lecture's first case at once.
import type { BackwardResult, Engine, ForwardResult, HistogramRange, MLP, TensorStats } from '../src/index';
import { $, formHash, setOptions, writeFields } from './dom';
import { histograms, lines, type HistogramRow, type LineSeries } from './plots';
import { sharedRanges, type PassResult } from './ranges';
import { drawMaps } from './maps';
import { setupTrainedNet } from './trainedNet';
import { convOptions, netName, FORM_NAMES, mlpOptions, parseHash, PRESETS, stateB, toHash, DEFAULTS, type DemoState } from './state';

export interface LastResult { forward: ForwardResult; backward?: BackwardResult; compare?: PassResult }

interface Hooks {
  engine(): Promise<Engine>;
  setPhase(phase: 'idle' | 'running' | 'done' | 'error', text: string): void;
  showNotes(notes: string[]): void;
  /** Called when the device is lost: nets made on it are gone. */
  onLost(listener: () => void): void;
}

/** The width the page opens at on a CPU adapter (the lecture's 4096 takes about a minute there). */
const CPU_WIDTH = 1024;

const pct = (x: number) => `${(100 * x).toFixed(1)}%`;

function table(id: string, r: PassResult): void {
  const head = ['layer', 'mean A', 'std A', 'saturated', 'dead units', 'zero', ...(r.backward ? ['std dL/dW', 'std dL/dA (in)'] : [])];
  const rows = r.forward.layers.map((f, l) => {
    const a = f.activation;
    const cells = [String(l + 1), a.mean.toPrecision(4), a.std.toPrecision(4), pct(a.saturatedFraction), pct(a.deadUnitFraction), pct(a.zeroFraction)];
    if (r.backward) cells.push(r.backward.layers[l].weightGrad.std.toPrecision(4), r.backward.layers[l].inputGrad.std.toPrecision(4));
    return cells;
  });
  const tr = (cells: string[], tag: 'th' | 'td') => {
    const row = document.createElement('tr');
    row.append(...cells.map((c) => Object.assign(document.createElement(tag), { textContent: c })));
    return row;
  };
  $(id).replaceChildren(tr(head, 'th'), ...rows.map((c) => tr(c, 'td')));
}

function render(results: Array<{ name: string; r: PassResult }>, log: boolean): void {
  const rows = (pick: (r: PassResult) => TensorStats[]): HistogramRow[] =>
    results.map(({ name, r }) => ({ title: results.length > 1 ? name : undefined, tensors: pick(r) }));
  histograms('hist-activation', rows((r) => r.forward.layers.map((l) => l.activation)), 'A', log);
  histograms('hist-preactivation', rows((r) => r.forward.layers.map((l) => l.preactivation)), 'Z', log);
  histograms('hist-weightGrad', rows((r) => r.backward?.layers.map((l) => l.weightGrad) ?? []), 'dL/dW', log);
  const layers = results[0].r.forward.layers.length;
  const tag = (i: number) => (results.length > 1 ? ` (${i === 0 ? 'A' : 'B'})` : '');
  const dash = (i: number) => (i === 0 ? undefined : [6, 4]);
  const moments: LineSeries[] = results.flatMap(({ r }, i) => [
    { label: `mean${tag(i)}`, values: r.forward.layers.map((l) => l.activation.mean), color: '#c33', dash: dash(i) },
    { label: `std${tag(i)}`, values: r.forward.layers.map((l) => l.activation.std), color: '#36c', dash: dash(i) },
  ]);
  lines('plot-moments', '', layers, moments, false);
  const logSeries: LineSeries[] = results.flatMap(({ r }, i) => [
    { label: `std A${tag(i)}`, values: r.forward.layers.map((l) => l.activation.std), color: '#36c', dash: dash(i) },
    ...(r.backward ? [
      { label: `std dL/dW${tag(i)}`, values: r.backward.layers.map((l) => l.weightGrad.std), color: '#c63', dash: dash(i) },
      // dL/dA_l is the input gradient of layer l + 1: none for the last layer.
      { label: `std dL/dA${tag(i)}`, values: r.backward.layers.map((_, l) => r.backward!.layers[l + 1]?.inputGrad.std ?? NaN), color: '#393', dash: dash(i) },
    ] : []),
  ]);
  lines('plot-log', '', layers, logSeries, true);
  table('fractions', results[0].r);
  $('fractions-a-title').textContent = results.length > 1 ? results[0].name : '';
  $('fractions-b-title').textContent = results[1]?.name ?? '';
  if (results[1]) table('fractions-b', results[1].r); else $('fractions-b').replaceChildren();
}

/** The dense and conv layers of a pass (a loaded LeNet's pool and flatten layers have no Z or dL/dW to draw). */
function weightedOnly(r: PassResult): PassResult {
  const keep = r.forward.layers.map((l) => l.type === 'dense' || l.type === 'conv');
  return { forward: { ...r.forward, layers: r.forward.layers.filter((_, i) => keep[i]) },
    ...(r.backward ? { backward: { ...r.backward, layers: r.backward.layers.filter((_, i) => keep[i]) } } : {}) };
}

/** Milliseconds per unit of work measured on this page's adapter: per weight made, per multiply-add of a pass. */
const rates: { init?: number; pass?: number } = {};

export function setupSingle(hooks: Hooks, initial: { state: DemoState; notes: string[] }, names: { acts: readonly string[]; inits: readonly string[] }) {
  const form = $<HTMLFormElement>('controls');
  let state = initial.state;
  window.initscope.state = state;
  const nets: Array<{ key: string; net: MLP } | undefined> = [];
  hooks.onLost(() => { nets.length = 0; });
  /** Runs are serial; each gets a number and only the newest one draws. */
  let generation = 0;
  let chain: Promise<void> = Promise.resolve();

  for (const [name, values] of [['act', names.acts], ['b_act', names.acts], ['init', names.inits], ['b_init', names.inits]] as const) {
    setOptions(form.elements.namedItem(name) as HTMLSelectElement, values);
  }

  const write = (s: DemoState) => {
    writeFields(form, Object.fromEntries(Object.entries(s).map(([key, value]) => [FORM_NAMES[key as keyof DemoState], value])));
    const acts = s.compare ? [s.act, s.bAct] : [s.act];
    for (const label of form.querySelectorAll<HTMLElement>('label[data-for]')) label.hidden = !acts.includes(label.dataset.for!) && label.dataset.for !== s.init;
    for (const label of form.querySelectorAll<HTMLElement>('label[data-for-b]')) label.hidden = s.bInit !== label.dataset.forB;
    for (const label of form.querySelectorAll<HTMLElement>('label[data-net]')) label.hidden = s.net !== label.dataset.net;
    $('single-b').hidden = !s.compare;
  };
  const setState = (s: DemoState, notes: string[]) => {
    state = s;
    window.initscope.state = s;
    hooks.showNotes(notes);
    write(s);
    history.replaceState(null, '', toHash(s));
    // The view's link comes back to these settings after a visit to the other view.
    $<HTMLAnchorElement>('to-single').href = toHash(s);
  };
  /** Form -> state through the same validation as the URL. */
  const read = () => {
    const r = parseHash(formHash(form, ['backward', 'compare']));
    setState(r.state, r.notes);
  };

  const trained = setupTrainedNet({ engine: () => hooks.engine(), showNotes: (n) => hooks.showNotes(n), onLost: (l) => hooks.onLost(l), run: () => run() });

  async function netFor(e: Engine, slot: number, s: DemoState, stale: () => boolean,
    progress: (phase: string, work: number, kind: 'init' | 'pass') => void): Promise<MLP | undefined> {
    const options = s.net === 'conv' ? convOptions(s) : mlpOptions(s);
    const key = JSON.stringify(options);
    const have = nets[slot];
    if (have?.key === key) return have.net;
    have?.net.destroy();
    nets[slot] = undefined;
    const weights = 'dims' in options ? options.dims.slice(1).reduce((sum, d, i) => sum + d * options.dims[i], 0) : s.layers * s.width ** 2 * s.size ** 2;
    progress(`initialising ${weights.toLocaleString('en')} weights on the GPU${slot ? ' (B)' : ''}`, weights, 'init');
    const t0 = performance.now();
    const net = 'dims' in options ? e.createMLP(options) : e.createNet(options);
    // A cancelled run stops at each step's end: the net it made is dropped, not kept half-initialised.
    const drop = () => { net.destroy(); return undefined; };
    await net.ready();
    if (stale()) return drop();
    await net.setInput('randn');
    rates.init = (performance.now() - t0) / weights;
    if (stale()) return drop();
    // LSUV rescales each W_l on this input (orthogonal start, then unit variance per layer).
    if (options.init === 'lsuv') {
      progress(`LSUV: rescaling each layer on the input${slot ? ' (B)' : ''}`, 0, 'init');
      await net.lsuv();
      if (stale()) return drop();
    }
    nets[slot] = { key, net };
    return net;
  }

  async function pass(net: MLP, s: DemoState, range: HistogramRange): Promise<PassResult> {
    const histogram = { bins: 64, range };
    return s.backward ? net.forwardBackward(s.grad, { histogram }) : { forward: await net.forward({ histogram }) };
  }

  async function runOnce(mine: number): Promise<void> {
    const s = state;
    const stale = () => mine !== generation;
    const started = performance.now();
    const bar = $<HTMLProgressElement>('progress');
    let phase = 'starting WebGPU';
    let phaseStart = started;
    let estimate: number | undefined;
    const tick = () => {
      if (stale()) return;
      const now = performance.now();
      const total = ((now - started) / 1000).toFixed(1);
      if (estimate) bar.value = Math.min(0.95, (now - phaseStart) / estimate); else bar.removeAttribute('value');
      hooks.setPhase('running', `${phase}... ${total} s` + (estimate ? ` (this step about ${Math.max(0, (estimate - (now - phaseStart)) / 1000).toFixed(0)} s more)` : ''));
    };
    const progress = (p: string, work: number, kind: 'init' | 'pass') => {
      phase = p;
      phaseStart = performance.now();
      const rate = rates[kind];
      estimate = rate ? rate * work : undefined;
      tick();
    };
    tick();
    const timer = setInterval(tick, 200);
    try {
      const e = await hooks.engine();
      // A loaded checkpoint (trainedNet.ts) runs beside its initialisation instead of the form's nets.
      const pair = await trained.current();
      if (stale()) return;
      const configs: DemoState[] = pair ? [{ ...s, net: 'mlp' }, { ...s, net: 'mlp' }] : s.compare ? [s, stateB(s)] : [s];
      const acts = pair ? [pair.activation, pair.activation] : configs.map((c) => c.act);
      const names = pair ? [`A: trained (${pair.name})`, 'B: the same net at its initialisation'] : configs.map((c, i) => `${i === 0 ? 'A' : 'B'}: ${netName(c)}`);
      const netsNow: MLP[] = pair ? [pair.trained, pair.initial] : [];
      for (const [i, c] of (pair ? [] : configs).entries()) {
        const net = await netFor(e, i, c, stale, progress);
        if (!net || stale()) return;
        netsNow.push(net);
      }
      const work = pair ? 0 : (s.net === 'conv' ? s.width ** 2 * s.size ** 2 * s.image ** 2 : s.width ** 2) * s.layers * s.batch * (s.backward ? 3 : 1);
      const passes = async (range: HistogramRange, label: string) => {
        const out: PassResult[] = [];
        for (const [i, net] of netsNow.entries()) {
          progress(`${s.backward ? 'forward + backward' : 'forward'} pass${configs.length > 1 ? ` of ${i === 0 ? 'A' : 'B'}` : ''}${label}`, work, 'pass');
          const t0 = performance.now();
          out.push(weightedOnly(await pass(net, configs[i], range)));
          if (work) rates.pass = (performance.now() - t0) / work;
          if (stale()) return undefined;
        }
        return out;
      };
      let results = await passes('auto', s.range === 'fixed' ? ' (1 of 2: the ranges)' : '');
      if (results && s.range === 'fixed') results = await passes(sharedRanges(results, acts), ' (2 of 2: fixed ranges)');
      if (!results || stale()) return;
      const result: LastResult = { ...results[0], ...(results[1] ? { compare: results[1] } : {}) };
      window.initscope.lastResult = result;
      render(configs.map((_, i) => ({ name: names[i], r: results[i] })), s.counts === 'log');
      await showMaps(netsNow, configs, results, stale);
      bar.value = 1;
      const gpu = results[0].forward.gpuTimeMs;
      hooks.setPhase('done', `Done in ${((performance.now() - started) / 1000).toFixed(2)} s` +
        (gpu !== undefined ? `; GPU time of the pass ${gpu.toFixed(2)} ms` : `; pass wall time ${results[0].forward.wallTimeMs?.toFixed(1)} ms`));
    } catch (err) {
      if (!stale()) hooks.setPhase('error', (err as Error).message);
    } finally {
      clearInterval(timer);
    }
  }

  /** A conv net's activation maps of example 0, up to 4 layers of each configuration (the lecture's
   *  "new image"); an MLP has none. */
  async function showMaps(netsNow: MLP[], configs: DemoState[], results: PassResult[], stale: () => boolean): Promise<void> {
    const section = $('maps-section');
    section.hidden = configs[0].net !== 'conv';
    if (section.hidden) return;
    const layers = [];
    for (const [i, net] of netsNow.entries()) {
      const c = configs[i];
      for (let l = 0; l < Math.min(c.layers, 4); l++) {
        const data = await net.readActivations(l);
        if (stale()) return;
        const [channels, height, width] = results[i].forward.layers[l].shape;
        layers.push({ title: `${configs.length > 1 ? (i === 0 ? 'A' : 'B') + ', ' : ''}layer ${l + 1}: ${channels} x ${height} x ${width}`, data,
          channels, height, width });
      }
    }
    drawMaps('maps', layers);
  }

  /** Runs the current settings after the run in progress (whose results are then dropped). */
  const run = () => {
    const mine = ++generation;
    chain = chain.then(() => (mine === generation ? runOnce(mine) : undefined));
  };

  write(state);
  const presets = $('presets');
  for (const preset of PRESETS) {
    const b = Object.assign(document.createElement('button'), { type: 'button', textContent: preset.name, title: preset.lecture });
    b.addEventListener('click', () => {
      setState({ ...DEFAULTS, width: state.width, layers: state.layers, batch: state.batch, seed: state.seed, backward: state.backward, range: state.range, counts: state.counts, ...preset.state }, []);
      $('look').textContent = `${preset.name}: ${preset.lecture}`;
      run();
    });
    presets.append(b);
  }
  // A change during a run cancels it and runs the new settings, so the plots match the form.
  form.addEventListener('change', () => { read(); if (document.body.dataset.state === 'running') run(); });
  form.addEventListener('submit', (ev) => { ev.preventDefault(); read(); run(); });
  $('stop').addEventListener('click', () => {
    generation++;
    hooks.setPhase('idle', 'Stopped: the GPU finishes the pass it was given; its results are not shown.');
  });
  return {
    /** Shows the hash's settings (on a hash change). */
    load(hash: string) { const r = parseHash(hash); setState(r.state, r.notes); },
    showInitial() { setState(state, initial.notes); },
    /** The page opened with no settings: the lecture's first case (the defaults) runs without a
     *  click; on a CPU adapter at width CPU_WIDTH, which the note says. */
    async openOnLecture() {
      hooks.setPhase('running', 'Starting WebGPU to run the lecture\'s experiment...');
      let e: Engine;
      try { e = await hooks.engine(); } catch (err) { hooks.setPhase('error', (err as Error).message); return; }
      if (e.kernelTarget === 'cpu') {
        setState({ ...state, width: CPU_WIDTH }, [`This adapter runs on the CPU, so the page opened at width ${CPU_WIDTH} instead of the lecture's ` +
          `${DEFAULTS.width} (seconds instead of a minute; the std per layer is the same to about 0.01). Set width to ${DEFAULTS.width} for the lecture's sizes.`]);
      }
      run();
    },
    run,
  };
}
