// design.md section 7's split rule for your own data, as MNIST's: per class, the last fraction
// (rounded down) of its examples, in the order given, are the test set.
import type { Dataset, Split } from './types';

/** `values` (one row of `features` per label) split per class: rows per class in `counts`. */
export function splitPerClass(values: Float32Array, labels: Int32Array, features: number, classes: number, testFraction: number): Dataset & { counts: number[] } {
  const counts = new Array<number>(classes).fill(0);
  for (const l of labels) counts[l]++;
  const seen = new Array<number>(classes).fill(0);
  const inTest = Array.from(labels, (l) => seen[l]++ >= counts[l] - Math.floor(counts[l] * testFraction));
  const take = (test: boolean): Split => {
    const rows = [...labels.keys()].filter((i) => inTest[i] === test);
    const x = new Float32Array(rows.length * features);
    rows.forEach((i, k) => x.set(values.subarray(i * features, (i + 1) * features), k * features));
    return { x, labels: Int32Array.from(rows, (i) => labels[i]) };
  };
  return { train: take(false), test: take(true), features, classes, counts };
}
