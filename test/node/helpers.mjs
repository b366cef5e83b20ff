// Shared by the Node tests: deterministic non-zero random inputs, the comparison every GPU result
// is held to (design.md section 5), and a net with random parameters beside its float64 twin.
import assert from 'node:assert/strict';
import { referenceActivation } from 'initscope/reference';
import { poisonForTesting } from '../../dist/testing.js';

/** The tests' inputs: n non-zero numbers in [-scale, scale] from a seed (src/reference/testValues.ts). */
import { nonZeroRandom as random } from 'initscope/reference';
export { random };

/** Element by element |got - ref| <= atol + rtol * |ref|; NaN only matches NaN, an infinity only
 *  the same infinity (design.md section 5). */
export function assertClose(name, got, ref, atol, rtol) {
  assert.equal(got.length, ref.length, `${name}: length`);
  for (let i = 0; i < ref.length; i++) {
    const g = got[i];
    const r = ref[i];
    const bound = atol + rtol * Math.abs(r);
    const ok = Number.isNaN(r) || Number.isNaN(g) ? Number.isNaN(r) && Number.isNaN(g)
      : !Number.isFinite(r) || !Number.isFinite(g) ? g === r
        : Math.abs(g - r) <= bound;
    if (!ok) assert.fail(`${name}[${i}]: got ${g}, reference ${r} (bound ${bound})`);
  }
}

/** A net with random non-zero W (scale 1.5/sqrt(Din)), b (0.2) and PReLU alpha (0.005..0.5) set on
 *  the GPU, its outputs poisoned, and the same net for the float64 reference (with a fresh norm's gamma 1, beta 0 and
 *  running estimates 0 and 1). */
export async function randomNet(engine, { dims, batch, activation = 'tanh', output = 'linear', norm = 'none', seed = 10 }) {
  const net = engine.createMLP({ dims, batch, activation, output, bias: true, norm });
  const act = referenceActivation(activation);
  const out = referenceActivation(output);
  const W = [], b = [], alpha = [];
  for (let l = 0; l < dims.length - 1; l++) {
    const prelu = (l === dims.length - 2 ? out : act).name === 'prelu';
    W.push(random(dims[l] * dims[l + 1], seed + l, 1.5 / Math.sqrt(dims[l])));
    b.push(random(dims[l + 1], seed + 100 + l, 0.2));
    alpha.push(prelu ? random(dims[l + 1], seed + 200 + l, 0.5).map(Math.abs) : new Float32Array(0));
    await net.setParameters(l, { W: W[l], b: b[l], ...(prelu ? { alpha: alpha[l] } : {}) });
  }
  // Every output a pass writes starts as NaN, so an element a kernel never wrote fails the comparison.
  await poisonForTesting(net);
  const units = dims.slice(1, -1);
  const normRef = norm === 'none' ? undefined : {
    kind: norm, gamma: units.map((u) => new Float64Array(u).fill(1)), beta: units.map((u) => new Float64Array(u)),
    ...(norm === 'batch' ? { runningMean: units.map((u) => new Float64Array(u)), runningVar: units.map((u) => new Float64Array(u).fill(1)) } : {}),
  };
  return { net, ref: { dims, batch, activation: act, output: out, W, b, alpha, ...(normRef ? { norm: normRef } : {}) } };
}
