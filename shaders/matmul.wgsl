// Matmul family: C[M x N] = op(L)[M x K] * op(R)[K x N], register-blocked shared-memory tiles,
// with the operand prologue and output epilogue every layer of the MLP needs.
//   forward:  L = A_{l-1} [M=batch x K=Din] (arena),  R = W_l [K x N] (w),   C = Z_l
//   dX:       L = dZ_l [batch x cols] (dz prologue), R = W_l^T, stored [N=Din x K=cols] (RHS_T)
//   dW:       L = A_{l-1}^T, stored [K=batch x M=Din] (LHS_T), R = dZ_l [K=batch x N=cols] (dz)
// Tile: BM = WG_Y*TM rows by BN = WG_X*TN columns per workgroup, BK deep; thread (x, y) owns rows
// y + i*WG_Y and columns x + j*WG_X, strided so shared-memory reads are conflict-free and output
// writes coalesce. Out-of-range rows, columns and k are zero-filled, so any M, N, K works.
// Split-K: workgroup z covers k in [z*k_per_split, (z+1)*k_per_split) and writes its partial sum
// to out[out_off + z*M*N + m*N + n]; epilogue.wgsl reduces the partials. Past 65535 row blocks
// (batches of millions) the rows fold into z: z = fold*splits + split, row block = y + fold*row_blocks. Without split-K the
// epilogue is fused: EPILOGUE_ACT writes Z (+ bias) and A = act(Z) into the arena,
// OUT_IN_ACT writes C into the arena, otherwise C goes to `out` (dW).
//   dispatch: (ceil(N / BN), row_blocks, splits * folds), workgroup (WG_X, WG_Y)

struct MatmulParams {
  M: u32, N: u32, K: u32, k_per_split: u32,
  lhs_off: u32, rhs_off: u32, out_off: u32, out2_off: u32,
  dz_da_off: u32, dz_z_off: u32, dz_units: u32, bias_off: u32,
  alpha_off: u32, slope: f32, splits: u32, row_blocks: u32,
}

@group(0) @binding(0) var<uniform> params: MatmulParams;
@group(0) @binding(1) var<storage, read_write> act: array<f32>;
@group(0) @binding(2) var<storage, read> w: array<f32>;
@group(0) @binding(3) var<storage, read_write> out: array<f32>;
@group(0) @binding(4) var<storage, read> small: array<f32>;

const ACT: u32 = ${ACT}u;
const MAXOUT_K: u32 = ${MAXOUT_K}u;
const WG_X: u32 = ${WG_X}u;
const WG_Y: u32 = ${WG_Y}u;
const TM: u32 = ${TM}u;
const TN: u32 = ${TN}u;
const BK: u32 = ${BK}u;
const BM: u32 = WG_Y * TM;
const BN: u32 = WG_X * TN;
const THREADS: u32 = WG_X * WG_Y;

var<workgroup> tile_lhs: array<f32, BK * BM>;
var<workgroup> tile_rhs: array<f32, BK * BN>;

fn load_lhs(m: u32, k: u32) -> f32 {
#if ${LHS_DZ}
  return dz_at(params.dz_da_off, params.dz_z_off, params.alpha_off, params.dz_units, params.slope, m, k);
#elif ${LHS_T}
  return act[params.lhs_off + k * params.M + m];
#else
  return act[params.lhs_off + m * params.K + k];
#endif
}

fn load_rhs(k: u32, n: u32) -> f32 {
#if ${RHS_DZ}
  return dz_at(params.dz_da_off, params.dz_z_off, params.alpha_off, params.dz_units, params.slope, k, n);
#elif ${RHS_T}
  return w[params.rhs_off + n * params.K + k];
#else
  return w[params.rhs_off + k * params.N + n];
#endif
}

@compute @workgroup_size(WG_X, WG_Y, 1)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>) {
  let tid = lid.y * WG_X + lid.x;
  let split = wid.z % params.splits;
  let m0 = (wid.y + (wid.z / params.splits) * params.row_blocks) * BM;
  // The last fold may hold blocks past M; the condition is the same for the whole workgroup.
  if (m0 >= params.M) { return; }
  let n0 = wid.x * BN;
  let k_begin = split * params.k_per_split;
  let k_end = min(params.K, k_begin + params.k_per_split);
  var acc: array<array<f32, TN>, TM>;

  for (var k0 = k_begin; k0 < k_end; k0 += BK) {
    for (var i = tid; i < BM * BK; i += THREADS) {
#if ${LHS_T}
      let mm = i % BM;
      let kk = i / BM;
#else
      let mm = i / BK;
      let kk = i % BK;
#endif
      var v = 0.0;
      if (m0 + mm < params.M && k0 + kk < k_end) { v = load_lhs(m0 + mm, k0 + kk); }
      tile_lhs[kk * BM + mm] = v;
    }
    for (var i = tid; i < BN * BK; i += THREADS) {
#if ${RHS_T}
      let nn = i / BK;
      let kk = i % BK;
#else
      let nn = i % BN;
      let kk = i / BN;
#endif
      var v = 0.0;
      if (n0 + nn < params.N && k0 + kk < k_end) { v = load_rhs(k0 + kk, n0 + nn); }
      tile_rhs[kk * BN + nn] = v;
    }
    workgroupBarrier();
    for (var kk = 0u; kk < BK; kk++) {
      var a: array<f32, TM>;
      var b: array<f32, TN>;
      for (var i = 0u; i < TM; i++) { a[i] = tile_lhs[kk * BM + lid.y + i * WG_Y]; }
      for (var j = 0u; j < TN; j++) { b[j] = tile_rhs[kk * BN + lid.x + j * WG_X]; }
      for (var i = 0u; i < TM; i++) {
        for (var j = 0u; j < TN; j++) { acc[i][j] = fma(a[i], b[j], acc[i][j]); }
      }
    }
    workgroupBarrier();
  }

  for (var i = 0u; i < TM; i++) {
    let m = m0 + lid.y + i * WG_Y;
    if (m >= params.M) { continue; }
    for (var j = 0u; j < TN; j++) {
      let n = n0 + lid.x + j * WG_X;
      if (n >= params.N) { continue; }
      let e = m * params.N + n;
#if ${EPILOGUE_ACT}
      var z = acc[i][j];
#if ${HAS_BIAS}
      z += small[params.bias_off + n];
#endif
      var p = params.slope;
      if (ACT == 5u) { p = small[params.alpha_off + n]; }
      act[params.out_off + e] = z;
      act[params.out2_off + e] = act_f(ACT, z, p);
#elif ${OUT_IN_ACT}
      act[params.out_off + e] = acc[i][j];
#else
      out[params.out_off + split * params.M * params.N + e] = acc[i][j];
#endif
    }
  }
}
