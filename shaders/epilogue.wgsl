// Split-K epilogue family: sums the partial products of matmul.wgsl, adds the bias, writes Z and
// A = act(Z) into the arena; for maxout, A[m, j] = max over the MAXOUT_K pieces of unit j.
// With ACT = linear, no bias and no Z, it is the plain reduction that finishes dX.
//   part: [splits x rows x cols] (cols = units * MAXOUT_K), Z: [rows x cols] at z_off,
//   A: [rows x units] at a_off, bias: [cols] at bias_off, PReLU alpha: [units] at alpha_off
//   dispatch: one thread per (row, unit), workgroup 256, folded into 2-D past 65535 workgroups.

struct EpilogueParams {
  rows: u32, units: u32, splits: u32, z_off: u32,
  a_off: u32, bias_off: u32, alpha_off: u32, slope: f32,
}

@group(0) @binding(0) var<uniform> params: EpilogueParams;
@group(0) @binding(1) var<storage, read_write> act: array<f32>;
@group(0) @binding(2) var<storage, read> part: array<f32>;
@group(0) @binding(3) var<storage, read> small: array<f32>;

const ACT: u32 = ${ACT}u;
const MAXOUT_K: u32 = ${MAXOUT_K}u;

@compute @workgroup_size(256)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) lid: u32) {
  let idx = (wid.x + wid.y * nwg.x) * 256u + lid;
  if (idx >= params.rows * params.units) { return; }
  let m = idx / params.units;
  let j = idx % params.units;
  let cols = params.units * MAXOUT_K;
  let split_stride = params.rows * cols;
  var best = 0.0;
  for (var piece = 0u; piece < MAXOUT_K; piece++) {
    let c = j * MAXOUT_K + piece;
    var z = 0.0;
    for (var s = 0u; s < params.splits; s++) { z += part[s * split_stride + m * cols + c]; }
#if ${HAS_BIAS}
    z += small[params.bias_off + c];
#endif
#if ${WRITE_Z}
    act[params.z_off + m * cols + c] = z;
#endif
    if (piece == 0u || z > best) { best = z; }
  }
  var p = params.slope;
  if (ACT == 5u) { p = small[params.alpha_off + j]; }
  act[params.a_off + idx] = act_f(ACT, best, p);
}
