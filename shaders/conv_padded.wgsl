// Conv forward, dW and dX at stride 1 for CPU adapters (SwiftShader), over a zero-padded copy of
// X or dZ, so that no tap needs a bounds test and no thread takes a border path:
//   pad_input: XP[n, ci, y, x] = X[n, ci, y - PAD, x - PAD], 0 outside; [batch x CIN x HP x WP]
//              at part[pad_off] (the shared scratch, after dW's split-K partials).
//   forward:   Z[n, co, oy, ox] = sum over (ci, ky, kx) of XP[n, ci, oy + ky, ox + kx] W[co, ci, ky, kx].
//              Epilogue: + b, Z written, A = act(Z). With PAD = 0, X itself is XP and no copy is made.
//   weight_grad: dW[co, k] = sum over p of dZ[co, p] XP(p, k), k = (ci, ky, kx) one of TAPS = CIN KH KW,
//              p = (n, oy, ox), split-K over the batch HO image rows (split s sums rows
//              s rows_per_split ..), into part[s, w] as conv.wgsl's weight_grad (w < COUT TAPS for
//              dW, then COUT entries for db); conv.wgsl's reduce_weight_grad sums the splits. A
//              thread computes 4 filters x 8 taps (matmul_outer.wgsl's tile), or db of 4 filters,
//              walking the positions of a row with one index step (no division per position).
//   pad_dz:    DZP[n, co, y, x] = dZ[n, co, y - QH, x - QW], 0 outside, QH = KH - 1 - PAD (QW
//              alike; needs PAD < KH, KW); [batch x COUT x HQ x WQ] at part[pad_off].
//   input_grad: dX[n, ci, y, x] = sum over (co, ky, kx) of DZP[n, co, y + ky, x + kx] W[co, ci, KH-1-ky, KW-1-kx]:
//              the transposed conv as the forward's product, with the kernel flipped.
// Forward and input_grad share `window`: a thread computes COLS = 8, 12 or 16 consecutive columns
// of one output row (QUADS of 4) for CT output channels (CT of 1-4), chosen per dispatch (CT to
// waste the fewest channel slots, QUADS for the most columns per unit of time). For each input plane and kernel row it loads the COLS + KW - 1 inputs
// under the row once and uses each for every kernel column: 3x3 with 16 columns and CT = 4 is 18 +
// 12 loads per 192 multiply-adds, where a tile of 4 positions x 8 filters does 12 per 32. On
// SwiftShader every load at a computed index is a per-lane gather, far dearer than a multiply-add
// (bench/NOTES.md, 2026-12-07 night and 12-08). Kernel rows that fall wholly in the padding are
// skipped; kernel columns are unrolled up to KW_MAX = 7 (wider kernels use conv.wgsl).
//   dispatch: pad_input (pad_dz) one thread per XP (DZP) element; forward batch HO ceil(WO / COLS)
//   x ceil(COUT / CT) threads; input_grad batch H ceil(W / COLS) x ceil(CIN / CT);
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
// Output channels (1-4) and columns (4 QUADS, QUADS of 2-4) a thread of forward or input_grad computes.
const CT: u32 = ${CT}u;
const QUADS: u32 = ${QUADS}u;
const COLS: u32 = 4u * QUADS;

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

/** XP (input_grad: DZP) is read as xp(xp_start() + i) for its element i: the padded copy, or X
 *  itself when there is no padding (DZP is always a copy). The start is added once per thread, not
 *  per load. */
fn xp(at: u32) -> f32 {
#if ${PADDED}
  return part[at];
#else
  return act[at];
#endif
}

fn xp_start() -> u32 {
#if ${PADDED}
  return params.pad_off;
#else
  return params.x_off;
#endif
}

// forward and input_grad: a thread's inputs under its columns, or one channel's sums over them,
// four columns to a quad (quads past QUADS stay zero).
struct Quads { a: vec4<f32>, b: vec4<f32>, c: vec4<f32>, d: vec4<f32> }
// A thread's sums: channel j's columns in sj (channels past CT stay zero and are never stored).
struct Window { s0: Quads, s1: Quads, s2: Quads, s3: Quads }

/** acc + x w over the thread's columns. */
fn fma_quads(acc: Quads, x: Quads, w: f32) -> Quads {
  var r = acc;
  r.a += x.a * w;
  r.b += x.b * w;
  if (QUADS > 2u) { r.c += x.c * w; }
  if (QUADS > 3u) { r.d += x.d * w; }
  return r;
}

