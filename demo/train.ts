// The training view: one net, or two side by side (same data, sizes, seed and steps), trained on
// MNIST or the spiral on the GPU. Loss and accuracy of both in one plot, test accuracy on a
// held-out sample once per window, per-layer distributions, update ratios and saturated/dead
// fractions over time; Train / Pause / Resume / Step / Reset and presets that cancel a run in
// progress. The result is window.initscope.lastTraining (design.md section 8).
import { InitscopeError, type Engine } from '../src/index';
import type { Dataset } from '../src/data/index';
import { $, download, formHash, setOptions, writeFields } from './dom';
import { StepCurves, type CurveSpec } from './plots';
import { createSession, summarize, trainWindow, type Session } from './session';
import { csvDataset, setupCSV } from './csvData';
import { drawMaps } from './maps';
import { distributions, LayerCurves } from './timeline';
import { flattenTrainState, isLenet, parseTrainHash, toTrainHash, TRAIN_ACTIVATIONS, TRAIN_DEFAULTS, TRAIN_PRESETS, type TrainState } from './trainState';

export type { LastTraining } from './session';

interface Hooks {
  engine(): Promise<Engine>;
  setPhase(phase: 'idle' | 'running' | 'done' | 'error', text: string): void;
  showNotes(notes: string[]): void;
}

const COLORS = ['#c33', '#36c'];
const PANELS = ['train-a', 'train-b'];

/** The fields of A and B from one template: B's names carry the prefix b_ (the hash's keys). */
function makeConfigFields(): void {
  const template = $<HTMLTemplateElement>('train-config');
  for (const [id, prefix, config] of [['train-a', '', 'a'], ['train-b', 'b_', 'b']]) {
    const fields = template.content.cloneNode(true) as DocumentFragment;
    for (const el of fields.querySelectorAll<HTMLInputElement | HTMLSelectElement>('[name]')) el.name = `${prefix}${el.name}`;
    for (const label of fields.querySelectorAll<HTMLElement>('label[data-for]')) label.dataset.config = config;
    $(id).append(fields);
  }
}

/** The per-layer panels of A and B from one template: ids train-a-title, train-b-ratio, ... */
function makePanels(): void {
  const template = $<HTMLTemplateElement>('train-panel');
  for (const prefix of PANELS) {
    const panel = (template.content.firstElementChild as HTMLElement).cloneNode(true) as HTMLElement;
    panel.id = `${prefix}-panel`;
    for (const part of panel.querySelectorAll<HTMLElement>('[data-part]')) part.id = `${prefix}-${part.dataset.part}`;
    $('train-panels').append(panel);
  }
}

