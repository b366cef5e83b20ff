// What the training view draws (a SessionView, grown window by window from the training host's
// messages), and the same as a file: "Save run" writes the settings, every step's loss and
// accuracy, the per-layer statistics of each window, the held-out curve and the test accuracy;
// opening the file (a drop, the file input, or #run=URL of a hosted file) redraws every plot
// without a GPU. Opened files are checked field by field: a refusal names the field.
import { InitscopeError, type TrainLayerStats } from '../src/index';
import { lastTraining, type LastTraining } from './session';
import { Timeline } from './timeline';
import { parseTrainHash, toTrainHash, TRAIN_DEFAULTS, type TrainState } from './trainState';

export interface RunView { name: string; history: Array<{ step: number; loss: number; accuracy: number }>; timeline: Timeline; diverged: boolean }

/** A session as the page holds it: the runs' curves, the held-out curve, LeNet-5's filters, and
 *  once it has finished (or paused) the test accuracies and design.md section 8's record. */
export interface SessionView {
  state: TrainState; runs: RunView[]; done: number; testCurve: LastTraining['testCurve']; testCount: number;
  filters?: Float32Array[]; accuracies?: number[]; last?: LastTraining;
  /** The run file it was opened from (no nets behind it). */
  fromFile?: string;
}

export const RUN_FORMAT = 'initscope-run';
const RUN_VERSION = 1;

/** A finished (or paused) session as the text of a run file. */
export function runFileText(s: SessionView, adapter: string): string {
  return JSON.stringify({
    format: RUN_FORMAT, version: RUN_VERSION, saved: new Date().toISOString(), adapter, state: s.state, done: s.done, testCount: s.testCount,
    runs: s.runs.map((r) => ({ name: r.name, diverged: r.diverged, history: r.history, timeline: { steps: r.timeline.steps, layers: r.timeline.layers } })),
    testCurve: s.testCurve, accuracies: s.accuracies, filters: s.filters?.map((f) => Array.from(f)),
  });
}

const refuse = (field: string, what: string): never => { throw new InitscopeError(`run file: ${field} ${what}`, 'invalid-option', field); };
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
function arrayAt(v: unknown, field: string, min = 0, max = Infinity): unknown[] {
  if (!Array.isArray(v) || v.length < min || v.length > max) refuse(field, `must be a list of ${min} to ${max} entries`);
  return v as unknown[];
}
/** A number; JSON writes NaN and infinities as null, so null reads back as NaN where allowed. */
function numberAt(v: unknown, field: string, nullable = false): number {
  if (typeof v === 'number') return v;
  if (v === null && nullable) return NaN;
  return refuse(field, `must be a number${nullable ? ' (or null)' : ''}, not ${JSON.stringify(v)?.slice(0, 40)}`);
}

function checkTensor(v: unknown, field: string): void {
  if (!isObject(v) || !isObject(v.histogram)) refuse(field, 'must be a tensor\'s statistics with a histogram');
  const t = v as Record<string, unknown> & { histogram: Record<string, unknown> };
  for (const k of ['min', 'max', 'saturatedFraction', 'deadUnitFraction']) numberAt(t[k], `${field}.${k}`, true);
  for (const k of ['lo', 'hi', 'underflow', 'overflow']) numberAt(t.histogram[k], `${field}.histogram.${k}`);
  arrayAt(t.histogram.counts, `${field}.histogram.counts`, 1).forEach((c, i) => numberAt(c, `${field}.histogram.counts[${i}]`));
}

