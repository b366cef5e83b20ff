// Convolution family, PyTorch's layout (design.md section 9), as implicit GEMMs: the im2col gather
// happens where an operand is read, so no column matrix is ever written. On CPU adapters these
// kernels now serve strided layers (and dX where padding >= the kernel); stride 1 goes to
// conv_padded.wgsl. reduce_weight_grad serves every kernel set.
//   X: [batch x CIN x H x W] in `act` at x_off;  W: [COUT x CIN x KH x KW] in `weights`;
//   b: [COUT] in `small` at bias_off;  Z, A: [batch x COUT x HO x WO] in `act` at z_off, a_off;
//   dZ: [batch x COUT x HO x WO] at offset 0 of `dz` (dz_store.wgsl wrote dA * f'(Z) there).
// Entry points (no workgroup barriers). In forward and input_grad a thread whose taps all fall
// inside the input (the interior) reads at a base index plus compile-time steps; a thread at the
// border reads through a clamped index zeroed with select (no branch around a load, so the same
// code suits GPUs and CPU rasterisers, where both sides of a divergent branch run). Neighbouring
// threads share their row and most of their columns, so the interior test is nearly uniform
// across a SIMD group. Accumulators are vec4s (registers; arrays would live in memory).
//   forward:      M = batch HO WO, N = COUT, K = CIN KH KW. A thread computes 4 adjacent output
//                 columns x 4 filters: 4 X loads and 4 W loads per 16 multiply-adds. Epilogue:
//                 + b, Z written, A = act(Z).
//   input_grad:   dX (written at x_off) as the implicit GEMM of dZ with the flipped kernel. A thread
//                 computes 4 input channels x 4 adjacent columns of one row (the interior path at
//                 stride 1 only); with stride > 1 only taps whose (ix + padding - kx) divides by
//                 the stride count (a gather, never a scatter, so no atomics).
//   weight_grad:  dW = im2col(X)^T dZ and db = column sums of dZ, split-K over the batch HO WO
//                 positions: a thread sums 4 filters x 4 taps (or 4 filters of db) over its slice
//                 into part[split, w] (w < COUT TAPS for dW, then COUT entries for db);
//                 reduce_weight_grad sums the splits. (No interior path: a position's test
//                 diverges across the SIMD lanes, which hold other taps, and measured slower.)

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

// The layer's shape (CIN, H, W, COUT, KH, KW, STRIDE, PAD, HO, WO, ACT, TAPS) and x_at: conv_shape.wgsl.
const WG: u32 = 64u;

const BLOCK: u32 = 4u;
const CO_BLOCKS: u32 = (COUT + BLOCK - 1u) / BLOCK;

fn thread_id(wid: vec3<u32>, nwg: vec3<u32>, lid: u32) -> u32 { return (wid.x + wid.y * nwg.x) * WG + lid; }

fn store_outputs(n: u32, co0: u32, oy: u32, ox: u32, z4: vec4<f32>) {
  if (ox >= WO) { return; }
  for (var j = 0u; j < BLOCK; j++) {
    let co = co0 + j;
    if (co >= COUT) { return; }
    var z = z4[j];
#if ${HAS_BIAS}
    z += small[params.bias_off + co];
#endif
    let out = ((n * COUT + co) * HO + oy) * WO + ox;
    act[params.z_off + out] = z;
    act[params.a_off + out] = act_f(ACT, z, params.slope);
  }
}

