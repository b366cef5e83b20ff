// Dot-product matmul family, for CPU adapters (SwiftShader): both operands are read along k, as
// in dX = dZ W^T, with no workgroup memory, no barriers and named vec4 registers (see
// matmul_outer.wgsl for why).
//   C[m, n] = sum over k of L[m, k] * R[n, k]
//   L: [M x K] row-major at l_off in `lhs` (dX: dZ from dz_store.wgsl)
//   R: [N x K] row-major at r_off in `rhs` (dX: the layer's weights W, [Din x cols])
//   C: [M x N] row-major at out_off in `out` (dX: dA of the layer below, in the arena)
// Thread: 2 rows m x 4 columns n, eight vec4 accumulators over four consecutive k, summed at the
// end; loads are scalar and bounds-checked, so no size or alignment is required.
//   dispatch: ceil(M / 2) * ceil(N / 4) threads, workgroup 64, folded into 2-D past 65535 workgroups.

struct DotParams {
  M: u32, N: u32, K: u32, l_off: u32,
  r_off: u32, out_off: u32, n_blocks: u32, _pad: u32,
}

@group(0) @binding(0) var<uniform> params: DotParams;
@group(0) @binding(1) var<storage, read> lhs: array<f32>;
@group(0) @binding(2) var<storage, read> rhs: array<f32>;
@group(0) @binding(3) var<storage, read_write> out: array<f32>;

// Four consecutive k of row `row` (clamped to a valid row; zero past K or past the last row).
fn quad(base: u32, row: u32, rows: u32, k: u32, from_lhs: bool) -> vec4<f32> {
  let r = min(row, rows - 1u);
  let ok = row < rows;
  let i = base + r * params.K + k;
  let last = base + r * params.K + params.K - 1u;
  var v: vec4<f32>;
  if (from_lhs) {
    v = vec4<f32>(lhs[i], lhs[min(i + 1u, last)], lhs[min(i + 2u, last)], lhs[min(i + 3u, last)]);
  } else {
    v = vec4<f32>(rhs[i], rhs[min(i + 1u, last)], rhs[min(i + 2u, last)], rhs[min(i + 3u, last)]);
  }
  let live = vec4<bool>(ok, ok && k + 1u < params.K, ok && k + 2u < params.K, ok && k + 3u < params.K);
  return select(vec4<f32>(0.0), v, live);
}

@compute @workgroup_size(64)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) lid: u32) {
  let t = (wid.x + wid.y * nwg.x) * 64u + lid;
  let m0 = (t / params.n_blocks) * 2u;
  let n0 = (t % params.n_blocks) * 4u;
  if (m0 >= params.M) { return; }
  var a0 = vec4<f32>(0.0); var a1 = vec4<f32>(0.0); var a2 = vec4<f32>(0.0); var a3 = vec4<f32>(0.0);
  var b0 = vec4<f32>(0.0); var b1 = vec4<f32>(0.0); var b2 = vec4<f32>(0.0); var b3 = vec4<f32>(0.0);
  for (var k = 0u; k < params.K; k += 4u) {
    let x0 = quad(params.l_off, m0, params.M, k, true);
    let x1 = quad(params.l_off, m0 + 1u, params.M, k, true);
    let w0 = quad(params.r_off, n0, params.N, k, false);
    let w1 = quad(params.r_off, n0 + 1u, params.N, k, false);
    let w2 = quad(params.r_off, n0 + 2u, params.N, k, false);
    let w3 = quad(params.r_off, n0 + 3u, params.N, k, false);
    a0 += x0 * w0; a1 += x0 * w1; a2 += x0 * w2; a3 += x0 * w3;
    b0 += x1 * w0; b1 += x1 * w1; b2 += x1 * w2; b3 += x1 * w3;
  }
  let h = vec4<f32>(1.0);
  let row0 = vec4<f32>(dot(a0, h), dot(a1, h), dot(a2, h), dot(a3, h));
  let row1 = vec4<f32>(dot(b0, h), dot(b1, h), dot(b2, h), dot(b3, h));
  for (var c = 0u; c < 4u; c++) {
    if (n0 + c >= params.N) { break; }
    out[params.out_off + m0 * params.N + n0 + c] = row0[c];
    if (m0 + 1u < params.M) { out[params.out_off + (m0 + 1u) * params.N + n0 + c] = row1[c]; }
  }
}
