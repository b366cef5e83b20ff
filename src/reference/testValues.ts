// The deterministic inputs every test draws (Node and browser alike): non-zero, so a kernel that
// skips an element or reads a zeroed buffer cannot pass by accident.

/** n numbers in [-scale, scale] with |x| >= scale / 100 (never zero), from a 32-bit seed. */
export function nonZeroRandom(n: number, seed: number, scale = 1): Float32Array {
  let s = seed >>> 0;
  return Float32Array.from({ length: n }, () => {
    s = (Math.imul(s ^ (s >>> 15), 2246822507) + 0x6d2b79f5) >>> 0;
    s = (s ^ (s >>> 13)) >>> 0;
    return ((s & 1) ? 1 : -1) * (0.01 + 0.99 * ((s >>> 8) / 16777216)) * scale;
  });
}
