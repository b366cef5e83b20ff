// Convolution family for GPU adapters: forward, dX and dW as implicit GEMMs with workgroup-shared
// tiles (matmul.wgsl's tiling, with conv.wgsl's layouts). The im2col matrix is never written: a
// tile load computes the input position of each (row, k) it fetches, so a workgroup reads X once
// per tile instead of once per output.
//   X: [batch x CIN x H x W] in `act` at x_off;  W: [COUT x CIN x KH x KW] in `weights`;
//   b: [COUT] in `small` at bias_off;  Z, A: [batch x COUT x HO x WO] in `act` at z_off, a_off;
//   dZ: [batch x COUT x HO x WO] at offset 0 of `dz`.
// MODE picks the GEMM (TAPS = CIN KH KW, positions = batch HO WO):
//   0 forward:     C[M = positions, N = COUT] = im2col(X)[M x TAPS] W^T; epilogue + b, Z, A = act(Z).
//   1 input_grad:  C[M = batch H W, N = CIN] over K = COUT KH KW: row (n, iy, ix), k (co, ky, kx)
//                  reads dZ[n, co, oy, ox] where oy S = iy + PAD - ky and ox S = ix + PAD - kx are
//                  whole multiples inside the output (the transposed conv as a gather), times
//                  W[co, ci, ky, kx]; written to dX at x_off.
//   2 weight_grad: C[M = COUT, N = TAPS (+1 for db)] = dZ^T im2col(X) over K = positions, split-K:
//                  workgroup z's partial sums go to part[split, w] in conv.wgsl's layout (w < COUT
//                  TAPS for dW, then COUT for db: column TAPS is a column of ones), and conv.wgsl's
//                  reduce_weight_grad sums the splits.
// Tile: BM = WG_Y TM rows by BN = WG_X TN columns, BK deep; thread (x, y) owns rows y + i WG_Y and
// columns x + j WG_X. Loads walk the index that is contiguous in memory fastest (positions for X
// and dZ, taps for W), so neighbouring threads read neighbouring words. Out-of-range rows, columns
// and k are zero-filled: any shape works.
//   dispatch: (ceil(N / BN), row_blocks, splits * folds); rows past the device's limit fold into z.

struct ConvGemmParams {
  batch: u32, x_off: u32, z_off: u32, a_off: u32,
  bias_off: u32, splits: u32, k_per_split: u32, row_blocks: u32,
  slope: f32, _pad0: u32, _pad1: u32, _pad2: u32,
}

@group(0) @binding(0) var<uniform> params: ConvGemmParams;
@group(0) @binding(1) var<storage, read_write> act: array<f32>;
@group(0) @binding(2) var<storage, read> small: array<f32>;
@group(0) @binding(3) var<storage, read> weights: array<f32>;
@group(0) @binding(4) var<storage, read> dz: array<f32>;
@group(0) @binding(5) var<storage, read_write> part: array<f32>;

// The layer's shape (CIN, H, W, COUT, KH, KW, STRIDE, PAD, HO, WO, ACT, TAPS) and x_at: conv_shape.wgsl.
const MODE: u32 = ${MODE}u;
const WG_X: u32 = ${WG_X}u;
const WG_Y: u32 = ${WG_Y}u;
const TM: u32 = ${TM}u;
const TN: u32 = ${TN}u;
const BK: u32 = ${BK}u;
const BM: u32 = WG_Y * TM;
const BN: u32 = WG_X * TN;
const THREADS: u32 = WG_X * WG_Y;
#if ${HAS_BIAS}
const DB_COLUMNS: u32 = 1u;
#else
const DB_COLUMNS: u32 = 0u;
#endif

var<workgroup> tile_lhs: array<f32, BK * BM>;
var<workgroup> tile_rhs: array<f32, BK * BN>;

/** X[n, tap's channel, oy S + ky - PAD, ox S + kx - PAD] for output position p = (n, oy, ox); 0 in
 *  the padding. */
fn x_under(p: u32, tap: u32) -> f32 {
  let n = p / (HO * WO);
  let oy = (p / WO) % HO;
  let ox = p % WO;
  let iy = i32(oy * STRIDE + (tap / KW) % KH) - i32(PAD);
  let ix = i32(ox * STRIDE + tap % KW) - i32(PAD);
  return x_at(n, tap / (KH * KW), iy, ix);
}

/** dZ[n, co, p's output row and column] for output position p. */
fn dz_at_position(p: u32, co: u32) -> f32 {
  return dz[((p / (HO * WO)) * COUT + co) * HO * WO + p % (HO * WO)];
}

