// Bias and PReLU gradient family: db[c] = sum over rows of dZ[m, c] (dZ from the dz prologue,
// never stored), dalpha[j] = sum over rows of (Z[m, j] > 0 ? 0 : Z[m, j]) * dA[m, j].
//   dA: [rows x units], Z: [rows x units * MAXOUT_K]; db: [units * MAXOUT_K] at db_off,
//   dalpha: [units] at dalpha_off, both in the arena.
//   dispatch: one thread per unit, workgroup 256, folded into 2-D past 65535 workgroups.

struct BiasGradParams {
  rows: u32, units: u32, da_off: u32, z_off: u32,
  alpha_off: u32, db_off: u32, dalpha_off: u32, slope: f32,
}

@group(0) @binding(0) var<uniform> params: BiasGradParams;
@group(0) @binding(1) var<storage, read_write> act: array<f32>;
@group(0) @binding(2) var<storage, read> small: array<f32>;

const ACT: u32 = ${ACT}u;
const MAXOUT_K: u32 = ${MAXOUT_K}u;

@compute @workgroup_size(256)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) lid: u32) {
  let j = (wid.x + wid.y * nwg.x) * 256u + lid;
  if (j >= params.units) { return; }
#if ${HAS_BIAS}
  for (var piece = 0u; piece < MAXOUT_K; piece++) {
    let c = j * MAXOUT_K + piece;
    var sum = 0.0;
    for (var m = 0u; m < params.rows; m++) {
      sum += dz_at(params.da_off, params.z_off, params.alpha_off, params.units, params.slope, m, c);
    }
    act[params.db_off + c] = sum;
  }
#endif
  if (ACT == 5u) {
    var dalpha = 0.0;
    for (var m = 0u; m < params.rows; m++) {
      let z = act[params.z_off + m * params.units + j];
      dalpha += select(z, 0.0, z > 0.0) * act[params.da_off + m * params.units + j];
    }
    act[params.dalpha_off + j] = dalpha;
  }
}