@compute @workgroup_size(64)
fn forward(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
           @builtin(local_invocation_index) lid: u32) {
  let ox_blocks = (WO + BLOCK - 1u) / BLOCK;
  let t = thread_id(wid, nwg, lid);
  if (t >= params.batch * HO * ox_blocks * CO_BLOCKS) { return; }
  let co0 = (t % CO_BLOCKS) * BLOCK;
  let rest = t / CO_BLOCKS;
  let ox0 = (rest % ox_blocks) * BLOCK;
  let oy = (rest / ox_blocks) % HO;
  let n = rest / (ox_blocks * HO);
  // W's rows of the 4 filters (a filter past COUT reads the last; its sums are dropped).
  let last = COUT - 1u;
  let w0 = min(co0, last) * TAPS;
  let w1 = min(co0 + 1u, last) * TAPS;
  let w2 = min(co0 + 2u, last) * TAPS;
  let w3 = min(co0 + 3u, last) * TAPS;
  var acc0 = vec4<f32>();
  var acc1 = vec4<f32>();
  var acc2 = vec4<f32>();
  var acc3 = vec4<f32>();
  // The window of the 4 outputs: rows oy S - PAD .. + KH - 1, columns ox0 S - PAD .. (ox0 + 3) S - PAD + KW - 1.
  let y0 = i32(oy * STRIDE) - i32(PAD);
  let x0 = i32(ox0 * STRIDE) - i32(PAD);
  let interior = y0 >= 0 && y0 + i32(KH) <= i32(H) && x0 >= 0 && x0 + i32(3u * STRIDE + KW) <= i32(W);
  if (interior) {
    // Bounds-free: every tap reads X at a base plus compile-time steps.
    var row = params.x_off + n * CIN * H * W + u32(y0) * W + u32(x0);
    var tap = 0u;
    for (var ci = 0u; ci < CIN; ci++) {
      for (var ky = 0u; ky < KH; ky++) {
        for (var kx = 0u; kx < KW; kx++) {
          let w = vec4<f32>(weights[w0 + tap], weights[w1 + tap], weights[w2 + tap], weights[w3 + tap]);
          let at = row + kx;
          acc0 += act[at] * w;
          acc1 += act[at + STRIDE] * w;
          acc2 += act[at + 2u * STRIDE] * w;
          acc3 += act[at + 3u * STRIDE] * w;
          tap++;
        }
        row += W;
      }
      row += (H - KH) * W;
    }
  } else {
    let s = i32(STRIDE);
    var tap = 0u;
    for (var ci = 0u; ci < CIN; ci++) {
      for (var ky = 0u; ky < KH; ky++) {
        let iy = y0 + i32(ky);
        for (var kx = 0u; kx < KW; kx++) {
          let w = vec4<f32>(weights[w0 + tap], weights[w1 + tap], weights[w2 + tap], weights[w3 + tap]);
          let ix = x0 + i32(kx);
          acc0 += x_at(n, ci, iy, ix) * w;
          acc1 += x_at(n, ci, iy, ix + s) * w;
          acc2 += x_at(n, ci, iy, ix + 2 * s) * w;
          acc3 += x_at(n, ci, iy, ix + 3 * s) * w;
          tap++;
        }
      }
    }
  }
  store_outputs(n, co0, oy, ox0, acc0);
  store_outputs(n, co0, oy, ox0 + 1u, acc1);
  store_outputs(n, co0, oy, ox0 + 2u, acc2);
  store_outputs(n, co0, oy, ox0 + 3u, acc3);
}

/** dZ[n, co, oy, ox] where input column ix meets tap kx of output row oy, else 0 (no branch): ox =
 *  (ix + PAD - kx) / STRIDE must be a whole number below WO. */
fn dz_tap(n: u32, co: u32, oy: u32, ix: u32, kx: u32) -> f32 {
  let sx = i32(ix + PAD) - i32(kx);
  let ox = u32(max(sx, 0)) / STRIDE;
  let valid = sx >= 0 && u32(max(sx, 0)) % STRIDE == 0u && ox < WO && ix < W;
  return select(0.0, dz[((n * COUT + co) * HO + oy) * WO + min(ox, WO - 1u)], valid);
}

fn store_input_grad(n: u32, ci: u32, iy: u32, ix0: u32, g: vec4<f32>) {
  if (ci >= CIN) { return; }
  for (var p = 0u; p < BLOCK; p++) {
    if (ix0 + p < W) { act[params.x_off + ((n * CIN + ci) * H + iy) * W + ix0 + p] = g[p]; }
  }
}

