// Hyperparameter search (Bergstra & Bengio 2012, "Random search for hyper-parameter optimization"):
// the same budget of trials spent on a grid or on random points of a box, each dimension on a
// linear or log scale. A grid of n trials over d dimensions tries only n^(1/d) values of each; random
// points try n values of every dimension, which is why random search wins when few dimensions
// matter. Trials run one after another (each trains a net on the one GPU queue).
import { invalid } from '../model/errors';
import { seededUniform } from '../model/random';

/** One dimension of the box: [min, max], on a log scale when `log` (both > 0). */
export interface SearchDimension { min: number; max: number; log?: boolean }

/** How `search` spends its budget. */
export interface SearchOptions {
  /** 'grid': floor(trials^(1/d)) evenly spaced values per dimension (ends included), their
   *  product in order; 'random': `trials` points drawn uniformly (on each dimension's scale). */
  method: 'grid' | 'random';
  trials: number;
  /** Seeds the random points (mulberry32, as the data order). */
  seed?: number;
  /** Called after each trial (0-based index), for progress. */
  onTrial?: (trial: SearchTrial, index: number) => void;
}

/** One trial: the point tried and the objective's score there. */
export interface SearchTrial { params: Record<string, number>; score: number }

/** Every trial in order, the best score after each, and the best trial. */
export interface SearchResult {
  trials: SearchTrial[];
  /** The highest score after each trial (NaN scores never count as best). */
  bestSoFar: number[];
  best: SearchTrial;
}

/** A point u in [0, 1] of a dimension, on its scale. */
const at = (d: SearchDimension, u: number) => (d.log ? Math.exp(Math.log(d.min) + u * (Math.log(d.max) - Math.log(d.min))) : d.min + u * (d.max - d.min));

/** The points a search of this budget tries, in order. */
export function searchPoints(space: Record<string, SearchDimension>, o: Pick<SearchOptions, 'method' | 'trials' | 'seed'>): Array<Record<string, number>> {
  const names = Object.keys(space);
  if (names.length === 0) throw invalid('search', 'space', space, 'at least one dimension');
  for (const [name, d] of Object.entries(space)) {
    if (!(Number.isFinite(d.min) && Number.isFinite(d.max) && d.min < d.max)) throw invalid('search', `space.${name}`, d, 'a { min, max } with min < max');
    if (d.log && !(d.min > 0)) throw invalid('search', `space.${name}.min`, d.min, 'a number > 0 on a log scale');
  }
  if (!Number.isInteger(o.trials) || o.trials < 1) throw invalid('search', 'trials', o.trials, 'an integer >= 1');
  if (o.method === 'random') {
    const uniform = seededUniform(o.seed ?? 0);
    return Array.from({ length: o.trials }, () => Object.fromEntries(names.map((n) => [n, at(space[n], uniform())])));
  }
  if (o.method !== 'grid') throw invalid('search', 'method', o.method, "'grid' or 'random'");
  const side = Math.floor(o.trials ** (1 / names.length) + 1e-9);
  if (side < 2) throw invalid('search', 'trials', o.trials, `at least 2^${names.length} = ${2 ** names.length} for a grid over ${names.length} dimension(s)`);
  const points: Array<Record<string, number>> = [];
  for (let i = 0; i < side ** names.length; i++) {
    let rest = i;
    const p: Record<string, number> = {};
    for (let k = names.length - 1; k >= 0; k--) {
      p[names[k]] = at(space[names[k]], (rest % side) / (side - 1));
      rest = Math.floor(rest / side);
    }
    points.push(Object.fromEntries(names.map((n) => [n, p[n]])));
  }
  return points;
}

/** Runs `objective` (higher is better) at each point of the search, one trial after another. */
export async function search(space: Record<string, SearchDimension>, objective: (params: Record<string, number>) => Promise<number>,
  options: SearchOptions): Promise<SearchResult> {
  const points = searchPoints(space, options);
  const trials: SearchTrial[] = [];
  const bestSoFar: number[] = [];
  let best: SearchTrial | undefined;
  for (const [i, params] of points.entries()) {
    const trial = { params, score: await objective(params) };
    trials.push(trial);
    if (!Number.isNaN(trial.score) && (best === undefined || trial.score > best.score)) best = trial;
    bestSoFar.push(best?.score ?? NaN);
    options.onTrial?.(trial, i);
  }
  return { trials, bestSoFar, best: best ?? trials[0] };
}
