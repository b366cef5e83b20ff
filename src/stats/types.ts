/** Counts of a tensor's finite values in equal bins over [lo, hi]. */
export interface Histogram {
  lo: number;
  hi: number;
  counts: number[];
  /** Finite values below lo / above hi (only with a fixed range). */
  underflow: number;
  overflow: number;
}

/** Statistics of one tensor. Moments (mean ... rms) are over the finite entries; NaN and Inf
 *  are counted apart. Fractions are of all `count` entries. */
export interface TensorStats {
  count: number;
  mean: number;
  /** Population standard deviation, like numpy's `.std()`. */
  std: number;
  min: number;
  max: number;
  meanAbs: number;
  rms: number;
  zeroFraction: number;
  /** Fraction of columns (units) that are exactly zero in every row of the batch. */
  deadUnitFraction: number;
  /** Fraction of entries whose unit has |f'(z)| < 1% of the activation's largest slope
   *  (forward tensors only; 0 for gradients and for maxout). */
  saturatedFraction: number;
  nanCount: number;
  infCount: number;
  histogram: Histogram;
}

/** What every layer's record carries: its index in the net's layers, its type and output shape
 *  ([units], or [channels, height, width] after a conv or pool). */
export interface LayerIdentity {
  /** The index in its list: `layers`, or (with `path` [i, j]) a residual block's `layers`. */
  layer: number;
  type: 'dense' | 'conv' | 'maxpool' | 'avgpool' | 'flatten' | 'dropout' | 'residual';
  shape: number[];
  /** [i, j] for the j-th layer of the residual block at i. */
  path?: number[];
}

/** Statistics of one layer after a forward pass: Z (preactivation) and A (activation). A pool or
 *  flatten layer (createNet) reports its activation only (a flatten's is its input's). */
export interface ForwardLayerStats extends LayerIdentity {
  /** A dense or conv layer's Z; a residual block's X + m f(X). */
  preactivation: TensorStats;
  /** After the norm, before the activation (nets with norm 'batch' or 'layer'). */
  normalized?: TensorStats;
  activation: TensorStats;
  /** A residual block's inner layers. */
  layers?: ForwardLayerStats[];
}
/** What `net.forward()` resolves to: per-layer statistics; `gpuTimeMs` is the forward pass's GPU
 *  time (adapters with timestamps), `wallTimeMs` the call's submit-to-readback time (in
 *  forwardBackward, the whole step's, shared with the backward result). */
export interface ForwardResult { layers: ForwardLayerStats[]; gpuTimeMs?: number; wallTimeMs?: number }

/** Statistics of one layer after a backward pass: dL/dW, dL/db, dL/dalpha and dL/d(input). A pool
 *  layer reports inputGrad only, a flatten nothing. */
export interface BackwardLayerStats extends LayerIdentity {
  weightGrad: TensorStats;
  biasGrad?: TensorStats;
  alphaGrad?: TensorStats;
  inputGrad: TensorStats;
  /** Gradients of the norm's gamma and beta (nets with a norm). */
  gammaGrad?: TensorStats;
  betaGrad?: TensorStats;
  /** A residual block's inner layers (the block's own inputGrad sums the branch's and the skip's). */
  layers?: BackwardLayerStats[];
}
/** What `net.backward()` resolves to: per-layer gradient statistics; times as in {@link ForwardResult}
 *  (`gpuTimeMs` of the backward pass alone). */
export interface BackwardResult { layers: BackwardLayerStats[]; gpuTimeMs?: number; wallTimeMs?: number }
