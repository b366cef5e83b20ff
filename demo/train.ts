// The training view: one net, or two side by side (same data, sizes, seed and steps), trained on
// MNIST, the spiral or your CSV file on the GPU, in a Web Worker (demo/trainHost.ts) so the page
// never freezes. Loss and accuracy of both in one plot, test accuracy on a held-out sample once
// per window, per-layer distributions, update ratios and saturated/dead fractions over time;
// Train / Pause / Resume / Step / Reset, presets that cancel a run in progress, Save run and Open
// run (demo/runFile.ts). The result is window.initscope.lastTraining (design.md section 8).
import { InitscopeError } from '../src/index';
import { $, describeAdapter, download, formHash, setOptions, writeFields } from './dom';
import { csvDataset, setupCSV } from './csvData';
import { imagesDataset, setupImages } from './imageData';
import { hideLrFind, showLrFind } from './lrFinder';
import { readRunFile, runFileText, type SessionView } from './runFile';
import { Timeline } from './timeline';
import { TrainingClient } from './trainClient';
import { makeConfigFields, makePanels } from './trainLayout';
import { TrainPlots } from './trainPlots';
import type { AdapterLine, WindowEvent } from './trainProtocol';
import { lastTraining } from './session';
import { flattenTrainState, parseTrainHash, toTrainHash, TRAIN_ACTIVATIONS, TRAIN_DEFAULTS, TRAIN_PRESETS, type TrainState } from './trainState';

export type { LastTraining } from './session';

interface Hooks {
  setPhase(phase: 'idle' | 'running' | 'done' | 'error', text: string): void;
  showNotes(notes: string[]): void;
  /** The adapter the training host uses, for the page's adapter line. */
  showAdapter(line: AdapterLine): void;
  /** The training host's device was lost. */
  showLost(reason: string, message: string): void;
}


