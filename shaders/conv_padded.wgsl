// Conv forward, dW and dX at stride 1 for CPU adapters (SwiftShader), as matmul_outer.wgsl's
// products over a zero-padded copy of X or dZ, so that no tap needs a bounds test and no thread
// takes a border path:
//   pad_input: XP[n, ci, y, x] = X[n, ci, y - PAD, x - PAD], 0 outside; [batch x CIN x HP x WP]
//              at part[pad_off] (the shared scratch, after dW's split-K partials).
//   forward:   C[p, co] = sum over k of XP(p, k) W[co, k], p = (n, oy, ox) one of M = batch HO WO
//              output positions, k = (ci, ky, kx) one of TAPS = CIN KH KW; XP(p, k) is read at
//              base(p) + ci HP WP + ky WP + kx. Epilogue: + b, Z written, A = act(Z).
//              With PAD = 0, X itself is XP and no copy is made.
//              A thread computes 4 positions x 8 filters.
//   weight_grad: dW[co, k] = sum over p of dZ[co, p] XP(p, k), split-K over the batch HO image rows
//              (split s sums rows s rows_per_split ..), into part[s, w] as conv.wgsl's weight_grad
//              (w < COUT TAPS for dW, then COUT entries for db); conv.wgsl's reduce_weight_grad
//              sums the splits. A thread computes 4 filters x 8 taps, or db of 4 filters, walking
//              the positions of a row with one index step (no division per position).
//   pad_dz:    DZP[n, co, y, x] = dZ[n, co, y - QH, x - QW], 0 outside, QH = KH - 1 - PAD (QW
//              alike; needs PAD < KH, KW); [batch x COUT x HQ x WQ] at part[pad_off].
//   input_grad: dX[p, ci] = sum over (co, ky, kx) of DZP(p, (co, ky, kx)) W[co, ci, KH-1-ky, KW-1-kx],
//              p = (n, y, x) one of batch H W input positions: the transposed conv as the forward's
//              product, with the kernel flipped. A thread computes 4 positions x 8 channels.
// All three do 4 + 8 loads per 32 multiply-adds (eight vec4 accumulators), as the dense layers' matmul.
// On SwiftShader every load at a computed index is a per-lane gather, far dearer than a
// multiply-add; conv.wgsl's kernels (still used at stride > 1) did 8 loads per 16, guarded every
// tap of a border thread, and divided every position of dW into (n, oy, ox).
//   dispatch: pad_input (pad_dz) one thread per XP (DZP) element; forward ceil(M / 4) x
//   ceil(COUT / 8) threads; input_grad ceil(batch H W / 4) x ceil(CIN / 8);
//   weight_grad splits x ceil(COUT / 4) x (ceil(TAPS / 8) + 1); workgroup 64, folded into 2-D
//   past 65535 workgroups.

struct PaddedParams {
  batch: u32, x_off: u32, z_off: u32, a_off: u32,
  bias_off: u32, pad_off: u32, splits: u32, rows_per_split: u32,
  slope: f32, _pad0: u32, _pad1: u32, _pad2: u32,
}

@group(0) @binding(0) var<uniform> params: PaddedParams;
@group(0) @binding(1) var<storage, read_write> act: array<f32>;
@group(0) @binding(2) var<storage, read> small: array<f32>;
@group(0) @binding(3) var<storage, read> weights: array<f32>;
@group(0) @binding(4) var<storage, read> dz: array<f32>;
@group(0) @binding(5) var<storage, read_write> part: array<f32>;

// The layer's shape (CIN, H, W, COUT, KH, KW, PAD, HO, WO, ACT, TAPS): conv_shape.wgsl.
const HP: u32 = H + 2u * PAD;
const WP: u32 = W + 2u * PAD;
// dZ's padding for dX (0 where PAD >= K, a layer dX is not computed for here: a module-scope
// constant may not underflow even in an entry point that is not used).
const QH: u32 = max(KH, PAD + 1u) - 1u - PAD;
const QW: u32 = max(KW, PAD + 1u) - 1u - PAD;
const HQ: u32 = HO + 2u * QH;
const WQ: u32 = WO + 2u * QW;

fn thread_id(wid: vec3<u32>, nwg: vec3<u32>, lid: u32) -> u32 { return (wid.x + wid.y * nwg.x) * 64u + lid; }

/** Where element i of a padded copy comes from: planes of rows x cols, padded by `top` rows and
 *  `left` columns on each side; `inside` is false in the padding (the index is clamped there). */
struct Source { at: u32, inside: bool }