export function setupTraining(hooks: Hooks, initialHash: string, initSelect: readonly string[]) {
  makeConfigFields();
  makePanels();
  const form = $<HTMLFormElement>('train-controls');
  const parsed = parseTrainHash(initialHash);
  let state: TrainState = parsed.state;
  let session: Session | undefined;
  /** Sessions started on this page: window.initscope.training says which one is training, and how far. */
  let sessions = 0;
  /** The loop in progress (one at a time) and what stops it. */
  let loop: { abort: AbortController; finished: Promise<void> } | undefined;
  const loss = new StepCurves('train-loss', 'loss (training batch)', true);
  const accuracy = new StepCurves('train-accuracy', 'accuracy: training batch and held-out sample (dashed)', false, [0, 1]);
  const layerCurves = PANELS.map((prefix, i) => new LayerCurves(prefix, i === 0 ? 'A' : 'B'));
  const datasets = new Map<string, Promise<Dataset>>();

  const fill = (name: string, values: readonly string[]) => {
    for (const el of form.querySelectorAll<HTMLSelectElement>(`select[name=${name}], select[name=b_${name}]`)) {
      setOptions(el, values);
    }
  };
  fill('act', TRAIN_ACTIVATIONS);
  fill('init', initSelect);
  const write = () => {
    writeFields(form, flattenTrainState(state));
    $('train-b').hidden = !state.compare;
    for (const label of form.querySelectorAll<HTMLElement>('label[data-for=normal]')) {
      label.hidden = (label.dataset.config === 'b' ? state.b.init : state.init) !== 'normal';
    }
  };
  const saveHash = () => {
    history.replaceState(null, '', toTrainHash(state));
    $<HTMLAnchorElement>('to-train').href = toTrainHash(state);
  };
  const read = () => {
    const r = parseTrainHash(formHash(form, ['compare']));
    state = r.state;
    hooks.showNotes(r.notes);
    write();
    saveHash();
  };

  const loadData = (s: TrainState) => {
    if (s.dataset === 'csv') return csvDataset();
    const key = s.dataset === 'mnist' ? 'mnist' : `spiral/${s.seed}`;
    let d = datasets.get(key);
    if (!d) {
      d = import('../src/data/index').then(async ({ mnist, spiral, standardize }) => standardize(s.dataset === 'mnist' ? await mnist() : spiral({ classes: 3, points: 1000, seed: s.seed })));
      datasets.set(key, d);
      d.catch(() => datasets.delete(key));
    }
    return d;
  };

  function draw(s: Session): void {
    const curves: CurveSpec[] = s.runs.map((r, i) => ({ label: r.name, color: COLORS[i] }));
    const steps = s.runs[0].history.map((h) => h.step);
    loss.update(curves, steps, s.runs.map((r) => steps.map((_, j) => r.history[j]?.loss ?? null)));
    const testCurves: CurveSpec[] = s.runs.map((r, i) => ({ label: `${r.name} (held-out)`, color: COLORS[i], dash: [6, 3], spanGaps: true }));
    const testAt = new Map(s.testCurve.map((t) => [t.step, t]));
    accuracy.update([...curves, ...testCurves], steps, [
      ...s.runs.map((r) => steps.map((_, j) => r.history[j]?.accuracy ?? null)),
      ...s.runs.map((_, i) => steps.map((st) => { const t = testAt.get(st); return t ? (i === 0 ? t.accuracy : t.compare ?? null) : null; })),
    ]);
    $('train-b-panel').hidden = s.runs.length < 2;
    s.runs.forEach((r, i) => {
      const prefix = PANELS[i];
      $(`${prefix}-title`).textContent = r.name;
      distributions(`${prefix}-dist-activation`, r.timeline, 'activation', 'A');
      distributions(`${prefix}-dist-weightGrad`, r.timeline, 'weightGrad', 'dL/dW');
      layerCurves[i].update(r.timeline);
    });
  }

  /** A LeNet-5's first-layer filters (6 x 1 x 5 x 5), as pictures, for each run. */
  async function drawFilters(s: Session): Promise<void> {
    for (const [i, r] of s.runs.entries()) {
      const prefix = PANELS[i];
      const lenet = isLenet(s.state);
      $(`${prefix}-filters-box`).hidden = !lenet;
      if (!lenet) continue;
      const { W } = await r.net.readParameters(0);
      if (s !== session) return;
      drawMaps(`${prefix}-filters`, [{ title: `after ${r.history.length} steps`, data: W, channels: 6, height: 5, width: 5 }]);
    }
  }

  let drawPending = false;
  /** Redraws on the next frame, while the GPU runs the next window. */
  const scheduleDraw = (s: Session) => {
    if (drawPending) return;
    drawPending = true;
    requestAnimationFrame(() => { drawPending = false; if (s === session) draw(s); });
  };

  async function newSession(s: TrainState, signal: AbortSignal): Promise<Session | undefined> {
    hooks.setPhase('running', 'starting WebGPU...');
    const engine = await hooks.engine();
    hooks.setPhase('running', `loading ${s.dataset}...`);
    const data = await loadData(s);
    if (signal.aborted) return undefined;
    return createSession(engine, data, s, (text) => hooks.setPhase('running', text));
  }

  function dropSession(): void {
    for (const r of session?.runs ?? []) r.net.destroy();
    session = undefined;
    $<HTMLButtonElement>('train-download').disabled = true;
    for (const c of PANELS) {
      for (const part of ['dist-activation', 'dist-weightGrad']) $(`${c}-${part}`).replaceChildren();
      $(`${c}-title`).textContent = '';
    }
    loss.reset();
    accuracy.reset();
    for (const c of layerCurves) c.reset();
    $('train-test').textContent = '';
    $<HTMLProgressElement>('train-progress').value = 0;
  }

  /** Trains the session up to `until` steps, window by window, drawing and reporting progress. */
  async function advance(s: Session, until: number, signal: AbortSignal): Promise<void> {
    const started = performance.now();
    const from = s.done;
    while (s.done < until && await trainWindow(s, until, signal, () => paused)) {
      if (s === session) window.initscope.training = { session: sessions, step: s.done };
      scheduleDraw(s);
      await drawFilters(s);
      const elapsed = performance.now() - started;
      const eta = s.done > from ? (elapsed / (s.done - from)) * (until - s.done) : NaN;
      $<HTMLProgressElement>('train-progress').value = s.done / s.state.steps;
      hooks.setPhase('running', `training: step ${s.done} of ${s.state.steps}, loss ${s.runs.map((r) => r.history.at(-1)?.loss.toFixed(3)).join(' / ')}, ` +
        `${(elapsed / 1000).toFixed(1)} s` + (Number.isFinite(eta) ? `, about ${(eta / 1000).toFixed(0)} s left` : ''));
    }
  }

  async function finish(s: Session, started: number): Promise<void> {
    hooks.setPhase('running', 'evaluating on the test set...');
    const { accuracies, last } = await summarize(s);
    window.initscope.lastTraining = last;
    draw(s);
    const paused = s.done < s.state.steps;
    $('train-test').textContent = s.runs.map((r, i) => `${r.name}: test accuracy ${(100 * accuracies[i]).toFixed(1)}%` +
      (r.diverged ? ' (stopped: the loss became NaN or infinite; try a smaller learning rate)' : '')).join(' | ') +
      ` on ${s.data.test.labels.length} held-out examples` + (paused ? ` after ${s.done} of ${s.state.steps} steps (paused)` : '');
    $<HTMLProgressElement>('train-progress').value = s.done / s.state.steps;
    $<HTMLButtonElement>('train-download').disabled = false;
    hooks.setPhase('done', `${paused ? 'Paused after' : 'Trained'} ${s.done} steps in ${((performance.now() - started) / 1000).toFixed(1)} s; ` +
      `test accuracy ${accuracies.map((a) => `${(100 * a).toFixed(1)}%`).join(' vs ')}`);
    $('train-pause').textContent = paused ? 'Resume' : 'Pause';
  }

  /** Runs `work` as the one loop: a loop in progress is stopped first, and errors become the page's phase. */
  function startLoop(work: (signal: AbortSignal) => Promise<void>): Promise<void> {
    const previous = loop;
    previous?.abort.abort();
    const abort = new AbortController();
    const finished = (async () => {
      await previous?.finished;
      if (abort.signal.aborted) return;
      try { await work(abort.signal); } catch (e) {
        // A loop replaced by a newer one says nothing; a paused or running one reports its error.
        if (loop?.abort === abort) hooks.setPhase('error', e instanceof InitscopeError ? e.message : String(e));
      }
    })();
    loop = { abort, finished };
    return finished;
  }

  /** Train: a new session from the current settings, trained to `steps`. */
  const train = () => startLoop(async (signal) => {
    dropSession();
    const started = performance.now();
    const s = await newSession({ ...state, b: { ...state.b } }, signal);
    if (!s) { if (paused) hooks.setPhase('idle', 'Paused before the first step: press Train.'); return; }
    if (signal.aborted && !paused) { for (const r of s.runs) r.net.destroy(); return; }
    session = s;
    window.initscope.training = { session: ++sessions, step: 0 };
    $('train-pause').textContent = 'Pause';
    await advance(s, s.state.steps, signal);
    if (!signal.aborted || paused) await finish(s, started);
  });
  let paused = false;
  const pause = () => { paused = true; loop?.abort.abort(); };
  const resume = (until: (s: Session) => number) => startLoop(async (signal) => {
    const s = session;
    if (!s) { await train(); return; }
    paused = false;
    const started = performance.now();
    $('train-pause').textContent = 'Pause';
    await advance(s, until(s), signal);
    if (!signal.aborted || paused) await finish(s, started);
  });

  const presets = $('train-presets');
  for (const preset of TRAIN_PRESETS) {
    const b = Object.assign(document.createElement('button'), { type: 'button', textContent: preset.name, title: preset.look });
    b.addEventListener('click', () => {
      state = { ...TRAIN_DEFAULTS, dataset: state.dataset, batch: state.batch, seed: state.seed, ...preset.state, b: { ...TRAIN_DEFAULTS.b, ...preset.state.b } };
      write();
      saveHash();
      $('train-look').textContent = `${preset.name}: ${preset.look}`;
      paused = false;
      void train();
    });
    presets.append(b);
  }

  // A change while training cancels the run and trains the new settings, so the plots match the form.
  form.addEventListener('change', () => { read(); if (document.body.dataset.state === 'running' && session) { paused = false; void train(); } });
  form.addEventListener('submit', (e) => { e.preventDefault(); read(); paused = false; void train(); });
  $('train-pause').addEventListener('click', () => {
    if ($('train-pause').textContent === 'Resume') void resume((s) => s.state.steps);
    else pause();
  });
  $('train-step').addEventListener('click', () => { paused = true; void resume((s) => Math.min(s.state.steps, s.done + 1)); });
  // The trained net of A as a checkpoint (net.save() queues behind the window in flight).
  $('train-download').addEventListener('click', () => {
    const run = session?.runs[0];
    if (!run) return;
    void run.net.save().then((bytes) => download(`initscope-${session?.state.net ?? 'net'}-${run.history.length}-steps.safetensors`,
      new Blob([bytes], { type: 'application/octet-stream' })), (e: unknown) => hooks.setPhase('error', (e as Error).message));
  });
  $('train-reset').addEventListener('click', () => { loop?.abort.abort(); void startLoop(() => { dropSession(); hooks.setPhase('idle', 'Reset: press Train or pick a preset.'); return Promise.resolve(); }); });
  // A CSV file loaded (dropped or chosen) becomes the dataset; Train trains on it.
  setupCSV((notes) => hooks.showNotes(notes), () => { state = { ...state, dataset: 'csv', net: 'mlp' }; write(); saveHash(); });
  write();
  hooks.showNotes(parsed.notes);
  return {
    start: () => { saveHash(); if (/[#&]steps=/.test(initialHash)) void train(); },
    /** Shows a training hash's settings (a link or an edited URL). */
    load: (hash: string) => { const r = parseTrainHash(hash); state = r.state; hooks.showNotes(r.notes); write(); saveHash(); },
    /** After a lost device: the nets are gone; train again from the settings. */
    restart: () => { session = undefined; paused = false; void train(); },
  };
}