/** One kernel column: the inputs under the thread's columns times the CT channels' weights at w. */
fn column(s: ptr<function, Window>, x: Quads, w: vec4<u32>) {
  (*s).s0 = fma_quads((*s).s0, x, weights[w.x]);
  if (CT > 1u) { (*s).s1 = fma_quads((*s).s1, x, weights[w.y]); }
  if (CT > 2u) { (*s).s2 = fma_quads((*s).s2, x, weights[w.z]); }
  if (CT > 3u) { (*s).s3 = fma_quads((*s).s3, x, weights[w.w]); }
}

/** Kernel column kx's weights, from column 0's at w (the flipped kernel runs backwards). */
fn column_at(w: vec4<u32>, kx: u32, flipped: bool) -> vec4<u32> { return select(w + kx, w - kx, flipped); }

/** The window one input on: each column takes its right neighbour's input, the last `next`. */
fn shifted(x: Quads, next: f32) -> Quads {
  if (QUADS == 2u) { return Quads(vec4<f32>(x.a.yzw, x.b.x), vec4<f32>(x.b.yzw, next), x.c, x.d); }
  if (QUADS == 3u) { return Quads(vec4<f32>(x.a.yzw, x.b.x), vec4<f32>(x.b.yzw, x.c.x), vec4<f32>(x.c.yzw, next), x.d); }
  return Quads(vec4<f32>(x.a.yzw, x.b.x), vec4<f32>(x.b.yzw, x.c.x), vec4<f32>(x.c.yzw, x.d.x), vec4<f32>(x.d.yzw, next));
}

fn quad_at(x: u32) -> vec4<f32> { return vec4<f32>(xp(x), xp(x + 1u), xp(x + 2u), xp(x + 3u)); }

/** One input row under one kernel row: inputs x .. x + COLS - 1 + KW - 1, kernel column 0's
 *  weights at w. The window moves one input a column. The columns are unrolled under compile-time
 *  guards: a loop of KW trips costs more in its trips than in its taps on SwiftShader. Columns
 *  past the row's end read on into the next row (past the buffer's end WGSL's bounds rules return
 *  some value of the buffer, or zero); only their own sums take those values, and they are dropped. */
fn kernel_row(s: ptr<function, Window>, x: u32, w: vec4<u32>, flipped: bool) {
  var q = Quads(quad_at(x), quad_at(x + 4u), vec4<f32>(), vec4<f32>());
  if (QUADS > 2u) { q.c = quad_at(x + 8u); }
  if (QUADS > 3u) { q.d = quad_at(x + 12u); }
  column(s, q, w);
  if (KW > 1u) { q = shifted(q, xp(x + COLS)); column(s, q, column_at(w, 1u, flipped)); }
  if (KW > 2u) { q = shifted(q, xp(x + COLS + 1u)); column(s, q, column_at(w, 2u, flipped)); }
  if (KW > 3u) { q = shifted(q, xp(x + COLS + 2u)); column(s, q, column_at(w, 3u, flipped)); }
  if (KW > 4u) { q = shifted(q, xp(x + COLS + 3u)); column(s, q, column_at(w, 4u, flipped)); }
  if (KW > 5u) { q = shifted(q, xp(x + COLS + 4u)); column(s, q, column_at(w, 5u, flipped)); }
  if (KW > 6u) { q = shifted(q, xp(x + COLS + 5u)); column(s, q, column_at(w, 6u, flipped)); }
}

/** The sums of forward and input_grad over `channels` input planes of `plane` floats in rows of
 *  `row`, from input x (the thread's first column in plane 0, kernel row 0); w: the CT channels'
 *  weights of plane 0, w_channel apart per plane; kernel rows rows.x .. rows.y - 1 (the others read
 *  only padding). Tap (c, ky, kx) reads the input at x + c plane + ky row + kx, W at w + c w_channel
 *  + ky KW + kx, or with `flipped` (dX) w + c w_channel + KH KW - 1 - (ky KW + kx). */
fn window(x: u32, w: vec4<u32>, channels: u32, plane: u32, row: u32, w_channel: u32, rows: vec2<u32>, flipped: bool) -> Window {
  var s = Window();
  for (var ky = rows.x; ky < rows.y; ky++) {
    var xr = x + ky * row;
    var wk = w + select(ky * KW, KH * KW - 1u - ky * KW, flipped);
    for (var c = 0u; c < channels; c++) {
      kernel_row(&s, xr, wk, flipped);
      xr += plane;
      wk += w_channel;
    }
  }
  return s;
}

/** The kernel rows output row y reads outside the padding of a source with `top` padding rows
 *  above `real` rows: ky with top <= y + ky < top + real. */
fn kernel_rows(y: u32, top: u32, real: u32) -> vec2<u32> {
  return vec2<u32>(u32(max(i32(top) - i32(y), 0)), u32(clamp(i32(top + real) - i32(y), 0, i32(KH))));
}

