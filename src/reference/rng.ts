// Float64/integer reference of shaders/rng.wgsl: Philox4x32-10 and the value mapping.

const M0 = 0xd2511f53;
const M1 = 0xcd9e8d57;
const W0 = 0x9e3779b9;
const W1 = 0xbb67ae85;

function mulhilo(a: number, b: number): [number, number] {
  const product = BigInt(a >>> 0) * BigInt(b >>> 0);
  return [Number(product >> 32n) >>> 0, Number(product & 0xffffffffn) >>> 0];
}

/** Philox4x32-10 (Salmon et al. 2011): four 32-bit outputs of a counter under a key; rng.wgsl's reference. */
export function philox4x32_10(counter: [number, number, number, number], key: [number, number]): [number, number, number, number] {
  let [c0, c1, c2, c3] = counter.map((v) => v >>> 0);
  let [k0, k1] = key.map((v) => v >>> 0);
  for (let round = 0; round < 10; round++) {
    const [hi0, lo0] = mulhilo(M0, c0);
    const [hi1, lo1] = mulhilo(M1, c2);
    [c0, c1, c2, c3] = [(hi1 ^ c1 ^ k0) >>> 0, lo1, (hi0 ^ c3 ^ k1) >>> 0, lo0];
    k0 = (k0 + W0) >>> 0;
    k1 = (k1 + W1) >>> 0;
  }
  return [c0, c1, c2, c3];
}

/** The 24-bit uniforms the kernel derives from element i's Philox output. */
export function uniformsAt(seed: number, stream: number, i: number): number {
  const bits = philox4x32_10([Math.floor(i / 4), 0, 0, 0], [seed, stream])[i % 4];
  return (bits >>> 8) / 16777216;
}

/** Element i of a normal(0, std) tensor, as rng.wgsl computes it but in float64. */
export function normalAt(seed: number, stream: number, i: number, std: number): number {
  const bits = philox4x32_10([Math.floor(i / 4), 0, 0, 0], [seed, stream]);
  const pair = (i % 4) < 2 ? [bits[0], bits[1]] : [bits[2], bits[3]];
  const u0 = ((pair[0] >>> 8) + 1) / 16777216;
  const radius = Math.sqrt(-2 * Math.log(u0));
  const angle = 2 * Math.PI * ((pair[1] >>> 8) / 16777216);
  return std * (i % 2 === 0 ? radius * Math.cos(angle) : radius * Math.sin(angle));
}

/** Element i of a U(-bound, bound) initialisation keyed by (seed, stream), as rng.wgsl makes it. */
export function uniformAt(seed: number, stream: number, i: number, bound: number): number {
  return (2 * uniformsAt(seed, stream, i) - 1) * bound;
}
