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
// Thread: 4 rows m x 8 columns n (eight vec4 accumulators); loads are scalar from clamped
// indices, so no size or alignment is required.
//   dispatch: m_blocks * ceil(N / 8) threads (m_blocks = ceil(M / 4)), workgroup 64, folded into
//   2-D past 65535 workgroups.

struct OuterParams {
  M: u32, N: u32, K: u32, m_blocks: u32,
  l_off: u32, l_k_stride: u32, l_m_stride: u32, r_off: u32,
  r_k_stride: u32, r_n_stride: u32, out_off: u32, _pad: u32,
}

@group(0) @binding(0) var<uniform> params: OuterParams;
@group(0) @binding(1) var<storage, read> lhs: array<f32>;
@group(0) @binding(2) var<storage, read> rhs: array<f32>;
@group(0) @binding(3) var<storage, read_write> out: array<f32>;

// Row and column indices past the end are clamped to the last one: the loads stay in bounds with
// no test in the loop, and the products they feed are never stored.
fn lhs_base(m: u32) -> u32 { return params.l_off + min(m, params.M - 1u) * params.l_m_stride; }
fn rhs_base(n: u32) -> u32 { return params.r_off + min(n, params.N - 1u) * params.r_n_stride; }

@compute @workgroup_size(64)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) lid: u32) {
  let t = (wid.x + wid.y * nwg.x) * 64u + lid;
  // Row blocks vary fastest: the lanes of a group share their R loads (forward and dX: W).
  let m0 = (t % params.m_blocks) * 4u;
  let n0 = (t / params.m_blocks) * 8u;
  if (n0 >= params.N) { return; }
  var c0 = vec4<f32>(0.0); var c1 = vec4<f32>(0.0); var c2 = vec4<f32>(0.0); var c3 = vec4<f32>(0.0);
  var d0 = vec4<f32>(0.0); var d1 = vec4<f32>(0.0); var d2 = vec4<f32>(0.0); var d3 = vec4<f32>(0.0);
  let l0 = lhs_base(m0); let l1 = lhs_base(m0 + 1u); let l2 = lhs_base(m0 + 2u); let l3 = lhs_base(m0 + 3u);
  let r0 = rhs_base(n0); let r1 = rhs_base(n0 + 1u); let r2 = rhs_base(n0 + 2u); let r3 = rhs_base(n0 + 3u);
  let r4 = rhs_base(n0 + 4u); let r5 = rhs_base(n0 + 5u); let r6 = rhs_base(n0 + 6u); let r7 = rhs_base(n0 + 7u);
  var lk = 0u;
  var rk = 0u;
  for (var k = 0u; k < params.K; k++) {
    let a0 = lhs[l0 + lk]; let a1 = lhs[l1 + lk]; let a2 = lhs[l2 + lk]; let a3 = lhs[l3 + lk];
    let b0 = vec4<f32>(rhs[r0 + rk], rhs[r1 + rk], rhs[r2 + rk], rhs[r3 + rk]);
    let b1 = vec4<f32>(rhs[r4 + rk], rhs[r5 + rk], rhs[r6 + rk], rhs[r7 + rk]);
    c0 += a0 * b0; c1 += a1 * b0; c2 += a2 * b0; c3 += a3 * b0;
    d0 += a0 * b1; d1 += a1 * b1; d2 += a2 * b1; d3 += a3 * b1;
    lk += params.l_k_stride;
    rk += params.r_k_stride;
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
