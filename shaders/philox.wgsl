// Philox4x32-10 (Salmon et al. 2011, "Parallel random numbers: as easy as 1, 2, 3"): four 32-bit
// outputs of a 128-bit counter under a 64-bit key, no state. Included by rng.wgsl (initialisation)
// and dropout.wgsl (masks); src/reference/rng.ts is its float64/integer reference.

// High 32 bits of a 32x32-bit product; WGSL has no mulhi.
fn mulhi32(a: u32, b: u32) -> u32 {
  let a_lo = a & 0xffffu;
  let a_hi = a >> 16u;
  let b_lo = b & 0xffffu;
  let b_hi = b >> 16u;
  let lo_lo = a_lo * b_lo;
  let lo_hi = a_lo * b_hi;
  let hi_lo = a_hi * b_lo;
  let cross = (lo_lo >> 16u) + (lo_hi & 0xffffu) + (hi_lo & 0xffffu);
  return a_hi * b_hi + (lo_hi >> 16u) + (hi_lo >> 16u) + (cross >> 16u);
}

fn philox4x32_10(counter: vec4<u32>, key: vec2<u32>) -> vec4<u32> {
  var c = counter;
  var k = key;
  for (var round = 0u; round < 10u; round++) {
    let hi0 = mulhi32(0xD2511F53u, c.x);
    let lo0 = 0xD2511F53u * c.x;
    let hi1 = mulhi32(0xCD9E8D57u, c.z);
    let lo1 = 0xCD9E8D57u * c.z;
    c = vec4<u32>(hi1 ^ c.y ^ k.x, lo1, hi0 ^ c.w ^ k.y, lo0);
    k = k + vec2<u32>(0x9E3779B9u, 0xBB67AE85u);
  }
  return c;
}

