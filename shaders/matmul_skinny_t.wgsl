// Skinny transposed matmul family (the lecture's dX = dZ W^T: batch <= 32 rows against a
// 4096 x 4096 W read along its rows). dZ = dA * f'(Z) comes from the dz prologue into shared
// memory, four consecutive k per vec4; each thread owns one output column n, i.e. one row of W,
// and reads it as vec4s (two per step: a whole 32-byte sector), so W is streamed once.
//   dZ: [M x K] (K = units * MAXOUT_K, K % 4 == 0) from dA and Z in the arena
//   W:  [N x K] row-major (the layer's [Din x cols] weights), vec4 view
//   out: partial sums [splits x M x N]; epilogue.wgsl sums them into dA_{l-1}
//   dispatch: (ceil(N / 64), splits, 1), workgroup 64; workgroup y is the split of k.

struct SkinnyTParams {
  M: u32, N: u32, K: u32, k_per_split: u32,
  da_off: u32, z_off: u32, alpha_off: u32, units: u32,
  slope: f32, _pad0: u32, _pad1: u32, _pad2: u32,
}

@group(0) @binding(0) var<uniform> params: SkinnyTParams;
@group(0) @binding(1) var<storage, read> act: array<f32>;
@group(0) @binding(2) var<storage, read> w: array<vec4<f32>>;
@group(0) @binding(3) var<storage, read_write> out: array<f32>;
@group(0) @binding(4) var<storage, read> small: array<f32>;

const ACT: u32 = ${ACT}u;
const MAXOUT_K: u32 = ${MAXOUT_K}u;
const ROWS: u32 = ${ROWS}u;
const K_CHUNK: u32 = ${K_CHUNK}u;

var<workgroup> dz_tile: array<vec4<f32>, ROWS * K_CHUNK / 4u>;

@compute @workgroup_size(64)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let n = wid.x * 64u + lid;
  let k_begin = wid.y * params.k_per_split;
  let k_end = min(params.K, k_begin + params.k_per_split);
  let row_quads = params.K / 4u;
  var acc: array<f32, ROWS>;
  for (var k0 = k_begin; k0 < k_end; k0 += K_CHUNK) {
    let k_count = min(K_CHUNK, k_end - k0);
    for (var i = lid; i < ROWS * K_CHUNK; i += 64u) {
      let m = i / K_CHUNK;
      let kk = i % K_CHUNK;
      var v = 0.0;
      if (m < params.M && kk < k_count) {
        v = dz_at(params.da_off, params.z_off, params.alpha_off, params.units, params.slope, m, k0 + kk);
      }
      dz_tile[i / 4u][i % 4u] = v;
    }
    workgroupBarrier();
    if (n < params.N) {
      let row = n * row_quads + k0 / 4u;
      var q = 0u;
      for (; q + 2u <= k_count / 4u; q += 2u) {
        let w0 = w[row + q];
        let w1 = w[row + q + 1u];
        for (var m = 0u; m < ROWS; m++) {
          let t = m * (K_CHUNK / 4u) + q;
          acc[m] += dot(dz_tile[t], w0) + dot(dz_tile[t + 1u], w1);
        }
      }
      for (; q < k_count / 4u; q++) {
        let wq = w[row + q];
        for (var m = 0u; m < ROWS; m++) { acc[m] += dot(dz_tile[m * (K_CHUNK / 4u) + q], wq); }
      }
    }
    workgroupBarrier();
  }
  if (n >= params.N) { return; }
  for (var m = 0u; m < params.M; m++) {
    out[(wid.y * params.M + m) * params.N + n] = acc[m];
  }
}
