// The messages between the training view (the page's main thread) and the training host (a Web
// Worker, demo/trainWorker.ts, or the same thread where a worker has no WebGPU). The host owns the
// engine, the data, the nets and the trainers; the page holds what it draws (a SessionView) and
// grows it from each window's message. Requests carry an id and get one reply with that id;
// events (phase text, a window, a lost device) carry none.
import type { AdapterDescription, KernelTarget, LrFindResult, TrainLayerStats } from '../src/index';
import type { Dataset } from '../src/data/index';
import type { LastTraining } from './session';
import type { TrainState } from './trainState';

/** What the page asks of the host. */
export type Request =
  | { kind: 'hello' }
  /** New nets for `state` (the old ones destroyed); `data` for datasets 'csv' and 'images' (the host loads MNIST and the spiral itself). */
  | { kind: 'start'; state: TrainState; data?: Dataset }
  /** Windows up to `until` steps; stopped early by an abort message. */
  | { kind: 'advance'; until: number }
  | { kind: 'summarize' }
  /** Run `run`'s net as a safetensors checkpoint. */
  | { kind: 'save'; run: number }
  | { kind: 'drop' }
  /** The learning-rate range test on a fresh net of `state`'s A (the session's nets untouched). */
  | { kind: 'lrFind'; state: TrainState; data?: Dataset }
  /** For tests: destroy the host's device, as a driver reset would. */
  | { kind: 'lose' };

/** The reply to each request kind. */
export interface Replies {
  hello: { gpu: boolean };
  start: { names: string[]; testCount: number; adapter: AdapterLine };
  advance: { done: number };
  summarize: { accuracies: number[] };
  save: Uint8Array<ArrayBuffer>;
  drop: null;
  lrFind: LrFindResult;
  lose: null;
}

/** The range test's sweep in the training view (fastai's lr_find range, 100 steps). */
export const LR_FIND = { from: 1e-5, to: 10, steps: 100 };

export interface AdapterLine { info: AdapterDescription; kernelTarget: KernelTarget; hasTimestamps: boolean }

/** One run's part of a window: its new records, the window's per-layer statistics, whether it diverged. */
export interface RunWindow { records: Array<{ step: number; loss: number; accuracy: number }>; stats?: { step: number; layers: TrainLayerStats[] }; diverged: boolean }

/** A window of every run: the session's steps done, the held-out accuracy (absent when paused
 *  mid-window) and, for LeNet-5, each run's first-layer filters. */
export interface WindowEvent { runs: RunWindow[]; done: number; test?: LastTraining['testCurve'][number]; filters?: Float32Array[] }

export type HostMessage =
  | { id: number; reply: unknown }
  | { id: number; error: { message: string; code?: string } }
  | { event: 'phase'; text: string }
  | { event: 'window'; window: WindowEvent }
  | { event: 'lost'; reason: string; message: string };

export type PageMessage = ({ id: number } & Request) | { kind: 'abort'; keep: boolean };
