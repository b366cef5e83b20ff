// Convolution family, PyTorch's layout (design.md section 9), as implicit GEMMs: the im2col gather
// happens where an operand is read, so no column matrix is ever written.
//   X: [batch x CIN x H x W] in `act` at x_off;  W: [COUT x CIN x KH x KW] in `weights`;
//   b: [COUT] in `small` at bias_off;  Z, A: [batch x COUT x HO x WO] in `act` at z_off, a_off;
//   dZ: [batch x COUT x HO x WO] at offset 0 of `dz` (dz_store.wgsl wrote dA * f'(Z) there).
// Entry points (no workgroup barriers, so the same code suits GPUs and CPU rasterisers):
//   forward:      M = batch HO WO, N = COUT, K = CIN KH KW. One thread per (output position, block
//                 of CO_BLOCK filters): each X value gathered is used CO_BLOCK times. Epilogue:
//                 + b, Z written, A = act(Z).
//   input_grad:   dX (written at x_off) as the implicit GEMM of dZ with the flipped kernel. One thread per element of
//                 X; with stride > 1 only the taps whose (iy + padding - ky) divides by the stride
//                 are visited (a gather, never a scatter, so no atomics).
//   weight_grad:  dW = im2col(X)^T dZ and db = column sums of dZ, split-K over the batch HO WO
//                 positions: thread (w, split) sums its slice into part[split, w] (w < COUT CIN KH KW
//                 for dW, then COUT entries for db); reduce_weight_grad sums the splits.

struct ConvParams {
  batch: u32, x_off: u32, z_off: u32, a_off: u32,
  bias_off: u32, db_off: u32, splits: u32, k_per_split: u32,
  slope: f32, _pad0: u32, _pad1: u32, _pad2: u32,
}

@group(0) @binding(0) var<uniform> params: ConvParams;
@group(0) @binding(1) var<storage, read_write> act: array<f32>;
@group(0) @binding(2) var<storage, read> small: array<f32>;
@group(0) @binding(3) var<storage, read_write> weights: array<f32>;
@group(0) @binding(4) var<storage, read> dz: array<f32>;
@group(0) @binding(5) var<storage, read_write> part: array<f32>;

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
const CO_BLOCK: u32 = ${CO_BLOCK}u;
const ACT: u32 = ${ACT}u;
const MAXOUT_K: u32 = 1u;
const WG: u32 = 64u;
const TAPS: u32 = CIN * KH * KW;

fn thread_id(wid: vec3<u32>, nwg: vec3<u32>, lid: u32) -> u32 { return (wid.x + wid.y * nwg.x) * WG + lid; }

@compute @workgroup_size(64)
fn forward(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
           @builtin(local_invocation_index) lid: u32) {
  let blocks = (COUT + CO_BLOCK - 1u) / CO_BLOCK;
  let t = thread_id(wid, nwg, lid);
  if (t >= params.batch * HO * WO * blocks) { return; }
  let block = t % blocks;
  let pos = t / blocks;
  let ox = pos % WO;
  let oy = (pos / WO) % HO;
  let n = pos / (WO * HO);
  let co0 = block * CO_BLOCK;
  var acc: array<f32, ${CO_BLOCK}>;
  for (var ci = 0u; ci < CIN; ci++) {
    for (var ky = 0u; ky < KH; ky++) {
      let iy = i32(oy * STRIDE + ky) - i32(PAD);
      if (iy < 0 || iy >= i32(H)) { continue; }
      for (var kx = 0u; kx < KW; kx++) {
        let ix = i32(ox * STRIDE + kx) - i32(PAD);
        if (ix < 0 || ix >= i32(W)) { continue; }
        let x = act[params.x_off + ((n * CIN + ci) * H + u32(iy)) * W + u32(ix)];
        let tap = (ci * KH + ky) * KW + kx;
        for (var j = 0u; j < CO_BLOCK; j++) {
          let co = min(co0 + j, COUT - 1u);
          acc[j] += x * weights[co * TAPS + tap];
        }
      }
    }
  }
  for (var j = 0u; j < CO_BLOCK; j++) {
    let co = co0 + j;
    if (co >= COUT) { break; }
    var z = acc[j];
#if ${HAS_BIAS}
    z += small[params.bias_off + co];
#endif
    let out = ((n * COUT + co) * HO + oy) * WO + ox;
    act[params.z_off + out] = z;
    act[params.a_off + out] = act_f(ACT, z, params.slope);
  }
}

