// Float64 reference of the within-layer step of data-dependent initialisation (Krähenbühl et al.
// 2015, as issue 18 states it) for a net of dense layers: layer by layer, Z = A W + b on the batch,
// each column scaled to mean 0 and variance 1 (W[:, j] /= s_j, b_j = (b_j - m_j) / s_j), then
// A = f(Z) of the new Z feeds the next layer.
import { activate, type ReferenceActivationName } from './activations';
import { matmul } from './mlp';

/** One dense layer for the reference: W (din x units, row-major), b, and its activation. */
export interface ReferenceDenseLayer { din: number; units: number; W: ArrayLike<number>; b: ArrayLike<number>; activation: { name: ReferenceActivationName; param: number } }

/** The layers' W and b after the within-layer step on input X (batch rows). */
export function referenceDataInitWithin(layers: ReferenceDenseLayer[], batch: number, X: ArrayLike<number>): Array<{ W: Float64Array; b: Float64Array }> {
  let input = Float64Array.from(X);
  return layers.map((layer) => {
    const W = Float64Array.from(layer.W);
    const b = Float64Array.from(layer.b);
    const Z = matmul(input, W, batch, layer.din, layer.units);
    for (let j = 0; j < layer.units; j++) {
      let mean = 0;
      for (let r = 0; r < batch; r++) mean += Z[r * layer.units + j] + b[j];
      mean /= batch;
      let variance = 0;
      for (let r = 0; r < batch; r++) variance += (Z[r * layer.units + j] + b[j] - mean) ** 2;
      const std = Math.sqrt(variance / batch);
      for (let k = 0; k < layer.din; k++) W[k * layer.units + j] /= std;
      b[j] = (b[j] - mean) / std;
    }
    const out = matmul(input, W, batch, layer.din, layer.units);
    input = out.map((z, i) => activate(layer.activation.name, z + b[i % layer.units], layer.activation.param));
    return { W, b };
  });
}
