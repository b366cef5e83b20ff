// Shared by the Node tests: deterministic non-zero random inputs and the comparison every GPU
// result is held to (|got - ref| <= atol + rtol * |ref|, element by element).
import assert from 'node:assert/strict';

/** n numbers in [-scale, scale] with |x| >= scale / 100 (never zero), from a 32-bit seed. */
export function random(n, seed, scale) {
  let s = seed >>> 0;
  return Float32Array.from({ length: n }, () => {
    s = (Math.imul(s ^ (s >>> 15), 2246822507) + 0x6d2b79f5) >>> 0;
    s = (s ^ (s >>> 13)) >>> 0;
    return ((s & 1) ? 1 : -1) * (0.01 + 0.99 * ((s >>> 8) / 16777216)) * scale;
  });
}

export function assertClose(name, got, ref, atol, rtol) {
  assert.equal(got.length, ref.length, `${name}: length`);
  for (let i = 0; i < ref.length; i++) {
    const bound = atol + rtol * Math.abs(ref[i]);
    if (!(Math.abs(got[i] - ref[i]) <= bound)) assert.fail(`${name}[${i}]: got ${got[i]}, reference ${ref[i]} (bound ${bound})`);
  }
}
