// The training view: a net trained on MNIST or the spiral on the GPU, with its loss and accuracy
// drawn while it learns, progress with an estimate, and Stop. The result is exposed as
// window.initscope.lastTraining (design.md section 8).
import { InitscopeError, type Engine, type MLP } from '../src/index';
import { StepCurves } from './plots';
import { parseTrainHash, toTrainHash, TRAIN_ACTIVATIONS, trainingOptions, type TrainState } from './trainState';

export interface LastTraining { steps: number; history: Array<{ step: number; loss: number; accuracy: number }>; testAccuracy: number }

interface Hooks {
  engine(): Promise<Engine>;
  setPhase(phase: 'idle' | 'running' | 'done' | 'error', text: string): void;
  showNotes(notes: string[]): void;
}

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

export function setupTraining(hooks: Hooks, initialHash: string, initSelect: readonly string[]): { start(): void } {
  const form = $<HTMLFormElement>('train-controls');
  const parsed = parseTrainHash(initialHash);
  let state: TrainState = parsed.state;
  let controller: AbortController | undefined;
  let net: MLP | undefined;
  const loss = new StepCurves('train-loss', 'loss (training batch)', [{ label: 'loss', color: '#c33' }], true);
  const accuracy = new StepCurves('train-accuracy', 'accuracy (training batch)', [{ label: 'accuracy', color: '#36c' }], false);

  const fill = (name: string, values: readonly string[]) => {
    (form.elements.namedItem(name) as HTMLSelectElement).replaceChildren(
      ...values.map((v) => Object.assign(document.createElement('option'), { value: v, textContent: v })));
  };
  fill('act', TRAIN_ACTIVATIONS);
  fill('init', initSelect);
  const write = () => {
    for (const [key, value] of Object.entries(state)) {
      const el = form.elements.namedItem(key) as HTMLInputElement | HTMLSelectElement | null;
      if (el) el.value = String(value);
    }
  };
  const read = () => {
    const p = new URLSearchParams();
    for (const [k, v] of new FormData(form)) if (typeof v === 'string') p.set(k, v);
    const r = parseTrainHash(`#${p.toString()}`);
    state = r.state;
    hooks.showNotes(r.notes);
    write();
    history.replaceState(null, '', toTrainHash(state));
  };
  write();
  hooks.showNotes(parsed.notes);

  async function train(): Promise<void> {
    controller?.abort();
    const abort = new AbortController();
    controller = abort;
    const s = { ...state };
    const started = performance.now();
    const progress = $<HTMLProgressElement>('train-progress');
    progress.value = 0;
    $('train-test').textContent = '';
    loss.reset();
    accuracy.reset();
    try {
      hooks.setPhase('running', 'starting WebGPU...');
      const engine = await hooks.engine();
      hooks.setPhase('running', `loading ${s.dataset}...`);
      const { mnist, spiral, standardize } = await import('../src/data/index');
      const data = standardize(s.dataset === 'mnist' ? await mnist() : spiral({ classes: 3, points: 1000, seed: s.seed }));
      if (abort.signal.aborted) return;
      const options = trainingOptions(s, data.features, data.classes);
      net?.destroy();
      net = engine.createMLP(options.mlp);
      const trainer = net.trainer(options.trainer);
      await trainer.setData(data.train.x, data.train.labels, { shuffle: true, seed: s.seed });
      if (s.init === 'lsuv') await net.lsuv(data.train.x.slice(0, s.batch * data.features));
      hooks.setPhase('running', `training: step 0 of ${s.steps}`);
      const steps: number[] = [], losses: number[] = [], accuracies: number[] = [];
      const result = await trainer.train(s.steps, {
        every: Math.max(1, Math.min(50, Math.ceil(s.steps / 20))), signal: abort.signal,
        onProgress: (p) => {
          for (const h of p.records) { steps.push(h.step); losses.push(h.loss); accuracies.push(h.accuracy); }
          loss.update(steps, [losses]);
          accuracy.update(steps, [accuracies]);
          progress.value = p.step / p.steps;
          hooks.setPhase('running', `training: step ${p.step} of ${p.steps}, loss ${p.record.loss.toFixed(3)}, ` +
            `${(p.elapsedMs / 1000).toFixed(1)} s, about ${(p.etaMs / 1000).toFixed(0)} s left`);
        },
      });
      if (controller !== abort) return;
      hooks.setPhase('running', 'evaluating on the test set...');
      const test = await trainer.evaluate(data.test.x, data.test.labels);
      const last: LastTraining = { steps: result.history.length, history: result.history.map(({ step, loss: l, accuracy: a }) => ({ step, loss: l, accuracy: a })),
        testAccuracy: test.accuracy };
      window.initscope.lastTraining = last;
      $('train-test').textContent = `test accuracy ${(100 * test.accuracy).toFixed(1)}% on ${data.test.labels.length} held-out examples` +
        (result.stopped === 'diverged' ? ' (stopped: the loss became NaN or infinite; try a smaller learning rate)' : '') +
        (result.stopped === 'aborted' ? ' (stopped early)' : '');
      progress.value = 1;
      hooks.setPhase('done', `Trained ${last.steps} steps in ${((performance.now() - started) / 1000).toFixed(1)} s; ` +
        `test accuracy ${(100 * test.accuracy).toFixed(1)}%`);
    } catch (e) {
      if (controller === abort) hooks.setPhase('error', e instanceof InitscopeError ? e.message : String(e));
    }
  }

  form.addEventListener('change', read);
  form.addEventListener('submit', (e) => { e.preventDefault(); read(); void train(); });
  $('train-stop').addEventListener('click', () => controller?.abort());
  return { start: () => { history.replaceState(null, '', toTrainHash(state)); if (/[#&]steps=/.test(initialHash)) void train(); } };
}
