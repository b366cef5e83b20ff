// Hyperparameter search (src/inside/search.ts) on cases with a known answer: the grid's points
// written out by hand, random points inside the box and repeatable by seed, the bookkeeping of
// the best so far (NaN never best), random search beating a grid on an objective where only the
// learning rate matters; refusals naming the field.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { search, searchPoints } from 'initscope';

const SPACE = { lr: { min: 1e-4, max: 1, log: true }, weightDecay: { min: 1e-6, max: 0.1, log: true } };
const close = (a, b) => Math.abs(a - b) <= 1e-12 * Math.abs(b);

test('a grid of 9 (or 10) trials over two log dimensions: 3 values of each, ends included, in order', () => {
  const lrs = [1e-4, 1e-2, 1];
  const decays = [1e-6, Math.sqrt(1e-7), 0.1];
  const want = lrs.flatMap((lr) => decays.map((weightDecay) => ({ lr, weightDecay })));
  for (const trials of [9, 10]) {
    const got = searchPoints(SPACE, { method: 'grid', trials });
    assert.equal(got.length, 9, `${trials} trials: a 3 x 3 grid`);
    got.forEach((p, i) => assert.ok(close(p.lr, want[i].lr) && close(p.weightDecay, want[i].weightDecay), `point ${i}: ${JSON.stringify(p)} vs ${JSON.stringify(want[i])}`));
  }
  const linear = searchPoints({ x: { min: -1, max: 1 } }, { method: 'grid', trials: 5 });
  assert.deepEqual(linear.map((p) => p.x), [-1, -0.5, 0, 0.5, 1]);
});

test('random points: inside the box, one value per trial in every dimension, the same for a seed', () => {
  const a = searchPoints(SPACE, { method: 'random', trials: 9, seed: 3 });
  assert.equal(a.length, 9);
  for (const p of a) for (const [name, d] of Object.entries(SPACE)) assert.ok(p[name] >= d.min && p[name] <= d.max, `${name} ${p[name]} in [${d.min}, ${d.max}]`);
  assert.equal(new Set(a.map((p) => p.lr)).size, 9, 'nine learning rates');
  assert.deepEqual(searchPoints(SPACE, { method: 'random', trials: 9, seed: 3 }), a, 'the same seed, the same points');
  assert.notDeepEqual(searchPoints(SPACE, { method: 'random', trials: 9, seed: 4 }), a, 'another seed, other points');
});

test('search: best so far never falls, NaN is never best; when only the rate matters random search beats the grid', async () => {
  // The score peaks at lr = 10^-1.3 whatever the decay: the grid's rates 1e-4, 1e-2, 1 are 0.7
  // decades away at best; nine random rates over four decades land closer in nearly every seed.
  const objective = async (p) => -Math.abs(Math.log10(p.lr) + 1.3);
  const grid = await search(SPACE, objective, { method: 'grid', trials: 9 });
  assert.ok(close(grid.best.score, -0.7) && close(grid.best.params.lr, 1e-2), `grid best ${JSON.stringify(grid.best)}`);
  let wins = 0;
  for (let seed = 0; seed < 10; seed++) {
    const random = await search(SPACE, objective, { method: 'random', trials: 9, seed });
    random.bestSoFar.forEach((b, i) => assert.ok(i === 0 || b >= random.bestSoFar[i - 1], `seed ${seed}: best so far falls at trial ${i}`));
    assert.equal(random.bestSoFar.at(-1), Math.max(...random.trials.map((t) => t.score)));
    if (random.best.score > grid.best.score) wins++;
  }
  assert.ok(wins >= 8, `random beat the grid in ${wins} of 10 seeds`);
  const seen = [];
  const withNaN = await search({ x: { min: 0, max: 1 } }, async (p) => (p.x === 0.5 ? NaN : p.x === 0.25 ? 2 : 1), { method: 'grid', trials: 5, onTrial: (t, i) => seen.push(i) });
  assert.deepEqual(withNaN.bestSoFar, [1, 2, 2, 2, 2]);
  assert.equal(withNaN.best.params.x, 0.25);
  assert.deepEqual(seen, [0, 1, 2, 3, 4]);
});

test('search refuses a box, a budget or a method it cannot use, naming the field', () => {
  const refuse = (space, o, field) => assert.throws(() => searchPoints(space, o), (e) => e.code === 'invalid-option' && e.field === field, field);
  refuse({ lr: { min: 1, max: 1 } }, { method: 'random', trials: 3 }, 'space.lr');
  refuse({ lr: { min: 0, max: 1, log: true } }, { method: 'random', trials: 3 }, 'space.lr.min');
  refuse(SPACE, { method: 'grid', trials: 3 }, 'trials');
  refuse(SPACE, { method: 'random', trials: 0 }, 'trials');
  refuse(SPACE, { method: 'halving', trials: 9 }, 'method');
  refuse({}, { method: 'random', trials: 9 }, 'space');
});
