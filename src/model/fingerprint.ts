// A fingerprint of a training set's rows (features and targets): two 32-bit FNV-1a hashes over
// their bits, so a trainer's checkpoint can tell the rows it was trained on from other rows of the
// same count. Not cryptographic: it guards against a mistake, not an adversary.

/** 16 hex digits naming the bits of `x` and `targets` (the targets as the GPU holds them). */
export function dataFingerprint(x: Float32Array, targets: Float32Array): string {
  let a = 0x811c9dc5;
  let b = 0x01000193 ^ x.length;
  const mix = (values: Float32Array) => {
    const bits = new Uint32Array(values.buffer, values.byteOffset, values.length);
    for (let i = 0; i < bits.length; i++) {
      a = Math.imul(a ^ bits[i], 0x01000193);
      b = Math.imul(b ^ (bits[i] + i), 0x5bd1e995);
      b ^= b >>> 13;
    }
  };
  mix(x);
  mix(targets);
  return (a >>> 0).toString(16).padStart(8, '0') + (b >>> 0).toString(16).padStart(8, '0');
}
