// Float64 reference of an input gradient (design.md section 10): per row of X, the gradient of a
// class's score S_c, or of the row's own loss (cross-entropy of softmax(S), or the mean squared
// error to the one-hot label), with respect to that row. The layers run as the caller gives them
// (batch norm with mode 'eval' and no dropout mask for inference mode); the loss is per row, so a
// row's gradient is L = sum over rows of Q_r differentiated.
import { referenceLayersBackward, referenceLayersForward, type ReferenceLayer } from './layers';

/** What is differentiated per row: `class` S_c, `cross_entropy` or `mse` of the row with its label. */
export interface ReferenceInputTarget { kind: 'class' | 'cross_entropy' | 'mse'; classes: ArrayLike<number> }

/** dQ_r / dS_r for every row of the scores S (rows x k). */
export function referenceScoreGradient(S: ArrayLike<number>, rows: number, k: number, target: ReferenceInputTarget): Float64Array {
  const G = new Float64Array(rows * k);
  for (let r = 0; r < rows; r++) {
    const y = target.classes[r];
    const s = Array.from({ length: k }, (_, c) => S[r * k + c]);
    if (target.kind === 'class') {
      G[r * k + y] = 1;
    } else if (target.kind === 'mse') {
      s.forEach((v, c) => { G[r * k + c] = (2 / k) * (v - (c === y ? 1 : 0)); });
    } else {
      // softmax from the largest score; dQ/dS_y = p_y - 1 = -(the other classes' p), without cancellation.
      const top = Math.max(...s);
      const e = s.map((v) => Math.exp(v - top));
      const total = e.reduce((a, b) => a + b, 0);
      e.forEach((v, c) => { G[r * k + c] = c === y ? -e.reduce((a, w, j) => (j === y ? a : a + w), 0) / total : v / total; });
    }
  }
  return G;
}

/** dQ_r / dX_r for every row of X (batch rows of the first layer's input). */
export function referenceInputGradient(layers: ReferenceLayer[], batch: number, X: ArrayLike<number>, target: ReferenceInputTarget): Float64Array {
  const fwd = referenceLayersForward(layers, batch, X);
  const S = fwd.A[fwd.A.length - 1];
  const G = referenceScoreGradient(S, batch, S.length / batch, target);
  return referenceLayersBackward(layers, batch, X, fwd, G)[0].dInput;
}