@compute @workgroup_size(64)
fn input_grad(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
              @builtin(local_invocation_index) lid: u32) {
  let ix_blocks = (W + BLOCK - 1u) / BLOCK;
  let ci_blocks = (CIN + BLOCK - 1u) / BLOCK;
  let t = thread_id(wid, nwg, lid);
  if (t >= params.batch * H * ix_blocks * ci_blocks) { return; }
  let ci0 = (t % ci_blocks) * BLOCK;
  let rest = t / ci_blocks;
  let ix0 = (rest % ix_blocks) * BLOCK;
  let iy = (rest / ix_blocks) % H;
  let n = rest / (ix_blocks * H);
  // W's offsets of the 4 input channels within a filter (a channel past CIN reads the last; its
  // sums are dropped).
  let last = CIN - 1u;
  let c0 = min(ci0, last) * KH * KW;
  let c1 = min(ci0 + 1u, last) * KH * KW;
  let c2 = min(ci0 + 2u, last) * KH * KW;
  let c3 = min(ci0 + 3u, last) * KH * KW;
  var g0 = vec4<f32>();
  var g1 = vec4<f32>();
  var g2 = vec4<f32>();
  var g3 = vec4<f32>();
  // At stride 1, inputs ix0..ix0+3 meet output columns ix0 + PAD - kx (+ 0..3): all inside 0..WO-1
  // when the first is >= 0 for kx = KW - 1 and the last < WO for kx = 0. Such threads read dZ
  // without bounds.
  let interior = STRIDE == 1u && ix0 + PAD + 1u >= KW && ix0 + 3u + PAD < WO && ix0 + 3u < W;
  for (var ky = 0u; ky < KH; ky++) {
    // oy * STRIDE = iy + PAD - ky must be a non-negative multiple of STRIDE below HO * STRIDE: the
    // condition is the whole row's, so this branch is uniform across the 16 outputs of the thread.
    let sy = i32(iy + PAD) - i32(ky);
    if (sy < 0 || u32(sy) % STRIDE != 0u || u32(sy) / STRIDE >= HO) { continue; }
    let oy = u32(sy) / STRIDE;
    if (interior) {
      for (var kx = 0u; kx < KW; kx++) {
        let tap = ky * KW + kx;
        var at = (n * COUT * HO + oy) * WO + ix0 + PAD - kx;
        var w = tap;
        for (var co = 0u; co < COUT; co++) {
          let d = vec4<f32>(dz[at], dz[at + 1u], dz[at + 2u], dz[at + 3u]);
          g0 += weights[w + c0] * d;
          g1 += weights[w + c1] * d;
          g2 += weights[w + c2] * d;
          g3 += weights[w + c3] * d;
          at += HO * WO;
          w += CIN * KH * KW;
        }
      }
    } else {
      for (var kx = 0u; kx < KW; kx++) {
        let tap = ky * KW + kx;
        for (var co = 0u; co < COUT; co++) {
          let d = vec4<f32>(dz_tap(n, co, oy, ix0, kx), dz_tap(n, co, oy, ix0 + 1u, kx), dz_tap(n, co, oy, ix0 + 2u, kx), dz_tap(n, co, oy, ix0 + 3u, kx));
          let w = co * CIN * KH * KW + tap;
          g0 += weights[w + c0] * d;
          g1 += weights[w + c1] * d;
          g2 += weights[w + c2] * d;
          g3 += weights[w + c3] * d;
        }
      }
    }
  }
  store_input_grad(n, ci0, iy, ix0, g0);
  store_input_grad(n, ci0 + 1u, iy, ix0, g1);
  store_input_grad(n, ci0 + 2u, iy, ix0, g2);
  store_input_grad(n, ci0 + 3u, iy, ix0, g3);
}

/** dZ of filters co0..co0+3 at position p (batch x HO x WO flattened); a filter past COUT reads the last. */
fn dz4(co0: u32, n: u32, pos: u32) -> vec4<f32> {
  let last = COUT - 1u;
  let plane = HO * WO;
  return vec4<f32>(dz[(n * COUT + min(co0, last)) * plane + pos], dz[(n * COUT + min(co0 + 1u, last)) * plane + pos],
                   dz[(n * COUT + min(co0 + 2u, last)) * plane + pos], dz[(n * COUT + min(co0 + 3u, last)) * plane + pos]);
}

