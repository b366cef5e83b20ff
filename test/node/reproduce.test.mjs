// The reading list's reproductions at the sizes the demo's presets run at: `npm run papers`
// (`initscope reproduce all --page`) runs every preset once, in Node, and each paper's direction
// holds there (Glorot's small weights collapse and 3.2/sqrt(Din) saturates at width 1024; He's
// kaiming keeps the std where 1/sqrt(Din) halves the variance per layer; Saxe's Gaussian deep linear
// nets slow with depth where orthogonal ones do not; LSUV puts Var(Z) at 1; the random-walk gain
// drifts least; Fixup learns where kaiming without norm blows up; a lottery ticket at 64% matches
// the full net and beats a random re-init; deleting a trained MLP's most salient pixels lowers the class
// score more than deleting random ones (the accuracy at 20%), its maps differ from its initial net's, its class models read
// as their class; FGSM at eps 0.25 takes softmax regression's and the
// MLP's MNIST accuracy below half, PGD at most as high), data-init being the documented negative result whose
// change rates still equalise. The numbers behind each verdict are checked and printed; the
// full-size runs are the guide's (docs/reading-list.md), not the suite's.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const bin = fileURLToPath(new URL('../../bin/initscope.mjs', import.meta.url));

const CHECKS = {
  glorot: (n) => {
    assert.ok(n.smallStd < 0.1, `small: layer 6 std ${n.smallStd}`);
    assert.ok(n.largeSaturated > 0.2, `3.2/sqrt(Din): ${n.largeSaturated} saturated at layer 6`);
    assert.ok(n.xavierStd > 0.25, `xavier: layer 6 std ${n.xavierStd}`);
  },
  he: (n) => assert.ok(Math.abs(n.xavierRatio - Math.SQRT1_2) < 0.05, `xavier: std x${n.xavierRatio} per layer`),
  saxe: (n) => {
    assert.ok(n.gaussianGrowth > 1.5, `Gaussian: steps x${n.gaussianGrowth} from depth 2 to 16`);
    assert.ok(n.orthogonalGrowth <= 1.5, `orthogonal: steps x${n.orthogonalGrowth}`);
  },
  lsuv: (n) => assert.ok(n.lsuvWorst < 0.1, `|Var(Z) - 1| <= ${n.lsuvWorst}`),
  'random-walk': (n) => {
    for (const a of ['linear', 'relu']) {
      const drift = (init) => Math.abs(n[`${a}/${init}`]);
      assert.ok(drift('random_walk') < drift('xavier') && drift('random_walk') < drift('kaiming'), `${a}: the paper's gain drifts least`);
    }
  },
  // The documented negative result: the method's own step (equal change rates) is asserted, its
  // early-loss claim is not (docs/reading-list.md: PyTorch agrees it does not hold).
  'data-init': (n) => {
    for (const a of ['tanh', 'relu']) {
      assert.ok(n[`${a}/data/spread`] < 2, `${a}: data-init's spread of change rates ${n[`${a}/data/spread`]}`);
      assert.ok(n[`${a}/data/spread`] < Math.min(n[`${a}/xavier/spread`], n[`${a}/kaiming/spread`]) / 4, `${a}: flatter than xavier's and kaiming's`);
    }
  },
  fixup: (n) => {
    assert.ok(n.fixupTest > 0.8, `Fixup learns: test ${n.fixupTest}`);
    assert.ok(n.kaimingGrowth > 1.3, `kaiming: block std x${n.kaimingGrowth} per block`);
    assert.ok(!(n.kaimingTest > n.fixupTest - 0.2), `kaiming without norm falls behind or diverges: ${n.kaimingTest}`);
  },
  lottery: (n) => {
    assert.ok(n.left2 < 0.66, `${n.left2} of the weights left after 2 rounds`);
    assert.ok(n.ticket2 >= n.ticket0 - 0.01, `the ticket ${n.ticket2} matches the full net ${n.ticket0}`);
    assert.ok(n.ticket2 > n.random2, `the ticket ${n.ticket2} beats the random re-init ${n.random2}`);
  },
  simonyan: (n) => {
    for (const f of [0.05, 0.1, 0.2]) assert.ok(n[`salientScore${f}`] < n[`randomScore${f}`], `deleting ${f} of the pixels: class score ${n[`salientScore${f}`]} (salient) vs ${n[`randomScore${f}`]} (random)`);
    assert.ok(n['salient0.2'] < n['random0.2'], `deleting 20%: accuracy ${n['salient0.2']} (salient) vs ${n['random0.2']} (random)`);
    assert.ok(n.rankCorrelation < 0.5, `the trained and initial maps' rank correlation ${n.rankCorrelation}`);
    assert.ok(n.classModels >= 8, `${n.classModels} of 10 class models read as their class`);
  },
  goodfellow: (n) => {
    for (const net of ['softmax regression', 'MLP 784-128-128-10 (relu)']) {
      assert.ok(n[`${net}/clean`] >= 0.85, `${net}: clean accuracy ${n[`${net}/clean`]}`);
      assert.ok(n[`${net}/fgsm0.25`] < 0.5 * n[`${net}/clean`], `${net}: FGSM at eps 0.25 leaves ${n[`${net}/fgsm0.25`]}`);
      assert.ok(n[`${net}/fgsm0.1`] < n[`${net}/clean`] - 0.1, `${net}: FGSM at eps 0.1 leaves ${n[`${net}/fgsm0.1`]}`);
      assert.ok(n[`${net}/pgd0.1`] <= n[`${net}/fgsm0.1`] + 0.01, `${net}: PGD ${n[`${net}/pgd0.1`]} vs FGSM ${n[`${net}/fgsm0.1`]}`);
    }
  },
  smith: (n) => {
    assert.ok(n.suggestion < n.minimum && n.minimum < n.blowUp, `suggestion ${n.suggestion} < minimum ${n.minimum} < blow-up ${n.blowUp}`);
    assert.ok(n.suggestionAccuracy >= 0.8, `at the suggestion: test accuracy ${n.suggestionAccuracy}`);
    assert.ok(!(n.tooHighAccuracy > 0.2), `at ten times the blow-up: test accuracy ${n.tooHighAccuracy}`);
  },
  bergstra: (n) => {
    assert.ok(n.randomWins > n.repeats / 2, `random search at least the grid in ${n.randomWins} of ${n.repeats} repeats`);
    assert.equal(n.gridRates, 3, 'a 3 x 3 grid tries 3 learning rates');
    assert.equal(n.randomRates, 9, 'random search tries 9');
    assert.ok(n.randomBest >= n.gridBest, `mean best: random ${n.randomBest}, grid ${n.gridBest}`);
  },
};

