// Skinny matmul family (the lecture's forward: M = batch <= 32 rows against a 4096 x 4096 W).
// The shape is memory-bound: every W element is used M times, so the kernel streams W once with
// vec4 loads (eight rows in flight per thread) and keeps all M rows of A for its k range in
// shared memory as vec4s of consecutive k (broadcast reads, one per four FMAs).
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

// A for the k range, 4 consecutive k per vec4: one shared load feeds 4 FMAs per row.
var<workgroup> a_tile: array<vec4<f32>, ROWS * K_CHUNK / 4u>;

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
      a_tile[i / 4u][i % 4u] = v;
    }
    workgroupBarrier();
    if (quad < quads) {
      var kk = 0u;
      // Eight W rows in flight per thread (8 x 16 bytes) to cover memory latency.
      for (; kk + 8u <= k_count; kk += 8u) {
        let row = (k0 + kk) * quads + quad;
        let w0 = w[row];
        let w1 = w[row + quads];
        let w2 = w[row + 2u * quads];
        let w3 = w[row + 3u * quads];
        let w4 = w[row + 4u * quads];
        let w5 = w[row + 5u * quads];
        let w6 = w[row + 6u * quads];
        let w7 = w[row + 7u * quads];
        for (var m = 0u; m < ROWS; m++) {
          let a03 = a_tile[(m * K_CHUNK + kk) / 4u];
          let a47 = a_tile[(m * K_CHUNK + kk) / 4u + 1u];
          var s = acc[m];
          s = fma(vec4<f32>(a03.x), w0, s);
          s = fma(vec4<f32>(a03.y), w1, s);
          s = fma(vec4<f32>(a03.z), w2, s);
          s = fma(vec4<f32>(a03.w), w3, s);
          s = fma(vec4<f32>(a47.x), w4, s);
          s = fma(vec4<f32>(a47.y), w5, s);
          s = fma(vec4<f32>(a47.z), w6, s);
          s = fma(vec4<f32>(a47.w), w7, s);
          acc[m] = s;
        }
      }
      for (; kk < k_count; kk++) {
        let wk = w[(k0 + kk) * quads + quad];
        for (var m = 0u; m < ROWS; m++) {
          let i = m * K_CHUNK + kk;
          acc[m] = fma(vec4<f32>(a_tile[i / 4u][i % 4u]), wk, acc[m]);
        }
      }
    }
    workgroupBarrier();
  }
  if (quad >= quads) { return; }
  for (var m = 0u; m < params.M; m++) {
    out[(wid.y * params.M + m) * quads + quad] = acc[m];
  }
}
