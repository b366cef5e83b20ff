// What net.inputGradient(x, target) differentiates (design.md section 10), its refusals, and the
// gradient of that quantity with respect to the scores (the last layer's output), computed on the
// CPU in float64 from the scores the GPU gave: a confident row's 1 - p_y is the sum of the other
// classes' probabilities, never 1 minus a rounded p_y, so its sign and size survive.
import { describeValue, InitscopeError, invalid, refuseUnknownKeys } from './errors';

/** What to differentiate, per row: a class's pre-softmax score, or that row's own loss. */
export type InputGradientTarget =
  | { class: number | Int32Array | Uint32Array }
  | { labels: Int32Array | Uint32Array; loss?: 'cross_entropy' | 'mse' };

/** A target checked against x and the net: one class or label per row. */
export interface ParsedInputGradientTarget {
  rows: number;
  kind: 'class' | 'cross_entropy' | 'mse';
  /** The class (kind 'class') or the label of each row. */
  classOf: (row: number) => number;
}

const WHERE = 'inputGradient';

function checkClass(field: string, value: unknown, classes: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value >= classes) {
    throw invalid(WHERE, field, value, `a class from 0 to ${classes - 1} (the net's last layer has ${classes} outputs)`);
  }
  return value;
}

function checkPerRow(field: string, value: unknown, rows: number, classes: number): Int32Array | Uint32Array {
  if (!(value instanceof Int32Array || value instanceof Uint32Array)) {
    throw invalid(WHERE, field, value, `an Int32Array or Uint32Array of one class per row of x (${rows})`);
  }
  if (value.length !== rows) throw invalid(WHERE, field, value, `one entry per row of x: length ${rows}`);
  for (let r = 0; r < rows; r++) checkClass(`${field}[${r}]`, value[r], classes);
  return value;
}

/** Checks x (rows of `features` values) and the target; refusals name the field. */
export function parseInputGradientTarget(x: unknown, target: unknown, features: number, classes: number): ParsedInputGradientTarget {
  if (!(x instanceof Float32Array) || x.length === 0 || x.length % features !== 0) {
    throw invalid(WHERE, 'x', x, `a non-empty Float32Array of rows of the net's input (${features} values each, row-major)`);
  }
  const rows = x.length / features;
  if (target === null || typeof target !== 'object') {
    throw invalid(WHERE, 'target', target, '{ class } (a class\'s score) or { labels } (each row\'s loss)');
  }
  const t = target as Record<string, unknown>;
  const has = (k: string) => Object.prototype.hasOwnProperty.call(t, k);
  if (has('class') === has('labels')) {
    throw new InitscopeError(`${WHERE}: target must have exactly one of "class" (a class's score) and "labels" (each row's loss), got ${describeValue(target)}`,
      'invalid-option', 'target');
  }
  if (has('class')) {
    refuseUnknownKeys(WHERE, 'target', t, ['class']);
    if (typeof t.class === 'number') {
      const c = checkClass('target.class', t.class, classes);
      return { rows, kind: 'class', classOf: () => c };
    }
    const perRow = checkPerRow('target.class', t.class, rows, classes);
    return { rows, kind: 'class', classOf: (r) => perRow[r] };
  }
  refuseUnknownKeys(WHERE, 'target', t, ['labels', 'loss']);
  if (t.loss !== undefined && t.loss !== 'cross_entropy' && t.loss !== 'mse') {
    throw invalid(WHERE, 'target.loss', t.loss, "'cross_entropy' (the default) or 'mse' (to the one-hot label)");
  }
  const labels = checkPerRow('target.labels', t.labels, rows, classes);
  return { rows, kind: t.loss === 'mse' ? 'mse' : 'cross_entropy', classOf: (r) => labels[r] };
}

/** dQ/ds for one row of scores s (length `classes`), Q the target's quantity:
 *  class c: the one-hot of c; cross_entropy: softmax(s) - onehot(y), with 1 - p_y summed from the
 *  other classes; mse: 2 (s - onehot(y)) / classes, the row's mean squared error. */
export function scoreGradient(kind: ParsedInputGradientTarget['kind'], scores: ArrayLike<number>, label: number): Float64Array {
  const n = scores.length;
  const g = new Float64Array(n);
  if (kind === 'class') {
    g[label] = 1;
  } else if (kind === 'mse') {
    for (let c = 0; c < n; c++) g[c] = (2 * (scores[c] - (c === label ? 1 : 0))) / n;
  } else {
    let max = -Infinity;
    for (let c = 0; c < n; c++) max = Math.max(max, scores[c]);
    let sum = 0;
    for (let c = 0; c < n; c++) { g[c] = Math.exp(scores[c] - max); sum += g[c]; }
    let others = 0;
    for (let c = 0; c < n; c++) {
      g[c] /= sum;
      if (c !== label) others += g[c];
    }
    g[label] = -others;
  }
  return g;
}