@compute @workgroup_size(64)
fn input_grad(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
              @builtin(local_invocation_index) lid: u32) {
  let i = thread_id(wid, nwg, lid);
  if (i >= params.batch * CIN * H * W) { return; }
  let ix = i % W;
  let iy = (i / W) % H;
  let ci = (i / (W * H)) % CIN;
  let n = i / (W * H * CIN);
  var acc = 0.0;
  for (var ky = 0u; ky < KH; ky++) {
    // oy * STRIDE = iy + PAD - ky must be a non-negative multiple of STRIDE below HO * STRIDE.
    let sy = i32(iy + PAD) - i32(ky);
    if (sy < 0 || u32(sy) % STRIDE != 0u) { continue; }
    let oy = u32(sy) / STRIDE;
    if (oy >= HO) { continue; }
    for (var kx = 0u; kx < KW; kx++) {
      let sx = i32(ix + PAD) - i32(kx);
      if (sx < 0 || u32(sx) % STRIDE != 0u) { continue; }
      let ox = u32(sx) / STRIDE;
      if (ox >= WO) { continue; }
      for (var co = 0u; co < COUT; co++) {
        acc += dz[((n * COUT + co) * HO + oy) * WO + ox] * weights[((co * CIN + ci) * KH + ky) * KW + kx];
      }
    }
  }
  act[params.x_off + i] = acc;
}

@compute @workgroup_size(64)
fn weight_grad(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
               @builtin(local_invocation_index) lid: u32) {
  let outputs = COUT * TAPS + COUT;
  let t = thread_id(wid, nwg, lid);
  if (t >= outputs * params.splits) { return; }
  let w = t % outputs;
  let split = t / outputs;
  let positions = params.batch * HO * WO;
  let first = split * params.k_per_split;
  let last = min(first + params.k_per_split, positions);
  var acc = 0.0;
  if (w >= COUT * TAPS) {
    let co = w - COUT * TAPS;
    for (var p = first; p < last; p++) {
      let n = p / (HO * WO);
      acc += dz[(n * COUT + co) * HO * WO + p % (HO * WO)];
    }
  } else {
    let co = w / TAPS;
    let tap = w % TAPS;
    let kx = tap % KW;
    let ky = (tap / KW) % KH;
    let ci = tap / (KW * KH);
    for (var p = first; p < last; p++) {
      let ox = p % WO;
      let oy = (p / WO) % HO;
      let n = p / (WO * HO);
      let iy = i32(oy * STRIDE + ky) - i32(PAD);
      let ix = i32(ox * STRIDE + kx) - i32(PAD);
      if (iy < 0 || iy >= i32(H) || ix < 0 || ix >= i32(W)) { continue; }
      acc += dz[(n * COUT + co) * HO * WO + oy * WO + ox] * act[params.x_off + ((n * CIN + ci) * H + u32(iy)) * W + u32(ix)];
    }
  }
  part[split * outputs + w] = acc;
}

@compute @workgroup_size(64)
fn reduce_weight_grad(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
                      @builtin(local_invocation_index) lid: u32) {
  let outputs = COUT * TAPS + COUT;
  let w = thread_id(wid, nwg, lid);
  if (w >= outputs) { return; }
  var sum = 0.0;
  for (var s = 0u; s < params.splits; s++) { sum += part[s * outputs + w]; }
  if (w < COUT * TAPS) {
    weights[w] = sum;
  } else {
#if ${HAS_BIAS}
    act[params.db_off + w - COUT * TAPS] = sum;
#endif
  }
}