/** A thread of forward or input_grad: image n, output row y, first column x0 (of COLS), first
 *  channel c0 (of CT); segments of rows vary fastest, so the lanes of a group read the same weights. */
struct Segment { n: u32, y: u32, x0: u32, c0: u32 }

/** Threads of forward or input_grad: a segment of COLS columns of each of batch x rows output rows, per CT of `channels`. */
fn segments(rows: u32, cols: u32, channels: u32) -> u32 { return params.batch * rows * ((cols + COLS - 1u) / COLS) * ((channels + CT - 1u) / CT); }

fn segment(t: u32, rows: u32, cols: u32) -> Segment {
  let segs = (cols + COLS - 1u) / COLS;
  let row_segs = params.batch * rows * segs;
  let r = (t % row_segs) / segs;
  return Segment(r / rows, r % rows, ((t % row_segs) % segs) * COLS, (t / row_segs) * CT);
}

/** The window's sums as values a store loop can index: channel j's column i in [4j + i / 4][i % 4]. */
fn sums(s: Window) -> array<vec4<f32>, 16> {
  return array<vec4<f32>, 16>(s.s0.a, s.s0.b, s.s0.c, s.s0.d, s.s1.a, s.s1.b, s.s1.c, s.s1.d,
                              s.s2.a, s.s2.b, s.s2.c, s.s2.d, s.s3.a, s.s3.b, s.s3.c, s.s3.d);
}

/** W's row of filter co (a filter past COUT reads the last; its sums are dropped). */
fn filter_row(co: u32) -> u32 { return min(co, COUT - 1u) * TAPS; }

@compute @workgroup_size(64)
fn forward(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
           @builtin(local_invocation_index) lid: u32) {
  let t = thread_id(wid, nwg, lid);
  if (t >= segments(HO, WO, COUT)) { return; }
  let g = segment(t, HO, WO);
  let w = vec4<u32>(filter_row(g.c0), filter_row(g.c0 + 1u), filter_row(g.c0 + 2u), filter_row(g.c0 + 3u));
  let out = sums(window(xp_start() + g.n * CIN * HP * WP + g.y * WP + g.x0, w, CIN, HP * WP, WP, KH * KW, kernel_rows(g.y, PAD, H), false));
  for (var j = 0u; j < CT; j++) {
    let co = g.c0 + j;
    if (co >= COUT) { break; }
    let first = ((g.n * COUT + co) * HO + g.y) * WO + g.x0;
    for (var i = 0u; i < COLS; i++) {
      if (g.x0 + i >= WO) { break; }
      var z = out[4u * j + i / 4u][i % 4u];
#if ${HAS_BIAS}
      z += small[params.bias_off + co];
#endif
      act[params.z_off + first + i] = z;
      act[params.a_off + first + i] = act_f(ACT, z, params.slope);
    }
  }
}

// weight_grad: a thread's 4 x 8 sums, filter i in ci (taps 0-3) and di (taps 4-7).
struct Tile { c0: vec4<f32>, c1: vec4<f32>, c2: vec4<f32>, c3: vec4<f32>, d0: vec4<f32>, d1: vec4<f32>, d2: vec4<f32>, d3: vec4<f32> }
// The 8 taps' offsets.
struct Rows { lo: vec4<u32>, hi: vec4<u32> }

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
    var xb = xp_start() + n * CIN * HP * WP + oy * WP;
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

/** W's offset of input channel ci within a filter (a channel past CIN reads the last). */
fn channel(ci: u32) -> u32 { return min(ci, CIN - 1u) * KH * KW; }

@compute @workgroup_size(64)
fn input_grad(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
              @builtin(local_invocation_index) lid: u32) {
  let t = thread_id(wid, nwg, lid);
  if (t >= segments(H, W, CIN)) { return; }
  let g = segment(t, H, W);
  let w = vec4<u32>(channel(g.c0), channel(g.c0 + 1u), channel(g.c0 + 2u), channel(g.c0 + 3u));
  // The filters are the planes summed over: filter co's weights for channel ci at co CIN KH KW + ci KH KW.
  let out = sums(window(xp_start() + g.n * COUT * HQ * WQ + g.y * WQ + g.x0, w, COUT, HQ * WQ, WQ, CIN * KH * KW, kernel_rows(g.y, QH, HO), true));
  for (var j = 0u; j < CT; j++) {
    let ci = g.c0 + j;
    if (ci >= CIN) { break; }
    let first = ((g.n * CIN + ci) * H + g.y) * W + g.x0;
    for (var i = 0u; i < COLS; i++) {
      if (g.x0 + i >= W) { break; }
      act[params.x_off + first + i] = out[4u * j + i / 4u][i % 4u];
    }
  }
}