function readTimeline(v: unknown, field: string): Timeline {
  if (!isObject(v)) return refuse(field, 'must be an object with steps and layers');
  const steps = arrayAt(v.steps, `${field}.steps`).map((s, i) => numberAt(s, `${field}.steps[${i}]`));
  const windows = arrayAt(v.layers, `${field}.layers`, steps.length, steps.length);
  const t = new Timeline();
  windows.forEach((w, i) => {
    const layers = arrayAt(w, `${field}.layers[${i}]`, 1);
    layers.forEach((l, j) => {
      const at = `${field}.layers[${i}][${j}]`;
      if (!isObject(l)) refuse(at, 'must be a layer\'s statistics');
      checkTensor((l as Record<string, unknown>).activation, `${at}.activation`);
      checkTensor((l as Record<string, unknown>).weightGrad, `${at}.weightGrad`);
      numberAt((l as Record<string, unknown>).updateRatio, `${at}.updateRatio`, true);
    });
    t.add(steps[i], layers as TrainLayerStats[]);
  });
  return t;
}

function readHistory(v: unknown, field: string): RunView['history'] {
  return arrayAt(v, field, 1).map((h, i) => {
    if (!isObject(h)) return refuse(`${field}[${i}]`, 'must be a step\'s record');
    return { step: numberAt(h.step, `${field}[${i}].step`), loss: numberAt(h.loss, `${field}[${i}].loss`, true), accuracy: numberAt(h.accuracy, `${field}[${i}].accuracy`) };
  });
}

/** A run file's session and the notes on settings that were refused (they become defaults). */
export function readRunFile(text: string): { view: SessionView; notes: string[]; adapter: string } {
  let json: unknown;
  try { json = JSON.parse(text); } catch (e) { return refuse('(the file)', `is not JSON: ${(e as Error).message}`); }
  if (!isObject(json) || json.format !== RUN_FORMAT) return refuse('format', `must be "${RUN_FORMAT}" (a file from the training view's Save run)`);
  if (json.version !== RUN_VERSION) return refuse('version', `${JSON.stringify(json.version)} is not supported; this page reads version ${RUN_VERSION}`);
  if (!isObject(json.state)) return refuse('state', 'must be the training settings');
  // Settings go through the hash's parser: a refused or missing value becomes the default, with a note.
  const given = json.state as Partial<TrainState>;
  const { state, notes } = parseTrainHash(toTrainHash({ ...TRAIN_DEFAULTS, ...given, b: { ...TRAIN_DEFAULTS.b, ...(isObject(given.b) ? given.b : {}) } }));
  const runs = arrayAt(json.runs, 'runs', 1, 2).map((r, i): RunView => {
    if (!isObject(r) || typeof r.name !== 'string') return refuse(`runs[${i}].name`, 'must be a text');
    return { name: r.name, diverged: r.diverged === true, history: readHistory(r.history, `runs[${i}].history`), timeline: readTimeline(r.timeline, `runs[${i}].timeline`) };
  });
  const testCurve = arrayAt(json.testCurve, 'testCurve').map((p, i) => {
    if (!isObject(p)) return refuse(`testCurve[${i}]`, 'must be a held-out point');
    return { step: numberAt(p.step, `testCurve[${i}].step`), accuracy: numberAt(p.accuracy, `testCurve[${i}].accuracy`),
      ...(p.compare !== undefined ? { compare: numberAt(p.compare, `testCurve[${i}].compare`) } : {}) };
  });
  const accuracies = arrayAt(json.accuracies, 'accuracies', runs.length, runs.length).map((a, i) => numberAt(a, `accuracies[${i}]`));
  const filters = json.filters === undefined ? undefined
    : arrayAt(json.filters, 'filters', runs.length, runs.length).map((f, i) => Float32Array.from(arrayAt(f, `filters[${i}]`, 150, 150).map((x, j) => numberAt(x, `filters[${i}][${j}]`))));
  const view: SessionView = {
    state, runs, testCurve, accuracies, last: lastTraining(runs, accuracies, testCurve), filters,
    done: numberAt(json.done, 'done'), testCount: numberAt(json.testCount, 'testCount'),
  };
  return { view, notes, adapter: typeof json.adapter === 'string' ? json.adapter : 'unknown' };
}