fn padded_source(i: u32, rows: u32, cols: u32, top: u32, left: u32) -> Source {
  let pcols = cols + 2u * left;
  let prows = rows + 2u * top;
  let x = i32(i % pcols) - i32(left);
  let y = i32((i / pcols) % prows) - i32(top);
  let inside = x >= 0 && x < i32(cols) && y >= 0 && y < i32(rows);
  return Source((i / (pcols * prows)) * rows * cols + u32(clamp(y, 0, i32(rows) - 1)) * cols + u32(clamp(x, 0, i32(cols) - 1)), inside);
}

@compute @workgroup_size(64)
fn pad_input(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
             @builtin(local_invocation_index) lid: u32) {
  let i = thread_id(wid, nwg, lid);
  if (i >= params.batch * CIN * HP * WP) { return; }
  let src = padded_source(i, H, W, PAD, PAD);
  part[params.pad_off + i] = select(0.0, act[params.x_off + src.at], src.inside);
}

/** XP at index i: the padded copy, or X itself when there is no padding; input_grad's DZP (always a copy). */
fn xp(i: u32) -> f32 {
#if ${PADDED}
  return part[params.pad_off + i];
#else
  return act[params.x_off + i];
#endif
}

// A thread's 4 x 8 sums: forward (dX), position i in ci (filters (channels) 0-3) and di (4-7); dW,
// filter i in ci (taps 0-3) and di (taps 4-7).
struct Tile { c0: vec4<f32>, c1: vec4<f32>, c2: vec4<f32>, c3: vec4<f32>, d0: vec4<f32>, d1: vec4<f32>, d2: vec4<f32>, d3: vec4<f32> }
// The 8 filters' rows of W.
struct Rows { lo: vec4<u32>, hi: vec4<u32> }

/** One tap k: 4 X loads at the positions' bases + koff, 8 W loads, 32 multiply-adds. */
fn tap(t: ptr<function, Tile>, x: vec4<u32>, w: Rows, k: u32, koff: u32) {
  let a0 = xp(x.x + koff); let a1 = xp(x.y + koff); let a2 = xp(x.z + koff); let a3 = xp(x.w + koff);
  let b0 = vec4<f32>(weights[w.lo.x + k], weights[w.lo.y + k], weights[w.lo.z + k], weights[w.lo.w + k]);
  let b1 = vec4<f32>(weights[w.hi.x + k], weights[w.hi.y + k], weights[w.hi.z + k], weights[w.hi.w + k]);
  (*t).c0 += a0 * b0; (*t).c1 += a1 * b0; (*t).c2 += a2 * b0; (*t).c3 += a3 * b0;
  (*t).d0 += a0 * b1; (*t).d1 += a1 * b1; (*t).d2 += a2 * b1; (*t).d3 += a3 * b1;
}

/** The 4 x 8 sums of forward and input_grad: 4 positions at input bases x, 8 outputs at weight
 *  offsets w, over `channels` input planes of `plane` floats in rows of `row` and the KH x KW taps
 *  of each. Tap (c, ky, kx) reads the input at x + c plane + ky row + kx and W at w + c w_channel +
 *  ky KW + kx, or with `flipped` (dX) w + c w_channel + KH KW - 1 - (ky KW + kx). The innermost loop
 *  is the longer of channels and kernel columns (CHANNELS_INNER, chosen per dispatch): on
 *  SwiftShader a short loop costs more in its trips than in its taps (3x3 on 64 channels: 200 ms
 *  channels-inner against 450 columns-inner); from 16 channels it takes two a trip (INNER_PAIRS). */
fn product(x: vec4<u32>, w: Rows, channels: u32, plane: u32, row: u32, w_channel: u32, flipped: bool) -> Tile {
  var acc = Tile();
#if ${CHANNELS_INNER}
  for (var t = 0u; t < KH * KW; t++) {
    var koff = (t / KW) * row + t % KW;
    var k = select(t, KH * KW - 1u - t, flipped);
    var c = 0u;
#if ${INNER_PAIRS}
    for (; c + 1u < channels; c += 2u) {
      tap(&acc, x, w, k, koff);
      tap(&acc, x, w, k + w_channel, koff + plane);
      koff += 2u * plane;
      k += 2u * w_channel;
    }
#endif
    for (; c < channels; c++) {
      tap(&acc, x, w, k, koff);
      koff += plane;
      k += w_channel;
    }
  }
#else
  var koff = 0u;
  for (var c = 0u; c < channels; c++) {
    var k = c * w_channel + select(0u, KH * KW - 1u, flipped);
    for (var ky = 0u; ky < KH; ky++) {
      for (var kx = 0u; kx < KW; kx++) {
        tap(&acc, x, w, k, koff + kx);
        k = select(k + 1u, k - 1u, flipped);
      }
      koff += row;
    }
    koff += plane - KH * row;
  }
#endif
  return acc;
}

