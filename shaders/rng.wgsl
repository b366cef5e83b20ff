// Random initialisation family: fills a buffer region with constants, N(0, std^2) or U(-a, a).
// Generator: philox.wgsl's Philox4x32-10 (Salmon et al., "Parallel random numbers: as easy as 1, 2, 3"),
// counter-based, key = (seed, stream), counter = (index / 4, 0, 0, 0). The element at index i
// depends only on (seed, stream, i), so the same seed gives the same tensor on every adapter
// and in any dispatch order. Uniforms use 24 bits: u = (bits >> 8) * 2^-24 in [0, 1).
// Normals come from Box-Muller on the pairs (u0, u1) and (u2, u3).
//   out:      array<f32>, region [offset, offset + count)
//   dispatch: one thread per 4 elements, workgroup 256, workgroups folded into 2-D when
//             ceil(count / 1024) > 65535 (linear id = wid.x + wid.y * num_workgroups.x).

struct InitParams {
  offset: u32,
  count: u32,
  seed: u32,
  stream: u32,
  mode: u32,   // 0 constant, 1 normal, 2 uniform
  scale: f32,  // std for normal, bound a for uniform
  value: f32,  // constant value
  _pad: u32,
}

@group(0) @binding(0) var<uniform> params: InitParams;
@group(0) @binding(1) var<storage, read_write> out: array<f32>;

fn unit_uniform(bits: u32) -> f32 { return f32(bits >> 8u) * (1.0 / 16777216.0); }

// (cos, sin) of 2 pi t for t in [0, 1). WGSL's built-in sin and cos only promise an absolute
// error of 2^-11, which would make normals differ between adapters in the fourth digit; Taylor
// polynomials on [-pi/2, pi/2] after an exact reduction of t are good to ~1e-7.
fn cos_sin_2pi(t: f32) -> vec2<f32> {
  let q = t - round(t);
  var r = q;
  var cos_sign = 1.0;
  if (abs(q) > 0.25) { r = sign(q) * 0.5 - q; cos_sign = -1.0; }
  let x = 6.283185307179586 * r;
  let x2 = x * x;
  let s = x * (1.0 + x2 * (-1.0 / 6.0 + x2 * (1.0 / 120.0 + x2 * (-1.0 / 5040.0 + x2 * (1.0 / 362880.0 + x2 * (-1.0 / 39916800.0))))));
  let c = 1.0 + x2 * (-0.5 + x2 * (1.0 / 24.0 + x2 * (-1.0 / 720.0 + x2 * (1.0 / 40320.0 + x2 * (-1.0 / 3628800.0 + x2 * (1.0 / 479001600.0))))));
  return vec2<f32>(cos_sign * c, s);
}

// Box-Muller needs u in (0, 1] for the log.
fn box_muller(b0: u32, b1: u32) -> vec2<f32> {
  let u0 = f32((b0 >> 8u) + 1u) * (1.0 / 16777216.0);
  let radius = sqrt(-2.0 * log(u0));
  return radius * cos_sin_2pi(unit_uniform(b1));
}

@compute @workgroup_size(256)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) lid: u32) {
  let group = (wid.x + wid.y * nwg.x) * 256u + lid;
  let first = group * 4u;
  if (first >= params.count) { return; }
  var values: vec4<f32>;
  if (params.mode == 0u) {
    values = vec4<f32>(params.value);
  } else {
    let bits = philox4x32_10(vec4<u32>(group, 0u, 0u, 0u), vec2<u32>(params.seed, params.stream));
    if (params.mode == 1u) {
      values = vec4<f32>(box_muller(bits.x, bits.y), box_muller(bits.z, bits.w)) * params.scale;
    } else {
      let u = vec4<f32>(unit_uniform(bits.x), unit_uniform(bits.y), unit_uniform(bits.z), unit_uniform(bits.w));
      values = (2.0 * u - 1.0) * params.scale;
    }
  }
  for (var j = 0u; j < 4u; j++) {
    if (first + j < params.count) { out[params.offset + first + j] = values[j]; }
  }
}
