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
// indices, so no size or alignment is required. The k loop takes two steps per iteration: on
// SwiftShader each trip round a loop costs about as much as 16 loads (every loop-carried value,
// here 32 accumulators, is merged under the lane mask at the back edge), and two steps halve that.
// More than two measured slower (bench/NOTES.md, 2026-12-07 night).
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

// The thread's 4 x 8 sums: row i in ci (columns 0-3) and di (columns 4-7).
struct Tile { c0: vec4<f32>, c1: vec4<f32>, c2: vec4<f32>, c3: vec4<f32>, d0: vec4<f32>, d1: vec4<f32>, d2: vec4<f32>, d3: vec4<f32> }
// The 8 columns' bases in `rhs`.
struct Cols { lo: vec4<u32>, hi: vec4<u32> }

/** One k: 4 L loads, 8 R loads, 32 multiply-adds. */
fn step(t: ptr<function, Tile>, l: vec4<u32>, r: Cols, lk: u32, rk: u32) {
  let a0 = lhs[l.x + lk]; let a1 = lhs[l.y + lk]; let a2 = lhs[l.z + lk]; let a3 = lhs[l.w + lk];
  let b0 = vec4<f32>(rhs[r.lo.x + rk], rhs[r.lo.y + rk], rhs[r.lo.z + rk], rhs[r.lo.w + rk]);
  let b1 = vec4<f32>(rhs[r.hi.x + rk], rhs[r.hi.y + rk], rhs[r.hi.z + rk], rhs[r.hi.w + rk]);
  (*t).c0 += a0 * b0; (*t).c1 += a1 * b0; (*t).c2 += a2 * b0; (*t).c3 += a3 * b0;
  (*t).d0 += a0 * b1; (*t).d1 += a1 * b1; (*t).d2 += a2 * b1; (*t).d3 += a3 * b1;
}

@compute @workgroup_size(64)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) lid: u32) {
  let t = (wid.x + wid.y * nwg.x) * 64u + lid;
  // Row blocks vary fastest: the lanes of a group share their R loads (forward and dX: W).
  let m0 = (t % params.m_blocks) * 4u;
  let n0 = (t / params.m_blocks) * 8u;
  if (n0 >= params.N) { return; }
  var acc = Tile();
  let l = vec4<u32>(lhs_base(m0), lhs_base(m0 + 1u), lhs_base(m0 + 2u), lhs_base(m0 + 3u));
  let r = Cols(vec4<u32>(rhs_base(n0), rhs_base(n0 + 1u), rhs_base(n0 + 2u), rhs_base(n0 + 3u)),
               vec4<u32>(rhs_base(n0 + 4u), rhs_base(n0 + 5u), rhs_base(n0 + 6u), rhs_base(n0 + 7u)));
  let ls = params.l_k_stride;
  let rs = params.r_k_stride;
  var lk = 0u;
  var rk = 0u;
  var k = 0u;
  for (; k + 1u < params.K; k += 2u) {
    step(&acc, l, r, lk, rk);
    step(&acc, l, r, lk + ls, rk + rs);
    lk += 2u * ls;
    rk += 2u * rs;
  }
  if (k < params.K) { step(&acc, l, r, lk, rk); }
  // One store loop over a value array: on SwiftShader this is faster than 32 guarded stores.
  let tile = array<vec4<f32>, 8>(acc.c0, acc.d0, acc.c1, acc.d1, acc.c2, acc.d2, acc.c3, acc.d3);
  for (var r = 0u; r < 4u; r++) {
    if (m0 + r >= params.M) { break; }
    for (var c = 0u; c < 8u; c++) {
      if (n0 + c < params.N) { out[params.out_off + (m0 + r) * params.N + n0 + c] = tile[2u * r + c / 4u][c % 4u]; }
    }
  }
}