/** Where output position p (clamped to the last) starts reading XP: its example's first channel,
 *  row oy, column ox. */
fn base(p: u32, positions: u32) -> u32 {
  let q = min(p, positions - 1u);
  let r = q % (HO * WO);
  return (q / (HO * WO)) * CIN * HP * WP + (r / WO) * WP + r % WO;
}

/** W's row of filter co (a filter past COUT reads the last; its sums are dropped). */
fn row(co: u32) -> u32 { return min(co, COUT - 1u) * TAPS; }

@compute @workgroup_size(64)
fn forward(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
           @builtin(local_invocation_index) lid: u32) {
  let positions = params.batch * HO * WO;
  let p_blocks = (positions + 3u) / 4u;
  let t = thread_id(wid, nwg, lid);
  if (t >= p_blocks * ((COUT + 7u) / 8u)) { return; }
  // Position blocks vary fastest: the lanes of a group read the same W entries.
  let p0 = (t % p_blocks) * 4u;
  let co0 = (t / p_blocks) * 8u;
  let x = vec4<u32>(base(p0, positions), base(p0 + 1u, positions), base(p0 + 2u, positions), base(p0 + 3u, positions));
  let w = Rows(vec4<u32>(row(co0), row(co0 + 1u), row(co0 + 2u), row(co0 + 3u)),
               vec4<u32>(row(co0 + 4u), row(co0 + 5u), row(co0 + 6u), row(co0 + 7u)));
  // Tap k = (ci, ky, kx) reads XP at the bases + ci HP WP + ky WP + kx, W at the rows + k.
  let acc = product(x, w, CIN, HP * WP, WP, KH * KW, false);
  let tile = array<vec4<f32>, 8>(acc.c0, acc.d0, acc.c1, acc.d1, acc.c2, acc.d2, acc.c3, acc.d3);
  for (var i = 0u; i < 4u; i++) {
    let p = p0 + i;
    if (p >= positions) { break; }
    let first = (p / (HO * WO)) * COUT * HO * WO + p % (HO * WO);
    for (var j = 0u; j < 8u; j++) {
      let co = co0 + j;
      if (co >= COUT) { break; }
      var z = tile[2u * i + j / 4u][j % 4u];
#if ${HAS_BIAS}
      z += small[params.bias_off + co];
#endif
      let out = first + co * HO * WO;
      act[params.z_off + out] = z;
      act[params.a_off + out] = act_f(ACT, z, params.slope);
    }
  }
}

/** Where tap k (clamped to the last) reads XP relative to a position's base: ci HP WP + ky WP + kx. */
fn tap_offset(k: u32) -> u32 {
  let t = min(k, TAPS - 1u);
  let r = t % (KH * KW);
  return (t / (KH * KW)) * HP * WP + (r / KW) * WP + r % KW;
}

/** dZ's plane of filter co (a filter past COUT reads the last; its sums are dropped). */
fn dz_plane(co: u32) -> u32 { return min(co, COUT - 1u) * HO * WO; }

