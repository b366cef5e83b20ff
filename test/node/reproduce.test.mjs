// The reading list's reproductions (npm run reproduce -- NAME) on small setups: each prints its
// table and the paper's direction holds (Glorot's small weights collapse and 0.05 saturates; He's
// kaiming keeps the std where 1/sqrt(Din) halves the variance per layer; Saxe's Gaussian deep
// linear nets slow with depth where orthogonal ones do not; the random-walk gain drifts least;
// LSUV puts Var(Z) at 1; a lottery ticket at 64% matches the full net and beats a random
// re-init; Fixup learns where kaiming without norm blows up; data-init equalises the change
// rates); the measured numbers are printed. The full-size runs are in the README, not here.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const bin = fileURLToPath(new URL('../../bin/initscope.mjs', import.meta.url));
const reproduce = (...args) => {
  const r = spawnSync(process.execPath, [bin, 'reproduce', ...args, '--json'], { encoding: 'utf8', maxBuffer: 64 << 20 });
  assert.ok(r.status === 0 || r.status === 1, `exit ${r.status}: ${r.stderr}`);
  return { status: r.status, out: JSON.parse(r.stdout) };
};

for (const [name, sizes, check] of [
  ['he', [], (n) => assert.ok(Math.abs(n.xavierRatio - Math.SQRT1_2) < 0.05, `xavier: std x${n.xavierRatio} per layer`)],
  ['lsuv', ['--size', 'layers=6'], (n) => assert.ok(n.lsuvWorst < 0.1, `|Var(Z) - 1| <= ${n.lsuvWorst}`)],
  ['glorot', [], (n) => {
    assert.ok(n.smallStd < 0.1, `small: layer 6 std ${n.smallStd}`);
    assert.ok(n.largeSaturated > 0.2, `0.05: ${n.largeSaturated} saturated`);
  }],
  ['saxe', ['--size', 'depth=16', '--size', 'width=32'], (n) => {
    assert.ok(n.gaussianGrowth > 1.5, `Gaussian: steps x${n.gaussianGrowth} from depth 2 to 16`);
    assert.ok(n.orthogonalGrowth <= 1.5, `orthogonal: steps x${n.orthogonalGrowth}`);
  }],
  ['random-walk', ['--size', 'seeds=4'], (n) => {
    for (const a of ['linear', 'relu']) {
      const drift = (init) => Math.abs(n[`${a}/${init}`]);
      assert.ok(drift('random_walk') < drift('xavier') && drift('random_walk') < drift('kaiming'), `${a}: the paper's gain drifts least`);
    }
  }],
  ['lottery', ['--size', 'rounds=2', '--size', 'steps=100', '--size', 'checks=2'], (n) => {
    assert.ok(n.left2 < 0.65, `${n.left2} of the weights left after 2 rounds`);
    assert.ok(n.ticket2 >= n.ticket0 - 0.01, `the ticket ${n.ticket2} matches the full net ${n.ticket0}`);
    assert.ok(n.ticket2 > n.random2, `the ticket ${n.ticket2} beats the random re-init ${n.random2}`);
  }],
  ['fixup', ['--size', 'blocks=16', '--size', 'steps=100'], (n) => {
    assert.ok(n.fixupTest > 0.8, `Fixup learns: test ${n.fixupTest}`);
    assert.ok(n.kaimingGrowth > 1.3, `kaiming: block std x${n.kaimingGrowth} per block`);
    assert.ok(!(n.kaimingTest > n.fixupTest - 0.2), `kaiming without norm falls behind or diverges: ${n.kaimingTest}`);
  }],
]) {
  test(`reproduce ${name} ${sizes.join(' ')}: the paper's direction holds`, () => {
    const { status, out } = reproduce(name, ...sizes);
    const [result] = out.results;
    console.log(`${name}: ${result.verdict} (${result.seconds.toFixed(1)} s) ${JSON.stringify(result.numbers)}`);
    assert.equal(result.name, name);
    assert.ok(result.tables[0].rows.length > 0, 'a table');
    check(result.numbers);
    assert.equal(result.holds, true, result.verdict);
    assert.equal(status, 0);
  });
}

// data-init: the change rates equalise (the method's own step); its early-training claim does not
// hold in this engine's runs (README, Reading list), so only the first part is asserted.
test('reproduce data-init --size layers=6 width=64 steps=60: the change rates equalise across layers', () => {
  const { out } = reproduce('data-init', '--size', 'layers=6', '--size', 'width=64', '--size', 'steps=60');
  const [result] = out.results;
  const n = result.numbers;
  console.log(`data-init: ${result.verdict} (${result.seconds.toFixed(1)} s) ${JSON.stringify(n)}`);
  for (const a of ['tanh', 'relu']) {
    assert.ok(n[`${a}/data/spread`] < 2, `${a}: data-init's spread of change rates ${n[`${a}/data/spread`]}`);
    assert.ok(n[`${a}/data/spread`] < Math.min(n[`${a}/xavier/spread`], n[`${a}/kaiming/spread`]) / 4, `${a}: flatter than xavier's and kaiming's`);
  }
});

test('reproduce refuses an unknown paper and a size it does not have, with the list (exit 2)', () => {
  for (const [args, message] of [[['saxe2'], /unknown reproduction "saxe2"; known: glorot, he, saxe, lsuv, random-walk, data-init, fixup, lottery, all/],
    [['fixup', '--size', 'depth=3'], /--size depth=3: depth is not a size of fixup/]]) {
    const r = spawnSync(process.execPath, [bin, 'reproduce', ...args], { encoding: 'utf8' });
    assert.equal(r.status, 2);
    assert.match(r.stderr, message);
  }
});