test('npm run papers: every preset of the demo\'s reading list holds at the page\'s sizes (data-init: its documented negative, rates equalised)', () => {
  const r = spawnSync(process.execPath, [bin, 'reproduce', 'all', '--page', '--json'], { encoding: 'utf8', maxBuffer: 64 << 20 });
  assert.equal(r.status, 0, `exit ${r.status}: ${r.stderr.split('\n').slice(-20).join('\n')}`);
  const out = JSON.parse(r.stdout);
  assert.equal(out.page, true);
  assert.deepEqual(out.results.map((x) => x.name), Object.keys(CHECKS), 'every reproduction, in the reading list\'s order');
  for (const result of out.results) {
    console.log(`${result.name}: ${result.holds ? 'holds' : 'does not hold'}: ${result.verdict} (${result.seconds.toFixed(1)} s; ${JSON.stringify(result.sizes)}) ${JSON.stringify(result.numbers)}`);
    assert.ok(result.tables[0].rows.length > 0, `${result.name}: a table`);
    CHECKS[result.name](result.numbers);
    assert.equal(result.holds, result.name !== 'data-init', `${result.name}: ${result.verdict}`);
  }
});

test('reproduce refuses an unknown paper and a size it does not have, with the list (exit 2)', () => {
  for (const [args, message] of [[['saxe2'], /unknown reproduction "saxe2"; known: glorot, he, saxe, lsuv, random-walk, data-init, fixup, lottery, simonyan, goodfellow, smith, bergstra, all/],
    [['fixup', '--size', 'depth=3'], /--size depth=3: depth is not a size of fixup/]]) {
    const r = spawnSync(process.execPath, [bin, 'reproduce', ...args], { encoding: 'utf8' });
    assert.equal(r.status, 2);
    assert.match(r.stderr, message);
  }
});
