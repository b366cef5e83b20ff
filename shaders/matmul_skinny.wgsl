// Skinny matmul family (the lecture's forward: M = batch <= 32 rows against a 4096 x 4096 W).
// The shape is memory-bound: every W element is used M times, so the kernel streams W once with
// vec4 loads and keeps all M rows of A for its k range in shared memory (broadcast reads).
//   A: [M x K] row-major in the arena at lhs_off;  W: [K x N] row-major (N % 4 == 0), vec4 view
//   out: partial sums [splits x M x N] (epilogue.wgsl adds bias, activation, maxout)
// Workgroup: 64 threads; thread t owns columns n0 + 4t .. n0 + 4t + 3 (a vec4) for all M rows,
// so a workgroup covers 256 columns; workgroup y is the split: k in [y*k_per_split, ...).
//   dispatch: (ceil(N / 256), splits, 1)

struct SkinnyParams {
  M: u32, N: u32, K: u32, k_per_split: u32,
  lhs_off: u32, _pad0: u32, _pad1: u32, _pad2: u32,
}

@group(0) @binding(0) var<uniform> params: SkinnyParams;
@group(0) @binding(1) var<storage, read> act: array<f32>;
@group(0) @binding(2) var<storage, read> w: array<vec4<f32>>;
@group(0) @binding(3) var<storage, read_write> out: array<vec4<f32>>;

const ROWS: u32 = ${ROWS}u;
const K_CHUNK: u32 = ${K_CHUNK}u;

var<workgroup> a_tile: array<f32, ROWS * K_CHUNK>;

@compute @workgroup_size(64)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let quads = params.N / 4u;
  let quad = wid.x * 64u + lid;
  let k_begin = wid.y * params.k_per_split;
  let k_end = min(params.K, k_begin + params.k_per_split);
  var acc: array<vec4<f32>, ROWS>;
  for (var k0 = k_begin; k0 < k_end; k0 += K_CHUNK) {
    let k_count = min(K_CHUNK, k_end - k0);
    for (var i = lid; i < ROWS * K_CHUNK; i += 64u) {
      let m = i / K_CHUNK;
      let kk = i % K_CHUNK;
      var v = 0.0;
      if (m < params.M && kk < k_count) { v = act[params.lhs_off + m * params.K + k0 + kk]; }
      a_tile[i] = v;
    }
    workgroupBarrier();
    if (quad < quads) {
      var kk = 0u;
      for (; kk + 4u <= k_count; kk += 4u) {
        let row = (k0 + kk) * quads + quad;
        let w0 = w[row];
        let w1 = w[row + quads];
        let w2 = w[row + 2u * quads];
        let w3 = w[row + 3u * quads];
        for (var m = 0u; m < ROWS; m++) {
          let base = m * K_CHUNK + kk;
          acc[m] = fma(vec4<f32>(a_tile[base]), w0, acc[m]);
          acc[m] = fma(vec4<f32>(a_tile[base + 1u]), w1, acc[m]);
          acc[m] = fma(vec4<f32>(a_tile[base + 2u]), w2, acc[m]);
          acc[m] = fma(vec4<f32>(a_tile[base + 3u]), w3, acc[m]);
        }
      }
      for (; kk < k_count; kk++) {
        let wk = w[(k0 + kk) * quads + quad];
        for (var m = 0u; m < ROWS; m++) { acc[m] = fma(vec4<f32>(a_tile[m * K_CHUNK + kk]), wk, acc[m]); }
      }
    }
    workgroupBarrier();
  }
  if (quad >= quads) { return; }
  for (var m = 0u; m < params.M; m++) {
    out[(wid.y * params.M + m) * quads + quad] = acc[m];
  }
}