/** dZ meeting input (n, iy, ix) at k = (co, ky, kx): the output (oy, ox) with oy S = iy + PAD - ky,
 *  ox S = ix + PAD - kx, or 0 where that is not a whole output position. */
fn dz_gather(m: u32, k: u32) -> f32 {
  let n = m / (H * W);
  let iy = (m / W) % H;
  let ix = m % W;
  let co = k / (KH * KW);
  let sy = i32(iy + PAD) - i32((k / KW) % KH);
  let sx = i32(ix + PAD) - i32(k % KW);
  let oy = u32(max(sy, 0)) / STRIDE;
  let ox = u32(max(sx, 0)) / STRIDE;
  let valid = sy >= 0 && sx >= 0 && u32(sy) % STRIDE == 0u && u32(sx) % STRIDE == 0u && oy < HO && ox < WO;
  return select(0.0, dz[((n * COUT + co) * HO + min(oy, HO - 1u)) * WO + min(ox, WO - 1u)], valid);
}

fn load_lhs(m: u32, k: u32) -> f32 {
  if (MODE == 0u) { return x_under(m, k); }
  if (MODE == 1u) { return dz_gather(m, k); }
  return dz_at_position(k, m);
}

fn load_rhs(k: u32, n: u32) -> f32 {
  if (MODE == 0u) { return weights[n * TAPS + k]; }
  if (MODE == 1u) { return weights[((k / (KH * KW)) * CIN + n) * KH * KW + k % (KH * KW)]; }
  if (n == TAPS) { return 1.0; }
  return x_under(k, n);
}

/** Rows of the GEMM's C and its columns: N, and M for the batch in params. */
fn gemm_m() -> u32 {
  if (MODE == 0u) { return params.batch * HO * WO; }
  if (MODE == 1u) { return params.batch * H * W; }
  return COUT;
}

fn gemm_k() -> u32 {
  if (MODE == 0u) { return TAPS; }
  if (MODE == 1u) { return COUT * KH * KW; }
  return params.batch * HO * WO;
}

fn store(m: u32, n: u32, split: u32, v: f32) {
  if (MODE == 0u) {
    var z = v;
#if ${HAS_BIAS}
    z += small[params.bias_off + n];
#endif
    let out = ((m / (HO * WO)) * COUT + n) * HO * WO + m % (HO * WO);
    act[params.z_off + out] = z;
    act[params.a_off + out] = act_f(ACT, z, params.slope);
  } else if (MODE == 1u) {
    act[params.x_off + ((m / (H * W)) * CIN + n) * H * W + m % (H * W)] = v;
  } else {
    let at = select(m * TAPS + n, COUT * TAPS + m, n == TAPS);
    part[split * (COUT * TAPS + COUT) + at] = v;
  }
}

@compute @workgroup_size(WG_X, WG_Y, 1)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>) {
  let M = gemm_m();
  let K = gemm_k();
  let N = select(select(CIN, COUT, MODE == 0u), TAPS + DB_COLUMNS, MODE == 2u);
  let tid = lid.y * WG_X + lid.x;
  let split = wid.z % params.splits;
  let m0 = (wid.y + (wid.z / params.splits) * params.row_blocks) * BM;
  // The last fold may hold blocks past M; the condition is the same for the whole workgroup.
  if (m0 >= M) { return; }
  let n0 = wid.x * BN;
  let k_begin = split * params.k_per_split;
  let k_end = min(K, k_begin + params.k_per_split);
  var acc: array<array<f32, TN>, TM>;

  for (var k0 = k_begin; k0 < k_end; k0 += BK) {
    for (var i = tid; i < BM * BK; i += THREADS) {
      // X and dZ rows (forward, dX) are positions, contiguous along m; dZ^T (dW) along k.
      let along_m = MODE != 2u;
      let mm = select(i / BK, i % BM, along_m);
      let kk = select(i % BK, i / BM, along_m);
      var v = 0.0;
      if (m0 + mm < M && k0 + kk < k_end) { v = load_lhs(m0 + mm, k0 + kk); }
      tile_lhs[kk * BM + mm] = v;
    }
    for (var i = tid; i < BN * BK; i += THREADS) {
      // W is contiguous along its taps (k in forward, part of k in dX); im2col(X) (dW) along k.
      let nn = i / BK;
      let kk = i % BK;
      var v = 0.0;
      if (n0 + nn < N && k0 + kk < k_end) { v = load_rhs(k0 + kk, n0 + nn); }
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
    if (m >= M) { continue; }
    for (var j = 0u; j < TN; j++) {
      let n = n0 + lid.x + j * WG_X;
      if (n < N) { store(m, n, split, acc[i][j]); }
    }
  }
}
