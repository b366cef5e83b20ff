// The singular values of a small row-major matrix, in float64 on the CPU, for the reproductions'
// tables (cyclic Jacobi on its Gram matrix).

/** The singular values of A (n x m, row-major), largest first: square roots of the eigenvalues of
 *  A^T A, found by cyclic Jacobi rotations until the off-diagonal part is below 1e-12 of the whole. */
export function singularValues(A: ArrayLike<number>, n: number, m: number): number[] {
  const G = new Float64Array(m * m);
  for (let i = 0; i < m; i++) for (let j = 0; j < m; j++) {
    let s = 0;
    for (let r = 0; r < n; r++) s += A[r * m + i] * A[r * m + j];
    G[i * m + j] = s;
  }
  const total = G.reduce((s, v) => s + v * v, 0);
  for (let sweep = 0; sweep < 50; sweep++) {
    let off = 0;
    for (let p = 0; p < m; p++) for (let q = p + 1; q < m; q++) off += 2 * G[p * m + q] ** 2;
    if (off <= 1e-24 * total) break;
    for (let p = 0; p < m; p++) {
      for (let q = p + 1; q < m; q++) {
        const apq = G[p * m + q];
        if (apq === 0) continue;
        const theta = (G[q * m + q] - G[p * m + p]) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < m; k++) {
          const gkp = G[k * m + p];
          const gkq = G[k * m + q];
          G[k * m + p] = c * gkp - s * gkq;
          G[k * m + q] = s * gkp + c * gkq;
        }
        for (let k = 0; k < m; k++) {
          const gpk = G[p * m + k];
          const gqk = G[q * m + k];
          G[p * m + k] = c * gpk - s * gqk;
          G[q * m + k] = s * gpk + c * gqk;
        }
      }
    }
  }
  return Array.from({ length: m }, (_, i) => Math.sqrt(Math.max(0, G[i * m + i]))).sort((a, b) => b - a);
}
