// Float64 reference of convolution and pooling, in PyTorch's layout (design.md section 9):
//   X: [batch x Cin x H x W], W: [Cout x Cin x kh x kw], b: [Cout], Z: [batch x Cout x Ho x Wo],
//   all row-major; Ho = floor((H + 2 padding - kh) / stride) + 1 (Wo alike); zero padding.
//   Pooling: windows of size x size every `stride`, no padding; max sends the gradient to the first
//   arg-max of its window (in row-major window order, as PyTorch's max_pool2d does).
// Written from the definitions, loop by loop; it shares nothing with the engine's kernels.

/** A conv layer's shape for the reference. */
export interface ReferenceConvShape {
  batch: number;
  cin: number; h: number; w: number;
  cout: number; kh: number; kw: number;
  stride: number; padding: number;
}

/** Output height and width of a window sliding over h x w (design.md section 9). */
export function referenceOutputSize(h: number, w: number, kh: number, kw: number, stride: number, padding: number): [number, number] {
  return [Math.floor((h + 2 * padding - kh) / stride) + 1, Math.floor((w + 2 * padding - kw) / stride) + 1];
}

/** Calls f(n, co, oy, ox, ci, ky, kx, iy, ix) for every product that Z[n, co, oy, ox] sums (padding skipped). */
function eachProduct(s: ReferenceConvShape, f: (zIndex: number, wIndex: number, xIndex: number, co: number) => void): void {
  const [ho, wo] = referenceOutputSize(s.h, s.w, s.kh, s.kw, s.stride, s.padding);
  for (let n = 0; n < s.batch; n++) {
    for (let co = 0; co < s.cout; co++) {
      for (let oy = 0; oy < ho; oy++) {
        for (let ox = 0; ox < wo; ox++) {
          const z = ((n * s.cout + co) * ho + oy) * wo + ox;
          for (let ci = 0; ci < s.cin; ci++) {
            for (let ky = 0; ky < s.kh; ky++) {
              const iy = oy * s.stride - s.padding + ky;
              if (iy < 0 || iy >= s.h) continue;
              for (let kx = 0; kx < s.kw; kx++) {
                const ix = ox * s.stride - s.padding + kx;
                if (ix < 0 || ix >= s.w) continue;
                f(z, ((co * s.cin + ci) * s.kh + ky) * s.kw + kx, ((n * s.cin + ci) * s.h + iy) * s.w + ix, co);
              }
            }
          }
        }
      }
    }
  }
}

/** Z = conv(X, W) + b, in float64. */
export function referenceConvForward(s: ReferenceConvShape, X: ArrayLike<number>, W: ArrayLike<number>, b?: ArrayLike<number>): Float64Array {
  const [ho, wo] = referenceOutputSize(s.h, s.w, s.kh, s.kw, s.stride, s.padding);
  const Z = new Float64Array(s.batch * s.cout * ho * wo);
  if (b) for (let i = 0; i < Z.length; i++) Z[i] = b[Math.floor(i / (ho * wo)) % s.cout];
  eachProduct(s, (z, w, x) => { Z[z] += X[x] * W[w]; });
  return Z;
}

/** dL/dX, dL/dW, dL/db of Z = conv(X, W) + b given dL/dZ, in float64. */
export function referenceConvBackward(s: ReferenceConvShape, X: ArrayLike<number>, W: ArrayLike<number>, dZ: ArrayLike<number>):
  { dX: Float64Array; dW: Float64Array; db: Float64Array } {
  const dX = new Float64Array(s.batch * s.cin * s.h * s.w);
  const dW = new Float64Array(s.cout * s.cin * s.kh * s.kw);
  const db = new Float64Array(s.cout);
  const [ho, wo] = referenceOutputSize(s.h, s.w, s.kh, s.kw, s.stride, s.padding);
  for (let i = 0; i < dZ.length; i++) db[Math.floor(i / (ho * wo)) % s.cout] += dZ[i];
  eachProduct(s, (z, w, x) => {
    dX[x] += dZ[z] * W[w];
    dW[w] += dZ[z] * X[x];
  });
  return { dX, dW, db };
}

/** A pooling layer's shape for the reference. */
export interface ReferencePoolShape { batch: number; c: number; h: number; w: number; size: number; stride: number }

/** Max or average pooling forward, in float64. */
export function referencePoolForward(kind: 'max' | 'avg', s: ReferencePoolShape, X: ArrayLike<number>): Float64Array {
  const [ho, wo] = referenceOutputSize(s.h, s.w, s.size, s.size, s.stride, 0);
  const Y = new Float64Array(s.batch * s.c * ho * wo);
  eachWindow(s, ho, wo, (y, xs) => {
    Y[y] = kind === 'max' ? Math.max(...xs.map((i) => X[i])) : xs.reduce((sum, i) => sum + X[i], 0) / xs.length;
  });
  return Y;
}

/** dL/dX of max or average pooling given dL/dY, in float64 (max: to the first arg-max). */
export function referencePoolBackward(kind: 'max' | 'avg', s: ReferencePoolShape, X: ArrayLike<number>, dY: ArrayLike<number>): Float64Array {
  const [ho, wo] = referenceOutputSize(s.h, s.w, s.size, s.size, s.stride, 0);
  const dX = new Float64Array(s.batch * s.c * s.h * s.w);
  eachWindow(s, ho, wo, (y, xs) => {
    if (kind === 'avg') { for (const i of xs) dX[i] += dY[y] / xs.length; return; }
    let arg = xs[0];
    for (const i of xs) if (X[i] > X[arg]) arg = i;
    dX[arg] += dY[y];
  });
  return dX;
}

/** Calls f(y, the input indices of window y in row-major order) for every output y. */
function eachWindow(s: ReferencePoolShape, ho: number, wo: number, f: (y: number, xs: number[]) => void): void {
  for (let nc = 0; nc < s.batch * s.c; nc++) {
    for (let oy = 0; oy < ho; oy++) {
      for (let ox = 0; ox < wo; ox++) {
        const xs: number[] = [];
        for (let ky = 0; ky < s.size; ky++) {
          for (let kx = 0; kx < s.size; kx++) xs.push((nc * s.h + oy * s.stride + ky) * s.w + ox * s.stride + kx);
        }
        f((nc * ho + oy) * wo + ox, xs);
      }
    }
  }
}
