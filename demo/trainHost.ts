// The training host: the engine, the data and the session of the training view, answering the
// page's requests (demo/trainProtocol.ts) over a port. It runs in a Web Worker
// (demo/trainWorker.ts) so that initialising, training and evaluating never hold the page's main
// thread; where a worker has no WebGPU the page serves it on its own thread over a MessageChannel.
import { createEngine, InitscopeError, lrFind, type Engine } from '../src/index';
import type { Dataset } from '../src/data/index';
import { createSession, summarize, trainWindow, type Session } from './session';
import { isLenet, trainingOptions } from './trainState';
import { LR_FIND, type HostMessage, type PageMessage, type Replies, type Request, type RunWindow, type WindowEvent } from './trainProtocol';

/** Where the host posts and listens: a worker's global scope or a MessagePort. */
export interface HostPort {
  postMessage(message: HostMessage, transfer?: Transferable[]): void;
  addEventListener(type: 'message', listener: (e: MessageEvent<PageMessage>) => void): void;
}

/** Serves the training view's requests on `port` until the page goes away. */
export function serveTraining(port: HostPort): void {
  let engine: Promise<Engine> | undefined;
  let session: Session | undefined;
  /** The advance in progress and whether its abort keeps the runs level (a pause). */
  let advancing: { abort: AbortController; keep: boolean } | undefined;
  const datasets = new Map<string, Promise<Dataset>>();
  const post = (m: HostMessage, transfer: Transferable[] = []) => port.postMessage(m, transfer);
  const phase = (text: string) => post({ event: 'phase', text });

  const getEngine = () => {
    engine ??= createEngine().then((e) => {
      void e.lost.then((info) => {
        engine = undefined;
        session = undefined;
        post({ event: 'lost', reason: info.reason, message: info.message });
      });
      return e;
    }, (err: unknown) => { engine = undefined; throw err; });
    return engine;
  };

  const loadData = (dataset: 'mnist' | 'spiral', seed: number) => {
    const key = dataset === 'mnist' ? 'mnist' : `spiral/${seed}`;
    let d = datasets.get(key);
    if (!d) {
      d = import('../src/data/index').then(async ({ mnist, spiral, standardize }) =>
        standardize(dataset === 'mnist' ? await mnist() : spiral({ classes: 3, points: 1000, seed })));
      datasets.set(key, d);
      d.catch(() => datasets.delete(key));
    }
    return d;
  };

  const drop = () => {
    for (const r of session?.runs ?? []) r.net.destroy();
    session = undefined;
  };

  const live = () => {
    if (!session) throw new InitscopeError('training host: no session (start one first)', 'invalid-state');
    return session;
  };

  /** One window's message: what each run added since `before` records, the held-out point. */
  const windowOf = async (s: Session, before: number[], tests: number): Promise<{ event: WindowEvent; transfer: Transferable[] }> => {
    const runs: RunWindow[] = s.runs.map((r, i) => {
      const stats = r.stats.at(-1);
      return {
        records: r.history.slice(before[i]).map(({ step, loss, accuracy }) => ({ step, loss, accuracy })),
        ...(stats && stats.step > before[i] ? { stats } : {}), diverged: r.diverged,
      };
    });
    const event: WindowEvent = { runs, done: s.done, ...(s.testCurve.length > tests ? { test: s.testCurve.at(-1) } : {}) };
    if (!isLenet(s.state)) return { event, transfer: [] };
    event.filters = await Promise.all(s.runs.map(async (r) => (await r.net.readParameters(0)).W));
    return { event, transfer: event.filters.map((f) => f.buffer) };
  };

  const handlers: { [K in Request['kind']]: (r: Extract<Request, { kind: K }>) => Promise<Replies[K]> } = {
    hello: () => Promise.resolve({ gpu: typeof navigator !== 'undefined' && 'gpu' in navigator && Boolean(navigator.gpu) }),
    start: async ({ state, data }) => {
      drop();
      phase('starting WebGPU...');
      const e = await getEngine();
      phase(`loading ${state.dataset}...`);
      const d = data ?? await loadData(state.dataset === 'mnist' ? 'mnist' : 'spiral', state.seed);
      session = await createSession(e, d, state, phase);
      return { names: session.runs.map((r) => r.name), testCount: d.test.labels.length,
        adapter: { info: e.adapterInfo, kernelTarget: e.kernelTarget, hasTimestamps: e.hasTimestamps } };
    },
    advance: async ({ until }) => {
      const s = live();
      const control = { abort: new AbortController(), keep: false };
      advancing = control;
      try {
        for (;;) {
          const before = s.runs.map((r) => r.history.length);
          const tests = s.testCurve.length;
          const going = await trainWindow(s, until, control.abort.signal, () => control.keep);
          if (s.runs.some((r, i) => r.history.length > before[i])) {
            const { event, transfer } = await windowOf(s, before, tests);
            post({ event: 'window', window: event }, transfer);
          }
          if (!going || s.done >= until) break;
        }
      } finally {
        if (advancing === control) advancing = undefined;
      }
      return { done: s.done };
    },
    summarize: () => summarize(live()),
    save: ({ run }) => live().runs[run].net.save(),
    drop: () => { drop(); return Promise.resolve(null); },
    lrFind: async ({ state, data }) => {
      const e = await getEngine();
      phase(`loading ${state.dataset}...`);
      const d = data ?? await loadData(state.dataset === 'mnist' ? 'mnist' : 'spiral', state.seed);
      const o = trainingOptions({ ...state, compare: false }, d.features, d.classes);
      const net = 'dims' in o.net ? e.createMLP(o.net) : e.createNet(o.net);
      try {
        return await lrFind(net, d.train.x, d.train.labels, { startLr: LR_FIND.from, endLr: LR_FIND.to, steps: LR_FIND.steps, optimizer: { name: state.optimizer },
          onProgress: (p) => phase(`finding a learning rate: step ${p.step} of ${p.steps}, lr ${p.lr.toPrecision(2)}, smoothed loss ${p.smoothed.toFixed(3)}`) });
      } finally {
        net.destroy();
      }
    },
    lose: async () => { if (engine) (await engine).device.destroy(); return null; },
  };

  port.addEventListener('message', (e) => {
    const m = e.data;
    if (m.kind === 'abort') {
      if (advancing) { advancing.keep = m.keep; advancing.abort.abort(); }
      return;
    }
    const handle = handlers[m.kind] as (r: Request) => Promise<unknown>;
    handle(m).then(
      (reply) => post({ id: m.id, reply }, reply instanceof Uint8Array ? [reply.buffer] : []),
      (err: unknown) => post({ id: m.id, error: { message: err instanceof Error ? err.message : String(err), ...(err instanceof InitscopeError ? { code: err.code } : {}) } }),
    );
  });
}
