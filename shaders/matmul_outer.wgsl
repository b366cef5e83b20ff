// Outer-product matmul family, for CPU adapters (SwiftShader): no workgroup memory and no
// barriers, because there a workgroup with a barrier runs its lanes as coroutines (~0.5 ms per
// 256-thread workgroup before any work), and named vec4 registers, because a dynamically
// indexed register array is lowered to memory. Used for dW = A^T dZ, whose K (the batch) is small.
//   C[m, n] = sum over k of L[k, m] * R[k, n]
//   L: [K x M] at l_off in `lhs`, element (k, m) at k * l_k_stride + m * l_m_stride
//      (dW: the layer input A read as A^T, strides (M, 1); forward: A itself, strides (1, K))
//   R: [K x N] row-major at r_off in `rhs` (dW: dZ from dz_store.wgsl)
//   C: [M x N] row-major at offset 0 of `out`
// Thread: 4 rows m x 8 columns n (eight vec4 accumulators); loads are scalar and bounds-checked,
// so no size or alignment is required.
//   dispatch: ceil(M / 4) * ceil(N / 8) threads, workgroup 64, folded into 2-D past 65535 workgroups.

struct OuterParams {
  M: u32, N: u32, K: u32, l_off: u32,
  r_off: u32, n_blocks: u32, l_k_stride: u32, l_m_stride: u32,
}

@group(0) @binding(0) var<uniform> params: OuterParams;
@group(0) @binding(1) var<storage, read> lhs: array<f32>;
@group(0) @binding(2) var<storage, read> rhs: array<f32>;
@group(0) @binding(3) var<storage, read_write> out: array<f32>;

fn lhs_at(k: u32, m: u32) -> f32 {
  return select(0.0, lhs[params.l_off + k * params.l_k_stride + min(m, params.M - 1u) * params.l_m_stride], m < params.M);
}

fn rhs_at(k: u32, n: u32) -> f32 {
  return select(0.0, rhs[params.r_off + k * params.N + min(n, params.N - 1u)], n < params.N);
}

fn rhs4(k: u32, n: u32) -> vec4<f32> {
  return vec4<f32>(rhs_at(k, n), rhs_at(k, n + 1u), rhs_at(k, n + 2u), rhs_at(k, n + 3u));
}

@compute @workgroup_size(64)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) lid: u32) {
  let t = (wid.x + wid.y * nwg.x) * 64u + lid;
  let m0 = (t / params.n_blocks) * 4u;
  let n0 = (t % params.n_blocks) * 8u;
  if (m0 >= params.M) { return; }
  var c0 = vec4<f32>(0.0); var c1 = vec4<f32>(0.0); var c2 = vec4<f32>(0.0); var c3 = vec4<f32>(0.0);
  var d0 = vec4<f32>(0.0); var d1 = vec4<f32>(0.0); var d2 = vec4<f32>(0.0); var d3 = vec4<f32>(0.0);
  for (var k = 0u; k < params.K; k++) {
    let l0 = lhs_at(k, m0);
    let l1 = lhs_at(k, m0 + 1u);
    let l2 = lhs_at(k, m0 + 2u);
    let l3 = lhs_at(k, m0 + 3u);
    let r0 = rhs4(k, n0);
    let r1 = rhs4(k, n0 + 4u);
    c0 += l0 * r0; c1 += l1 * r0; c2 += l2 * r0; c3 += l3 * r0;
    d0 += l0 * r1; d1 += l1 * r1; d2 += l2 * r1; d3 += l3 * r1;
  }
  // One store loop over a value array: on SwiftShader this is faster than 32 guarded stores.
  let tile = array<vec4<f32>, 8>(c0, d0, c1, d1, c2, d2, c3, d3);
  for (var r = 0u; r < 4u; r++) {
    if (m0 + r >= params.M) { break; }
    for (var c = 0u; c < 8u; c++) {
      if (n0 + c < params.N) { out[(m0 + r) * params.N + n0 + c] = tile[2u * r + c / 4u][c % 4u]; }
    }
  }
}
