// Outer-product matmul family, for CPU adapters (SwiftShader): no workgroup memory and no
// barriers, because there a workgroup with a barrier runs its lanes as coroutines (~0.5 ms per
// 256-thread workgroup before any work), and named vec4 registers, because a dynamically
// indexed register array is lowered to memory. Every matmul of the step on CPU adapters:
//   C[m, n] = sum over k of L[k, m] * R[k, n], operands read through strides
//   L: element (k, m) at l_off + k * l_k_stride + m * l_m_stride of `lhs`
//   R: element (k, n) at r_off + k * r_k_stride + n * r_n_stride of `rhs`
//   C: [M x N] row-major at out_off of `out`
//   forward  Z = A W:     L = A [M x K] (strides 1, K), R = W [K x N] (N, 1), C = partials
//   dW = A^T dZ:          L = A [K x M] (M, 1), R = dZ [K x N] (N, 1) from dz_store.wgsl, C = dW
//   dX = dZ W^T:          L = dZ [M x K] (1, K), R = W^T, W [N x K] (1, K), C = dA below, in the arena
// SwiftShader loads per lane, so a strided operand costs no more instructions than a contiguous one.
// Thread: 4 rows m x 8 columns n (eight vec4 accumulators); loads are scalar and bounds-checked,
// so no size or alignment is required.
//   dispatch: ceil(M / 4) * ceil(N / 8) threads, workgroup 64, folded into 2-D past 65535 workgroups.

struct OuterParams {
  M: u32, N: u32, K: u32, n_blocks: u32,
  l_off: u32, l_k_stride: u32, l_m_stride: u32, r_off: u32,
  r_k_stride: u32, r_n_stride: u32, out_off: u32, _pad: u32,
}

@group(0) @binding(0) var<uniform> params: OuterParams;
@group(0) @binding(1) var<storage, read> lhs: array<f32>;
@group(0) @binding(2) var<storage, read> rhs: array<f32>;
@group(0) @binding(3) var<storage, read_write> out: array<f32>;

fn lhs_at(k: u32, m: u32) -> f32 {
  return select(0.0, lhs[params.l_off + k * params.l_k_stride + min(m, params.M - 1u) * params.l_m_stride], m < params.M);
}

fn rhs_at(k: u32, n: u32) -> f32 {
  return select(0.0, rhs[params.r_off + k * params.r_k_stride + min(n, params.N - 1u) * params.r_n_stride], n < params.N);
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
      if (n0 + c < params.N) { out[params.out_off + (m0 + r) * params.N + n0 + c] = tile[2u * r + c / 4u][c % 4u]; }
    }
  }
}