@compute @workgroup_size(64)
fn weight_grad(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
               @builtin(local_invocation_index) lid: u32) {
  let co_blocks = (COUT + 3u) / 4u;
  let tap_blocks = (TAPS + 7u) / 8u + 1u;
  let blocks = co_blocks * tap_blocks;
  let t = thread_id(wid, nwg, lid);
  if (t >= blocks * params.splits) { return; }
  let b = t % blocks;
  let split = t / blocks;
  let co0 = (b % co_blocks) * 4u;
  let tap_block = b / co_blocks;
  let first = split * params.rows_per_split;
  let last = min(first + params.rows_per_split, params.batch * HO);
  let f = vec4<u32>(dz_plane(co0), dz_plane(co0 + 1u), dz_plane(co0 + 2u), dz_plane(co0 + 3u));
  let outputs = COUT * TAPS + COUT;
  if (tap_block == tap_blocks - 1u) {
    var db = vec4<f32>();
    for (var r = first; r < last; r++) {
      let zb = (r / HO) * COUT * HO * WO + (r % HO) * WO;
      for (var ox = 0u; ox < WO; ox++) { db += vec4<f32>(dz[zb + f.x + ox], dz[zb + f.y + ox], dz[zb + f.z + ox], dz[zb + f.w + ox]); }
    }
    for (var j = 0u; j < 4u; j++) {
      if (co0 + j < COUT) { part[split * outputs + COUT * TAPS + co0 + j] = db[j]; }
    }
    return;
  }
  let k0 = tap_block * 8u;
  let taps = Rows(vec4<u32>(tap_offset(k0), tap_offset(k0 + 1u), tap_offset(k0 + 2u), tap_offset(k0 + 3u)),
                  vec4<u32>(tap_offset(k0 + 4u), tap_offset(k0 + 5u), tap_offset(k0 + 6u), tap_offset(k0 + 7u)));
  var acc = Tile();
  for (var r = first; r < last; r++) {
    let n = r / HO;
    let oy = r % HO;
    var xb = n * CIN * HP * WP + oy * WP;
    var zb = n * COUT * HO * WO + oy * WO;
    for (var ox = 0u; ox < WO; ox++) {
      let a0 = dz[zb + f.x]; let a1 = dz[zb + f.y]; let a2 = dz[zb + f.z]; let a3 = dz[zb + f.w];
      let x0 = vec4<f32>(xp(xb + taps.lo.x), xp(xb + taps.lo.y), xp(xb + taps.lo.z), xp(xb + taps.lo.w));
      let x1 = vec4<f32>(xp(xb + taps.hi.x), xp(xb + taps.hi.y), xp(xb + taps.hi.z), xp(xb + taps.hi.w));
      acc.c0 += a0 * x0; acc.c1 += a1 * x0; acc.c2 += a2 * x0; acc.c3 += a3 * x0;
      acc.d0 += a0 * x1; acc.d1 += a1 * x1; acc.d2 += a2 * x1; acc.d3 += a3 * x1;
      xb++;
      zb++;
    }
  }
  let tile = array<vec4<f32>, 8>(acc.c0, acc.d0, acc.c1, acc.d1, acc.c2, acc.d2, acc.c3, acc.d3);
  for (var i = 0u; i < 4u; i++) {
    let co = co0 + i;
    if (co >= COUT) { break; }
    for (var j = 0u; j < 8u; j++) {
      let k = k0 + j;
      if (k >= TAPS) { break; }
      part[split * outputs + co * TAPS + k] = tile[2u * i + j / 4u][j % 4u];
    }
  }
}

@compute @workgroup_size(64)
fn pad_dz(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
          @builtin(local_invocation_index) lid: u32) {
  let i = thread_id(wid, nwg, lid);
  if (i >= params.batch * COUT * HQ * WQ) { return; }
  let src = padded_source(i, HO, WO, QH, QW);
  part[params.pad_off + i] = select(0.0, dz[src.at], src.inside);
}

/** Where input position p (clamped to the last) starts reading DZP: its example's first filter,
 *  row y, column x. */
fn dz_base(p: u32, positions: u32) -> u32 {
  let q = min(p, positions - 1u);
  let r = q % (H * W);
  return (q / (H * W)) * COUT * HQ * WQ + (r / W) * WQ + r % W;
}

/** W's offset of input channel ci within a filter (a channel past CIN reads the last). */
fn channel(ci: u32) -> u32 { return min(ci, CIN - 1u) * KH * KW; }

@compute @workgroup_size(64)
fn input_grad(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
              @builtin(local_invocation_index) lid: u32) {
  let positions = params.batch * H * W;
  let p_blocks = (positions + 3u) / 4u;
  let t = thread_id(wid, nwg, lid);
  if (t >= p_blocks * ((CIN + 7u) / 8u)) { return; }
  let p0 = (t % p_blocks) * 4u;
  let ci0 = (t / p_blocks) * 8u;
  let x = vec4<u32>(dz_base(p0, positions), dz_base(p0 + 1u, positions), dz_base(p0 + 2u, positions), dz_base(p0 + 3u, positions));
  let w = Rows(vec4<u32>(channel(ci0), channel(ci0 + 1u), channel(ci0 + 2u), channel(ci0 + 3u)),
               vec4<u32>(channel(ci0 + 4u), channel(ci0 + 5u), channel(ci0 + 6u), channel(ci0 + 7u)));
  // Tap (co, ky, kx) reads DZP at the bases + co HQ WQ + ky WQ + kx, W at the channels' offsets +
  // co CIN KH KW + (KH KW - 1 - (ky KW + kx)): the kernel flipped.
  let acc = product(x, w, COUT, HQ * WQ, WQ, CIN * KH * KW, true);
  let tile = array<vec4<f32>, 8>(acc.c0, acc.d0, acc.c1, acc.d1, acc.c2, acc.d2, acc.c3, acc.d3);
  for (var i = 0u; i < 4u; i++) {
    let p = p0 + i;
    if (p >= positions) { break; }
    let first = (p / (H * W)) * CIN * H * W + p % (H * W);
    for (var j = 0u; j < 8u; j++) {
      let ci = ci0 + j;
      if (ci >= CIN) { break; }
      act[params.x_off + first + ci * H * W] = tile[2u * i + j / 4u][j % 4u];
    }
  }
}
