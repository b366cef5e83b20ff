// The reading list's reproductions (npm run reproduce -- NAME) on small setups: each prints its
// table and the paper's direction holds (Fixup learns where kaiming without norm blows up; He's
// kaiming keeps the std where 1/sqrt(Din) halves the variance per layer; LSUV puts Var(Z) at 1);
// the measured numbers are printed. The full-size runs are in the README, not here.
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

test('reproduce refuses an unknown paper and a size it does not have, with the list (exit 2)', () => {
  for (const [args, message] of [[['saxe2'], /unknown reproduction "saxe2"; known: glorot, he, saxe, lsuv, random-walk, data-init, fixup, lottery, all/],
    [['fixup', '--size', 'depth=3'], /--size depth=3: depth is not a size of fixup/]]) {
    const r = spawnSync(process.execPath, [bin, 'reproduce', ...args], { encoding: 'utf8' });
    assert.equal(r.status, 2);
    assert.match(r.stderr, message);
  }
});
