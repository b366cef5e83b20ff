// Shared by the two conv kernel sets (conv.wgsl for CPU adapters, conv_gemm.wgsl for GPUs): the
// layer's shape as compile-time constants, and X read under the padding. Uses the including
// kernel's `act` binding and `params.x_off` (WGSL resolves module-scope names in any order).
//   X: [batch x CIN x H x W];  W: [COUT x CIN x KH x KW];  Z, A: [batch x COUT x HO x WO].

const CIN: u32 = ${CIN}u;
const H: u32 = ${H}u;
const W: u32 = ${W}u;
const COUT: u32 = ${COUT}u;
const KH: u32 = ${KH}u;
const KW: u32 = ${KW}u;
const STRIDE: u32 = ${STRIDE}u;
const PAD: u32 = ${PAD}u;
const HO: u32 = ${HO}u;
const WO: u32 = ${WO}u;
const ACT: u32 = ${ACT}u;
const MAXOUT_K: u32 = 1u;
const TAPS: u32 = CIN * KH * KW;

/** X[n, ci, iy, ix], 0 in the padding (read at a clamped index, then zeroed: no branch). */
fn x_at(n: u32, ci: u32, iy: i32, ix: i32) -> f32 {
  let inside = iy >= 0 && iy < i32(H) && ix >= 0 && ix < i32(W);
  let at = ((n * CIN + ci) * H + u32(clamp(iy, 0, i32(H) - 1))) * W + u32(clamp(ix, 0, i32(W) - 1));
  return select(0.0, act[params.x_off + at], inside);
}