/** Where tap `tap` (of CIN x KH x KW) reads X, relative to an output position: its channel's
 *  plane offset and its row and column offsets; taps past TAPS are marked invalid. */
struct Tap { plane: u32, dy: i32, dx: i32, valid: bool }

fn tap_of(tap: u32) -> Tap {
  let t = min(tap, TAPS - 1u);
  return Tap((t / (KW * KH)) * H * W, i32((t / KW) % KH) - i32(PAD), i32(t % KW) - i32(PAD), tap < TAPS);
}

/** X under a tap at output position (oy, ox) of example n; 0 in the padding or for an invalid tap. */
fn x_under(tp: Tap, n: u32, oy: u32, ox: u32) -> f32 {
  let iy = i32(oy * STRIDE) + tp.dy;
  let ix = i32(ox * STRIDE) + tp.dx;
  let inside = tp.valid && iy >= 0 && iy < i32(H) && ix >= 0 && ix < i32(W);
  let at = n * CIN * H * W + tp.plane + u32(clamp(iy, 0, i32(H) - 1)) * W + u32(clamp(ix, 0, i32(W) - 1));
  return select(0.0, act[params.x_off + at], inside);
}

fn store_partials(split: u32, co0: u32, tap: u32, sums: vec4<f32>) {
  if (tap >= TAPS) { return; }
  for (var j = 0u; j < BLOCK; j++) {
    if (co0 + j < COUT) { part[split * (COUT * TAPS + COUT) + (co0 + j) * TAPS + tap] = sums[j]; }
  }
}

@compute @workgroup_size(64)
fn weight_grad(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
               @builtin(local_invocation_index) lid: u32) {
  // Blocks of 4 filters x 4 taps, then one block of db per 4 filters.
  let tap_blocks = (TAPS + BLOCK - 1u) / BLOCK + 1u;
  let blocks = CO_BLOCKS * tap_blocks;
  let t = thread_id(wid, nwg, lid);
  if (t >= blocks * params.splits) { return; }
  let b = t % blocks;
  let split = t / blocks;
  let co0 = (b % CO_BLOCKS) * BLOCK;
  let tap_block = b / CO_BLOCKS;
  let positions = params.batch * HO * WO;
  let first = split * params.k_per_split;
  let last = min(first + params.k_per_split, positions);
  let plane = HO * WO;
  if (tap_block == tap_blocks - 1u) {
    var db = vec4<f32>();
    for (var p = first; p < last; p++) { db += dz4(co0, p / plane, p % plane); }
    for (var j = 0u; j < BLOCK; j++) {
      if (co0 + j < COUT) { part[split * (COUT * TAPS + COUT) + COUT * TAPS + co0 + j] = db[j]; }
    }
    return;
  }
  let tap0 = tap_block * BLOCK;
  let t0 = tap_of(tap0);
  let t1 = tap_of(tap0 + 1u);
  let t2 = tap_of(tap0 + 2u);
  let t3 = tap_of(tap0 + 3u);
  var s0 = vec4<f32>();
  var s1 = vec4<f32>();
  var s2 = vec4<f32>();
  var s3 = vec4<f32>();
  for (var p = first; p < last; p++) {
    let n = p / plane;
    let pos = p % plane;
    let oy = pos / WO;
    let ox = pos % WO;
    let d = dz4(co0, n, pos);
    s0 += x_under(t0, n, oy, ox) * d;
    s1 += x_under(t1, n, oy, ox) * d;
    s2 += x_under(t2, n, oy, ox) * d;
    s3 += x_under(t3, n, oy, ox) * d;
  }
  store_partials(split, co0, tap0, s0);
  store_partials(split, co0, tap0 + 1u, s1);
  store_partials(split, co0, tap0 + 2u, s2);
  store_partials(split, co0, tap0 + 3u, s3);
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