export function setupTraining(hooks: Hooks, initialHash: string, initSelect: readonly string[]) {
  makeConfigFields();
  makePanels();
  const form = $<HTMLFormElement>('train-controls');
  const parsed = parseTrainHash(initialHash);
  let state: TrainState = parsed.state;
  let session: SessionView | undefined;
  let adapter = '';
  /** Sessions started on this page: window.initscope.training says which one is training, and how far. */
  let sessions = 0;
  /** The loop in progress (one at a time) and what stops it. */
  let loop: { abort: AbortController; finished: Promise<void> } | undefined;
  const plots = new TrainPlots();
  /** The training host, started on the first Train (a worker; the page's thread where a worker has no WebGPU). */
  let client: Promise<TrainingClient> | undefined;
  /** The view that the host's window messages grow (the one advancing). */
  let receiving: { view: SessionView; onWindow(): void } | undefined;

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

  /** A window from the host: the runs' new records and statistics, the held-out point, filters. */
  const applyWindow = (w: WindowEvent) => {
    const r = receiving;
    if (!r) return;
    w.runs.forEach((run, i) => {
      const v = r.view.runs[i];
      v.history.push(...run.records);
      if (run.stats) v.timeline.add(run.stats.step, run.stats.layers);
      v.diverged = run.diverged;
    });
    r.view.done = w.done;
    if (w.test) r.view.testCurve.push(w.test);
    if (w.filters) r.view.filters = w.filters;
    r.onWindow();
  };
  const host = () => {
    client ??= TrainingClient.open({
      phase: (text) => hooks.setPhase('running', text),
      window: applyWindow,
      lost: (reason, message) => { session = undefined; hooks.showLost(reason, message); },
    }).then((c) => {
      window.initscope.trainingHost = { where: c.where, lose: () => c.request({ kind: 'lose' }).then(() => undefined) };
      return c;
    }, (e: unknown) => { client = undefined; throw e; });
    return client;
  };

  let drawPending = false;
  /** Redraws on the next frame, while the host trains the next window. */
  const scheduleDraw = (s: SessionView) => {
    if (drawPending) return;
    drawPending = true;
    requestAnimationFrame(() => { drawPending = false; if (s === session) plots.draw(s); });
  };

  async function newSession(s: TrainState, signal: AbortSignal): Promise<SessionView | undefined> {
    hooks.setPhase('running', 'starting the training worker...');
    const c = await host();
    const data = s.dataset === 'csv' ? await csvDataset() : s.dataset === 'images' ? await imagesDataset() : undefined;
    if (signal.aborted) return undefined;
    const started = await c.request({ kind: 'start', state: s, data });
    hooks.showAdapter(started.adapter);
    adapter = describeAdapter(started.adapter);
    return { state: s, runs: started.names.map((name) => ({ name, history: [], timeline: new Timeline(), diverged: false })), done: 0, testCurve: [], testCount: started.testCount };
  }

  function dropSession(): void {
    if (session && !session.fromFile) void client?.then((c) => c.request({ kind: 'drop' })).catch(() => undefined);
    session = undefined;
    $<HTMLButtonElement>('train-download').disabled = true;
    $<HTMLButtonElement>('train-save-run').disabled = true;
    plots.reset();
    $('train-test').textContent = '';
    $<HTMLProgressElement>('train-progress').value = 0;
  }

  /** Trains the session up to `until` steps in the host, window by window, drawing and reporting
   *  progress; the signal stops it after the step in flight (a pause keeps the runs level). */
  async function advance(s: SessionView, until: number, signal: AbortSignal): Promise<void> {
    if (signal.aborted || s.done >= until) return;
    const c = await host();
    const started = performance.now();
    const from = s.done;
    receiving = {
      view: s,
      onWindow: () => {
        if (s === session) window.initscope.training = { session: sessions, step: s.done };
        scheduleDraw(s);
        const elapsed = performance.now() - started;
        const eta = s.done > from ? (elapsed / (s.done - from)) * (until - s.done) : NaN;
        $<HTMLProgressElement>('train-progress').value = s.done / s.state.steps;
        if (!signal.aborted) {
          hooks.setPhase('running', `training: step ${s.done} of ${s.state.steps}, loss ${s.runs.map((r) => r.history.at(-1)?.loss.toFixed(3)).join(' / ')}, ` +
            `${(elapsed / 1000).toFixed(1)} s` + (Number.isFinite(eta) ? `, about ${(eta / 1000).toFixed(0)} s left` : ''));
        }
      },
    };
    const stop = () => c.abort(paused);
    signal.addEventListener('abort', stop);
    try { await c.request({ kind: 'advance', until }); } finally { signal.removeEventListener('abort', stop); receiving = undefined; }
  }

  async function finish(s: SessionView, started: number): Promise<void> {
    hooks.setPhase('running', 'evaluating on the test set...');
    const { accuracies } = await (await host()).request({ kind: 'summarize' });
    s.accuracies = accuracies;
    s.last = lastTraining(s.runs, accuracies, s.testCurve);
    show(s);
    hooks.setPhase('done', `${s.done < s.state.steps ? 'Paused after' : 'Trained'} ${s.done} steps in ${((performance.now() - started) / 1000).toFixed(1)} s; ` +
      `test accuracy ${accuracies.map((a) => `${(100 * a).toFixed(1)}%`).join(' vs ')}`);
  }

  /** A finished (or paused) session's plots, test line and record, from the host or a run file. */
  function show(s: SessionView): void {
    const accuracies = s.accuracies ?? [];
    window.initscope.lastTraining = s.last;
    plots.draw(s);
    const paused = s.done < s.state.steps;
    $('train-test').textContent = s.runs.map((r, i) => `${r.name}: test accuracy ${(100 * accuracies[i]).toFixed(1)}%` +
      (r.diverged ? ' (stopped: the loss became NaN or infinite; try a smaller learning rate)' : '')).join(' | ') +
      ` on ${s.testCount} held-out examples` + (paused ? ` after ${s.done} of ${s.state.steps} steps (paused)` : '');
    $<HTMLProgressElement>('train-progress').value = s.done / s.state.steps;
    // A run file has no nets behind it: nothing to download.
    $<HTMLButtonElement>('train-download').disabled = Boolean(s.fromFile);
    $<HTMLButtonElement>('train-save-run').disabled = false;
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
    session = s;
    if (signal.aborted && !paused) { dropSession(); return; }
    window.initscope.training = { session: ++sessions, step: 0 };
    $('train-pause').textContent = 'Pause';
    await advance(s, s.state.steps, signal);
    if (!signal.aborted || paused) await finish(s, started);
  });
  let paused = false;
  const pause = () => { paused = true; loop?.abort.abort(); };
  const resume = (until: (s: SessionView) => number) => startLoop(async (signal) => {
    const s = session;
    // A session opened from a run file has no nets: Resume trains its settings anew.
    if (!s || s.fromFile) { await train(); return; }
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

  // Find learning rate: stops a run in progress (as a preset does) and sweeps a fresh net of A's settings.
  $('train-lrfind').addEventListener('click', () => {
    read();
    paused = false;
    void startLoop(async (signal) => {
      hooks.setPhase('running', 'starting the training worker...');
      const c = await host();
      const data = state.dataset === 'csv' ? await csvDataset() : state.dataset === 'images' ? await imagesDataset() : undefined;
      if (signal.aborted) return;
      const r = await c.request({ kind: 'lrFind', state: { ...state, b: { ...state.b } }, data });
      showLrFind(r, (lr) => { state = { ...state, lr }; write(); saveHash(); });
      hooks.setPhase('done', `Learning-rate range test: ${r.lrs.length} steps from 1e-5; suggested learning rate ${Number(r.suggestion.toPrecision(2))}`);
    });
  });
  // A change while training cancels the run and trains the new settings, so the plots match the form.
  form.addEventListener('change', () => { hideLrFind(); read(); if (document.body.dataset.state === 'running' && session) { paused = false; void train(); } });
  form.addEventListener('submit', (e) => { e.preventDefault(); read(); paused = false; void train(); });
  $('train-pause').addEventListener('click', () => {
    if ($('train-pause').textContent === 'Resume') void resume((s) => s.state.steps);
    else pause();
  });
  $('train-step').addEventListener('click', () => { paused = true; void resume((s) => Math.min(s.state.steps, s.done + 1)); });
  // The trained net of A as a checkpoint (net.save() queues behind the window in flight).
  $('train-download').addEventListener('click', () => {
    const s = session;
    if (!s) return;
    void host().then((c) => c.request({ kind: 'save', run: 0 })).then((bytes) => download(`initscope-${s.state.net}-${s.runs[0].history.length}-steps.safetensors`,
      new Blob([bytes], { type: 'application/octet-stream' })), (e: unknown) => hooks.setPhase('error', (e as Error).message));
  });
  // The run as one file that redraws without a GPU.
  $('train-save-run').addEventListener('click', () => {
    if (session?.accuracies) download(`initscope-run-${session.state.dataset}-${session.done}-steps.json`, new Blob([runFileText(session, adapter)], { type: 'application/json' }));
  });
  /** Shows a run file's session in place of the one on the page (whose nets the host drops); saved
   *  again, it keeps the adapter it was trained on. */
  const openRun = (name: string, text: string) => startLoop(() => {
    dropSession();
    try {
      const { view, notes, adapter: from } = readRunFile(text);
      state = view.state;
      write();
      saveHash();
      adapter = from;
      const opened: SessionView = { ...view, fromFile: name };
      session = opened;
      show(opened);
      hooks.showNotes(notes);
      hooks.setPhase('done', `Opened ${name}: ${view.done} steps trained on ${from}; test accuracy ${(view.accuracies ?? []).map((a) => `${(100 * a).toFixed(1)}%`).join(' vs ')}`);
    } catch (e) {
      hooks.showNotes([`${name} was not opened: ${(e as Error).message}`]);
      hooks.setPhase('error', `${name} was not opened: ${(e as Error).message}`);
    }
    return Promise.resolve();
  });
  const openInput = $<HTMLInputElement>('train-open-run');
  openInput.addEventListener('change', () => { const f = openInput.files?.[0]; if (f) void f.text().then((t) => openRun(f.name, t)); });
  $('train-view').addEventListener('drop', (e) => {
    const f = e.dataTransfer?.files[0];
    if (!f?.name.endsWith('.json')) return;
    e.preventDefault();
    void f.text().then((t) => openRun(f.name, t));
  });
  /** #run=URL: a hosted run file, fetched and opened. */
  const openRunUrl = (url: string) => {
    hooks.setPhase('running', `fetching ${url}...`);
    void fetch(url).then((r) => { if (!r.ok) throw new Error(`HTTP ${r.status}`); return r.text(); })
      .then((t) => openRun(url, t), (e: unknown) => { hooks.showNotes([`${url} was not opened: ${(e as Error).message}`]); hooks.setPhase('error', `${url} was not opened: ${(e as Error).message}`); });
  };
  $('train-reset').addEventListener('click', () => { loop?.abort.abort(); void startLoop(() => { dropSession(); hooks.setPhase('idle', 'Reset: press Train or pick a preset.'); return Promise.resolve(); }); });
  // A CSV file loaded (dropped or chosen) becomes the dataset; Train trains on it.
  setupCSV((notes) => hooks.showNotes(notes), () => { state = { ...state, dataset: 'csv', net: 'mlp' }; write(); saveHash(); });
  // So does a folder of images per class.
  setupImages((notes) => hooks.showNotes(notes), () => { state = { ...state, dataset: 'images', net: 'mlp' }; write(); saveHash(); });
  write();
  hooks.showNotes(parsed.notes);
  return {
    start: () => {
      const run = new URLSearchParams(initialHash.replace(/^#/, '')).get('run');
      if (run) { openRunUrl(run); return; }
      saveHash();
      if (/[#&]steps=/.test(initialHash)) void train();
    },
    /** Shows a training hash's settings (a link or an edited URL). */
    load: (hash: string) => { const r = parseTrainHash(hash); state = r.state; hooks.showNotes(r.notes); write(); saveHash(); },
    /** After a lost device: the nets are gone; train again from the settings. */
    restart: () => { session = undefined; paused = false; void train(); },
    /** Opens a run file's text (as a drop does). */
    openRun,
    /** Net A of the session as a checkpoint (the Inside the net view loads it), if one has trained. */
    trainedWeights: () => (session && !session.fromFile && session.done > 0 ? host().then((c) => c.request({ kind: 'save', run: 0 })) : undefined),
  };
}
