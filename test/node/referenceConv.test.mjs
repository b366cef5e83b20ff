// The float64 conv and pool references checked on their own: a hand-computed case and central
// finite differences of L = sum(Z * G), so the kernels' tests compare with something proven.
import test from 'node:test';
import assert from 'node:assert/strict';
import { referenceChannelNormBackward, referenceChannelNormForward, referenceConvBackward, referenceConvForward, referencePoolBackward, referencePoolForward } from 'initscope/reference';
import { assertClose, random } from './helpers.mjs';

test('conv reference by hand: 1 x 3 x 3 input, a 2 x 2 filter, padding 1, stride 2', () => {
  const s = { batch: 1, cin: 1, h: 3, w: 3, cout: 1, kh: 2, kw: 2, stride: 2, padding: 1 };
  // Padded input rows: 0 0 0 0 0 / 0 1 2 3 0 / 0 4 5 6 0 / 0 7 8 9 0 / 0 0 0 0 0; windows at (0,0), (0,2), (2,0), (2,2).
  const Z = referenceConvForward(s, [1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 10, 100, 1000], [0.5]);
  assert.deepEqual(Array.from(Z), [1000 * 1 + 0.5, 100 * 2 + 1000 * 3 + 0.5, 10 * 4 + 1000 * 7 + 0.5, 1 * 5 + 10 * 6 + 100 * 8 + 1000 * 9 + 0.5]);
});

const loss = (Z, G) => Z.reduce((sum, z, i) => sum + z * G[i], 0);

function finiteDifference(f, x, i, h = 1e-6) {
  const plus = Float64Array.from(x); plus[i] += h;
  const minus = Float64Array.from(x); minus[i] -= h;
  return (f(plus) - f(minus)) / (2 * h);
}

for (const s of [
  { batch: 2, cin: 3, h: 7, w: 6, cout: 4, kh: 3, kw: 2, stride: 2, padding: 1 },
  { batch: 1, cin: 1, h: 5, w: 5, cout: 2, kh: 5, kw: 5, stride: 1, padding: 2 },
]) {
  test(`conv reference gradients equal finite differences (${JSON.stringify(s)})`, () => {
    const X = Float64Array.from(random(s.batch * s.cin * s.h * s.w, 1, 1));
    const W = Float64Array.from(random(s.cout * s.cin * s.kh * s.kw, 2, 0.5));
    const b = Float64Array.from(random(s.cout, 3, 0.5));
    const Z = referenceConvForward(s, X, W, b);
    const G = Float64Array.from(random(Z.length, 4, 1));
    const { dX, dW, db } = referenceConvBackward(s, X, W, G);
    const numeric = (f, x) => Float64Array.from(x, (_, i) => finiteDifference(f, x, i));
    assertClose('dX', dX, numeric((x) => loss(referenceConvForward(s, x, W, b), G), X), 1e-7, 1e-6);
    assertClose('dW', dW, numeric((w) => loss(referenceConvForward(s, X, w, b), G), W), 1e-7, 1e-6);
    assertClose('db', db, numeric((bb) => loss(referenceConvForward(s, X, W, bb), G), b), 1e-7, 1e-6);
  });
}

test('pool references: values by hand, gradients equal finite differences, max ties go to the first', () => {
  const s = { batch: 1, c: 1, h: 4, w: 5, size: 2, stride: 2 };
  const X = [1, 2, 3, 4, 99, 5, 6, 7, 8, 99, 9, 10, 11, 12, 99, 13, 14, 15, 16, 99];
  assert.deepEqual(Array.from(referencePoolForward('max', s, X)), [6, 8, 14, 16]);
  assert.deepEqual(Array.from(referencePoolForward('avg', s, X)), [3.5, 5.5, 11.5, 13.5]);
  const ties = referencePoolBackward('max', { batch: 1, c: 1, h: 2, w: 2, size: 2, stride: 2 }, [3, 3, 3, 3], [1]);
  assert.deepEqual(Array.from(ties), [1, 0, 0, 0]);
  for (const shape of [{ batch: 2, c: 3, h: 7, w: 6, size: 3, stride: 2 }, { batch: 1, c: 2, h: 6, w: 6, size: 2, stride: 2 }]) {
    const x = Float64Array.from(random(shape.batch * shape.c * shape.h * shape.w, 5, 1));
    for (const kind of ['max', 'avg']) {
      const Y = referencePoolForward(kind, shape, x);
      const G = Float64Array.from(random(Y.length, 6, 1));
      const dX = referencePoolBackward(kind, shape, x, G);
      const numeric = Float64Array.from(x, (_, i) => finiteDifference((v) => loss(referencePoolForward(kind, shape, v), G), x, i));
      assertClose(`${kind} pool dX`, dX, numeric, 1e-7, 1e-6);
    }
  }
});

test('channel norm references (BatchNorm2d, one-group GroupNorm): dZ, dgamma, dbeta equal finite differences', () => {
  const [batch, channels, plane] = [3, 4, 5];
  const Z = Float64Array.from(random(batch * channels * plane, 7, 1));
  const gamma = Float64Array.from(random(channels, 8, 1));
  const beta = Float64Array.from(random(channels, 9, 1));
  const G = Float64Array.from(random(Z.length, 10, 1));
  for (const kind of ['batch', 'layer']) {
    const norm = (g = gamma, b = beta) => ({ kind, gamma: g, beta: b, runningMean: new Float64Array(channels), runningVar: new Float64Array(channels).fill(1) });
    const y = (z, g, b) => loss(referenceChannelNormForward(norm(g, b), z, batch, channels, plane).y, G);
    const fwd = referenceChannelNormForward(norm(), Z, batch, channels, plane);
    const { dZ, dgamma, dbeta } = referenceChannelNormBackward(norm(), fwd, G, batch, channels, plane);
    const numeric = (f, x) => Float64Array.from(x, (_, i) => finiteDifference(f, x, i));
    assertClose(`${kind} dZ`, dZ, numeric((z) => y(z, gamma, beta), Z), 1e-6, 1e-5);
    assertClose(`${kind} dgamma`, dgamma, numeric((g) => y(Z, g, beta), gamma), 1e-6, 1e-5);
    assertClose(`${kind} dbeta`, dbeta, numeric((b) => y(Z, gamma, b), beta), 1e-6, 1e-5);
    // Normalised per group: a batch norm's channel (over batch and positions) or a group norm's example has mean 0, variance ~1.
    const first = kind === 'batch' ? Array.from({ length: batch * plane }, (_, i) => Math.floor(i / plane) * channels * plane + (i % plane)) : Array.from({ length: channels * plane }, (_, i) => i);
    const mean = first.reduce((s, i) => s + fwd.xhat[i], 0) / first.length;
    assert.ok(Math.abs(mean) < 1e-9, `${kind}: mean of xhat ${mean}`);
  }
});
