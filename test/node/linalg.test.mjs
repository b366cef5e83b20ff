// The reproductions' singular values (src/reproduce/linalg.ts, saxe's table of the product of the
// W's): against matrices built with known singular values, U diag(s) V^T from Householder
// reflections of random vectors, tall and square, with a repeated and a zero value.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { singularValues } from '../../dist/testing.js';
import { random } from './helpers.mjs';

/** I - 2 v v^T / |v|^2, n x n, row-major. */
function householder(v) {
  const n = v.length;
  const norm2 = v.reduce((s, x) => s + x * x, 0);
  return Array.from({ length: n * n }, (_, k) => (Math.floor(k / n) === k % n ? 1 : 0) - (2 * v[Math.floor(k / n)] * v[k % n]) / norm2);
}
const matmul = (A, B, n, k, m) => Array.from({ length: n * m }, (_, idx) => {
  let s = 0;
  for (let t = 0; t < k; t++) s += A[Math.floor(idx / m) * k + t] * B[t * m + (idx % m)];
  return s;
});

for (const [n, m, s] of [[7, 5, [5, 3, 2, 1, 0.5]], [6, 6, [4, 4, 2, 1, 0.25, 0]], [3, 1, [2.5]]]) {
  test(`singularValues of a ${n} x ${m} matrix with singular values ${s.join(', ')}`, () => {
    const U = householder(Array.from(random(n, 11 + n, 1)));
    const V = householder(Array.from(random(m, 29 + m, 1)));
    const S = Array.from({ length: n * m }, (_, k) => (Math.floor(k / m) === k % m ? s[k % m] : 0));
    const A = matmul(matmul(U, S, n, n, m), V, n, m, m);
    const got = singularValues(A, n, m);
    assert.equal(got.length, m);
    // Through the Gram matrix A^T A a zero singular value comes back as the square root of its
    // rounding (about sqrt(1e-16) of the largest); the others to 1e-9 of the largest.
    got.forEach((g, i) => assert.ok(Math.abs(g - s[i]) < (s[i] === 0 ? 1e-7 : 1e-9) * s[0], `sigma ${i}: ${g} vs ${s[i]}`));
  });
}
