// "Load weights" in the single-pass view: a checkpoint (the training view's "Download weights",
// net.save(), trainer.save(), or a file written from PyTorch with initscope's metadata) runs beside
// the same net at its initialisation (engine.createNet(net.options): the seed's weights its
// training started from), both on the first batch of MNIST's test digits when the net reads 784
// values (standardised as the training view trains), else on randn. A student sees what training
// did to each layer's statistics.
import type { Engine, LayerOption, MLP, NetOptions } from '../src/index';
import { $ } from './dom';

/** The loaded net and its initialisation, on one input. */
export interface TrainedPair { name: string; trained: MLP; initial: MLP; activation: string; input: string }

interface Hooks {
  engine(): Promise<Engine>;
  showNotes(notes: string[]): void;
  onLost(listener: () => void): void;
  /** Runs the single pass (a file was loaded or put away). */
  run(): void;
}

const MNIST_FEATURES = 784;

const nameOf = (o: { name: string } | string | undefined, fallback: string) => (o === undefined ? fallback : typeof o === 'string' ? o : o.name);

function describe(o: NetOptions): string {
  const layers = o.layers.map((l: LayerOption) => {
    if (l.type === 'dense') return `dense ${l.units}`;
    if (l.type === 'conv') return `conv ${l.filters} x ${Array.isArray(l.size) ? l.size.join('x') : `${l.size}x${l.size}`}`;
    return l.type;
  });
  const input = Array.isArray(o.input) ? o.input.join(' x ') : String(o.input);
  return `input ${input}, ${layers.join(', ')}; ${nameOf(o.activation, 'tanh')}, init ${nameOf(o.init, 'xavier')}, seed ${o.seed ?? 0}, batch ${o.batch}`;
}

/** MNIST's test digits, standardised, parsed once for every file loaded on this page. */
let testDigits: Promise<Float32Array> | undefined;

async function inputFor(o: NetOptions): Promise<{ x: Float32Array | 'randn'; text: string }> {
  const width = Array.isArray(o.input) ? o.input.reduce((a, b) => a * b, 1) : o.input;
  if (width !== MNIST_FEATURES) return { x: 'randn', text: 'randn input' };
  if (!testDigits) {
    testDigits = import('../src/data/index').then(async ({ mnist, standardize }) => standardize(await mnist()).test.x);
    testDigits.catch(() => { testDigits = undefined; });
  }
  return { x: (await testDigits).slice(0, o.batch * MNIST_FEATURES), text: `the first ${o.batch} MNIST test digits` };
}

/** Wires the file input and its "back to the form" button; `current` is the pair to run, if a file is loaded. */
export function setupTrainedNet(hooks: Hooks): { current(): Promise<TrainedPair> | undefined } {
  const input = $<HTMLInputElement>('single-load');
  const info = $('single-load-info');
  const unload = $<HTMLButtonElement>('single-unload');
  let file: { name: string; bytes: Uint8Array } | undefined;
  /** The pair on the engine in use (made again after a lost device). */
  let pair: Promise<TrainedPair> | undefined;
  hooks.onLost(() => { pair = undefined; });

  const make = async (f: { name: string; bytes: Uint8Array }): Promise<TrainedPair> => {
    const e = await hooks.engine();
    const trained = await e.loadNet(f.bytes);
    const options = trained.options;
    const initial = e.createNet(options);
    const { x, text } = await inputFor(options);
    await Promise.all([trained.setInput(x), initial.setInput(x)]);
    info.textContent = `${f.name}: ${describe(options)}. Run shows it (A) beside the same net at its initialisation (B), on ${text}.`;
    info.className = '';
    return { name: f.name, trained, initial, activation: nameOf(options.activation, 'tanh'), input: text };
  };
  const drop = () => {
    void pair?.then((p) => { p.trained.destroy(); p.initial.destroy(); }, () => undefined);
    pair = undefined;
  };

  input.addEventListener('change', () => {
    const chosen = input.files?.[0];
    if (!chosen) return;
    void chosen.arrayBuffer().then((buffer) => {
      drop();
      const f = { name: chosen.name, bytes: new Uint8Array(buffer) };
      const made = make(f);
      pair = made;
      made.then(() => { file = f; unload.hidden = false; hooks.run(); }, (e: unknown) => {
        if (pair === made) pair = undefined;
        info.textContent = `${f.name}: ${(e as Error).message}`;
        info.className = 'error';
        hooks.showNotes([`${f.name} was not loaded: ${(e as Error).message}`]);
      });
    });
  });
  unload.addEventListener('click', () => {
    drop();
    file = undefined;
    input.value = '';
    info.textContent = '';
    unload.hidden = true;
    hooks.run();
  });
  return { current: () => (file ? (pair ??= make(file)) : undefined) };
}
