// dZ store family (CPU adapters): dZ = dA * f'(Z) written once to a scratch buffer, for kernels
// that would otherwise evaluate f' at every use (matmul_outer.wgsl's dW reads each dZ element
// din / 4 times). GPUs keep the dz prologue fused into their matmuls instead.
//   dA: [rows x units] at da_off, Z: [rows x cols] at z_off in the arena, cols = units * MAXOUT_K
//   out: dZ [rows x cols] row-major at offset 0 of `dz_out`
//   dispatch: one thread per element, workgroup 64, folded into 2-D past 65535 workgroups.

struct DzParams {
  rows: u32, cols: u32, units: u32, da_off: u32,
  z_off: u32, alpha_off: u32, slope: f32, _pad: u32,
}

@group(0) @binding(0) var<uniform> params: DzParams;
@group(0) @binding(1) var<storage, read> act: array<f32>;
@group(0) @binding(2) var<storage, read> small: array<f32>;
@group(0) @binding(3) var<storage, read_write> dz_out: array<f32>;

const ACT: u32 = ${ACT}u;
const MAXOUT_K: u32 = ${MAXOUT_K}u;

@compute @workgroup_size(64)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) lid: u32) {
  let i = (wid.x + wid.y * nwg.x) * 64u + lid;
  if (i >= params.rows * params.cols) { return; }
  let m = i / params.cols;
  let c = i % params.cols;
  dz_out[i] = dz_at(params.da_off, params.z_off, params.alpha_off, params.units, params.slope, m, c);
}
