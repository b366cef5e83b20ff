// Conv forward, dW and dX at stride 1 for CPU adapters (SwiftShader), with no bounds test per tap
// and no border path:
//   forward:   Z[n, co, oy, ox] = sum over (ci, ky, kx) of X[n, ci, oy + ky - PAD, ox + kx - PAD] W[co, ci, ky, kx]
//              (X zero outside). Epilogue: + b, Z written, A = act(Z).
//   input_grad: dX[n, ci, y, x] = sum over (co, ky, kx) of dZ[n, co, y + ky - QH, x + kx - QW] W[co, ci, KH-1-ky, KW-1-kx]
//              (dZ zero outside), QH = KH - 1 - PAD (QW alike; needs PAD < KH, KW): the transposed
//              conv as the forward's product, with the kernel flipped.
//   pad_input: XP[n, ci, y, x] = X[n, ci, y - PAD, x - PAD], 0 outside; [batch x CIN x HP x WP]
//              at part[pad_off] (the shared scratch, after dW's split-K partials), for weight_grad.
//   weight_grad: dW[co, k] = sum over p of dZ[co, p] XP(p, k), k = (ci, ky, kx) one of TAPS = CIN KH KW,
//              p = (n, oy, ox), split-K over the batch HO image rows (split s sums rows
//              s rows_per_split ..), into part[s, w] as conv.wgsl's weight_grad (w < COUT TAPS for
//              dW, then COUT entries for db); conv.wgsl's reduce_weight_grad sums the splits. A
//              thread sums FT filters x CC input channels x the KW columns of one kernel row, or
//              db of FT filters, walking its rows' positions four at a time (the last WO mod 4 one
//              at a time): per trip 4 FT dZ loads and, per channel, 4 + KW - 1 of XP's row, for 16
//              CC KW multiply-adds (3x3, FT = CC = 4: 40 loads per 192; the 4 x 8 tile it replaced
//              did 12 per 32). With PAD = 0, X itself is XP and no copy is made.
// Forward and input_grad share `window`: a thread computes COLS = 8, 12 or 16 consecutive columns
// of one output row (QUADS of 4) for CT output channels (CT of 1-4), chosen per dispatch (CT to
// waste the fewest channel slots, QUADS for the most columns per unit of time). For each input
// plane and kernel row it loads the COLS + KW - 1 inputs under the row once and uses each for every
// kernel column: 3x3 with 16 columns and CT = 4 is 18 + 12 loads per 192 multiply-adds, where a
// tile of 4 positions x 8 filters does 12 per 32. On SwiftShader every load at a computed index is
// a per-lane gather, far dearer than a multiply-add (bench/NOTES.md, 2026-12-07 night and 12-08).
// The window reads X or dZ where it lies: kernel rows outside the source are skipped per thread,
// and the loads that can fall left or right of a source row (known at compile time from the
// kernel, the padding, the row's width and COLS) are zeroed by a select. A padded copy cost more
// than these selects (bench/NOTES.md, 2026-12-08 later). Kernel columns are unrolled
// up to KW_MAX = 7, in dW too (wider kernels use conv.wgsl).
//   dispatch: pad_input one thread per XP row; forward batch HO ceil(WO / COLS) x ceil(COUT / CT)
//   threads; input_grad batch H ceil(W / COLS) x ceil(CIN / CT); weight_grad splits x
//   ceil(COUT / FT) x (ceil(CIN / CC) KH + 1); workgroup 64, folded into 2-D past 65535 workgroups.

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
// Output channels (1-4) and columns (QUADS of 4, QUADS of 2-4) a thread of forward or input_grad computes.
const CT: u32 = ${CT}u;
const QUADS: u32 = ${QUADS}u;
const COLS: u32 = 4u * QUADS;
// The window's product this dispatch runs: input_grad (over dZ, the kernel flipped) or forward (over X).
const INPUT_GRAD: bool = ${INPUT_GRAD};
// The window's source planes (X, or dZ for dX) of SRC_H x SRC_W, read as if padded by TOP rows and
// LEFT columns of zeros, and the width of the rows it computes.
const SRC_H: u32 = select(H, HO, INPUT_GRAD);
const SRC_W: u32 = select(W, WO, INPUT_GRAD);
const TOP: u32 = select(PAD, QH, INPUT_GRAD);
const LEFT: u32 = select(PAD, QW, INPUT_GRAD);
const OUT_W: u32 = select(WO, W, INPUT_GRAD);
// Load j of the window of a thread whose first column is x0 reads source column x0 - LEFT + j,
// inside the row for j < SRC_W + LEFT - x0. The last segment of a row has the largest x0, so no
// thread's loads below REAL_MIN pass the row's end, and loads from LEFT to REAL_MIN need no select.
const REAL_MIN: i32 = i32(SRC_W + LEFT) - i32(((OUT_W + COLS - 1u) / COLS - 1u) * COLS);

fn thread_id(wid: vec3<u32>, nwg: vec3<u32>, lid: u32) -> u32 { return (wid.x + wid.y * nwg.x) * 64u + lid; }

/** A thread per row of XP: the row of X under it between PAD zeros, or zeros in the padding rows. */
@compute @workgroup_size(64)
fn pad_input(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
             @builtin(local_invocation_index) lid: u32) {
  let r = thread_id(wid, nwg, lid);
  if (r >= params.batch * CIN * HP) { return; }
  let out = params.pad_off + r * WP;
  let y = i32(r % HP) - i32(PAD);
  if (y < 0 || y >= i32(H)) {
    for (var x = 0u; x < WP; x++) { part[out + x] = 0.0; }
    return;
  }
  let row = params.x_off + ((r / HP) * H + u32(y)) * W;
  for (var x = 0u; x < PAD; x++) {
    part[out + x] = 0.0;
    part[out + PAD + W + x] = 0.0;
  }
  for (var x = 0u; x < W; x++) { part[out + PAD + x] = act[row + x]; }
}

/** weight_grad reads XP as xp(xp_start() + i) for its element i: the padded copy, or X itself
 *  when there is no padding. The start is added once per thread, not per load. */
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

/** The window's source: dZ for input_grad, else X (in act). */
fn src(at: u32) -> f32 {
#if ${INPUT_GRAD}
  return dz[at];
#else
  return act[at];
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

/** Kernel column kx's weights, from column 0's at w (input_grad's flipped kernel runs backwards). */
fn column_at(w: vec4<u32>, kx: u32) -> vec4<u32> {
  if (INPUT_GRAD) { return w - kx; }
  return w + kx;
}

/** The window one input on: each column takes its right neighbour's input, the last `next`. */
fn shifted(x: Quads, next: f32) -> Quads {
  if (QUADS == 2u) { return Quads(vec4<f32>(x.a.yzw, x.b.x), vec4<f32>(x.b.yzw, next), x.c, x.d); }
  if (QUADS == 3u) { return Quads(vec4<f32>(x.a.yzw, x.b.x), vec4<f32>(x.b.yzw, x.c.x), vec4<f32>(x.c.yzw, next), x.d); }
  return Quads(vec4<f32>(x.a.yzw, x.b.x), vec4<f32>(x.b.yzw, x.c.x), vec4<f32>(x.c.yzw, x.d.x), vec4<f32>(x.d.yzw, next));
}

/** Load j of the window at x, zero where it falls outside the source row (real.x <= j < real.y
 *  inside). Only loads a row's ends can reach pay for the select: j is a constant at every call,
 *  so once inlined the tests against LEFT and REAL_MIN are decided when the shader compiles. */
fn load_at(x: u32, j: u32, real: vec2<i32>) -> f32 {
  let v = src(x + j);
  if (j < LEFT) { return select(0.0, v, i32(j) >= real.x); }
  if (i32(j) >= REAL_MIN) { return select(0.0, v, i32(j) < real.y); }
  return v;
}

fn quad_at(x: u32, j: u32, real: vec2<i32>) -> vec4<f32> {
  return vec4<f32>(load_at(x, j, real), load_at(x, j + 1u, real), load_at(x, j + 2u, real), load_at(x, j + 3u, real));
}

/** One source row under one kernel row: loads x .. x + COLS - 1 + KW - 1, of which `real` are
 *  inside the row; kernel column 0's weights at w. The window moves one input a column. The
 *  columns are unrolled under compile-time guards: a loop of KW trips costs more in its trips than
 *  in its taps on SwiftShader. Loads kept inside the source may read on into the next row for
 *  columns past the output row's end; only their own sums take those values, and they are dropped. */
fn kernel_row(s: ptr<function, Window>, x: u32, w: vec4<u32>, real: vec2<i32>) {
  var q = Quads(quad_at(x, 0u, real), quad_at(x, 4u, real), vec4<f32>(), vec4<f32>());
  if (QUADS > 2u) { q.c = quad_at(x, 8u, real); }
  if (QUADS > 3u) { q.d = quad_at(x, 12u, real); }
  column(s, q, w);
  if (KW > 1u) { q = shifted(q, load_at(x, COLS, real)); column(s, q, column_at(w, 1u)); }
  if (KW > 2u) { q = shifted(q, load_at(x, COLS + 1u, real)); column(s, q, column_at(w, 2u)); }
  if (KW > 3u) { q = shifted(q, load_at(x, COLS + 2u, real)); column(s, q, column_at(w, 3u)); }
  if (KW > 4u) { q = shifted(q, load_at(x, COLS + 3u, real)); column(s, q, column_at(w, 4u)); }
  if (KW > 5u) { q = shifted(q, load_at(x, COLS + 4u, real)); column(s, q, column_at(w, 5u)); }
  if (KW > 6u) { q = shifted(q, load_at(x, COLS + 5u, real)); column(s, q, column_at(w, 6u)); }
}

/** The sums of forward and input_grad over `channels` source planes of SRC_H x SRC_W, from source
 *  index x (the thread's load 0 in plane 0 at kernel row 0, rows above the plane's start wrapping
 *  round: only kernel rows rows.x .. rows.y - 1, those inside the source, are read); w: the CT
 *  channels' weights of plane 0, w_channel apart per plane; `real`: the thread's loads inside a
 *  row. Tap (c, ky, kx) reads the source at x + c plane + ky SRC_W + kx, W at w + c w_channel +
 *  ky KW + kx, or for input_grad (the kernel flipped) w + c w_channel + KH KW - 1 - (ky KW + kx). */
fn window(x: u32, w: vec4<u32>, channels: u32, w_channel: u32, rows: vec2<u32>, real: vec2<i32>) -> Window {
  var s = Window();
  for (var ky = rows.x; ky < rows.y; ky++) {
    var xr = x + ky * SRC_W;
    var wk = w + ky * KW;
    if (INPUT_GRAD) { wk = w + KH * KW - 1u - ky * KW; }
    for (var c = 0u; c < channels; c++) {
      kernel_row(&s, xr, wk, real);
      xr += SRC_H * SRC_W;
      wk += w_channel;
    }
  }
  return s;
}

/** The first source index a thread's window reads (load 0 at kernel row 0), from its plane 0 at
 *  `plane0`: above and left of the plane's start, by TOP rows and LEFT columns (u32 arithmetic
 *  wraps; the window reads only from the rows and loads inside the source). */
fn window_start(plane0: u32, g: Segment) -> u32 { return plane0 + g.y * SRC_W + g.x0 - TOP * SRC_W - LEFT; }

/** The loads of a thread's window inside the source row: LEFT - x0 <= j < SRC_W + LEFT - x0. */
fn real_loads(g: Segment) -> vec2<i32> { return vec2<i32>(i32(LEFT) - i32(g.x0), i32(SRC_W + LEFT) - i32(g.x0)); }

/** The kernel rows output row y reads inside the source: ky with 0 <= y + ky - TOP < SRC_H. */
fn kernel_rows(y: u32) -> vec2<u32> {
  return vec2<u32>(u32(max(i32(TOP) - i32(y), 0)), u32(clamp(i32(TOP + SRC_H) - i32(y), 0, i32(KH))));
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

// The window's sums are stored unrolled (channels and quads under compile-time guards): a loop
// over columns would index them as a private array at a computed index, a per-lane gather on
// SwiftShader, for every store.
const OUT_C: u32 = select(COUT, CIN, INPUT_GRAD);
const OUT_H: u32 = select(HO, H, INPUT_GRAD);

/** Element `at` of the output (its offset within Z or dX): forward writes Z = v + b and A = act(Z), input_grad dX = v. */
fn store_at(at: u32, v: f32, b: f32) {
  if (INPUT_GRAD) {
    act[params.x_off + at] = v;
    return;
  }
  act[params.z_off + at] = v + b;
  act[params.a_off + at] = act_f(ACT, v + b, params.slope);
}

/** Four columns from column x, element `at`; those past the row's end are not stored. */
fn store_quad(q: vec4<f32>, at: u32, x: u32, b: f32) {
  if (x < OUT_W) { store_at(at, q.x, b); }
  if (x + 1u < OUT_W) { store_at(at + 1u, q.y, b); }
  if (x + 2u < OUT_W) { store_at(at + 2u, q.z, b); }
  if (x + 3u < OUT_W) { store_at(at + 3u, q.w, b); }
}

/** Bias of output channel c (forward only). */
fn bias(c: u32) -> f32 {
#if ${HAS_BIAS}
  return small[params.bias_off + c];
#else
  return 0.0;
#endif
}

/** Channel j of the thread's sums (none past the last channel: convPadded.ts picks a CT that
 *  divides the channels, so this test holds for every thread today). */
fn store_channel(q: Quads, g: Segment, j: u32) {
  let c = g.c0 + j;
  if (c >= OUT_C) { return; }
  let at = ((g.n * OUT_C + c) * OUT_H + g.y) * OUT_W + g.x0;
  let b = bias(c);
  store_quad(q.a, at, g.x0, b);
  store_quad(q.b, at + 4u, g.x0 + 4u, b);
  if (QUADS > 2u) { store_quad(q.c, at + 8u, g.x0 + 8u, b); }
  if (QUADS > 3u) { store_quad(q.d, at + 12u, g.x0 + 12u, b); }
}

fn store_window(s: Window, g: Segment) {
  store_channel(s.s0, g, 0u);
  if (CT > 1u) { store_channel(s.s1, g, 1u); }
  if (CT > 2u) { store_channel(s.s2, g, 2u); }
  if (CT > 3u) { store_channel(s.s3, g, 3u); }
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
  store_window(window(window_start(params.x_off + g.n * CIN * H * W, g), w, CIN, KH * KW, kernel_rows(g.y), real_loads(g)), g);
}

// weight_grad: a thread's sums for FT filters (the lanes of each vec4) x CC input channels x the
// KW kernel columns of one kernel row: channel j's column kx in cj.kx (unused ones stay zero).
const FT: u32 = ${FT}u;
const CC: u32 = ${CC}u;
struct ColumnSums { k0: vec4<f32>, k1: vec4<f32>, k2: vec4<f32>, k3: vec4<f32>, k4: vec4<f32>, k5: vec4<f32>, k6: vec4<f32> }
struct Sums { c0: ColumnSums, c1: ColumnSums, c2: ColumnSums, c3: ColumnSums }
// dZ of the thread's filters at four consecutive positions.
struct Positions { p0: vec4<f32>, p1: vec4<f32>, p2: vec4<f32>, p3: vec4<f32> }

/** dZ's plane of filter co (a filter past COUT reads the last; its sums are dropped). */
fn dz_plane(co: u32) -> u32 { return min(co, COUT - 1u) * HO * WO; }

/** dZ of the thread's FT filters (planes at f) at position `at` of an image's plane. */
fn dz_filters(f: vec4<u32>, at: u32) -> vec4<f32> {
  var d = vec4<f32>(dz[at + f.x], 0.0, 0.0, 0.0);
  if (FT > 1u) { d.y = dz[at + f.y]; }
  if (FT > 2u) { d.z = dz[at + f.z]; }
  if (FT > 3u) { d.w = dz[at + f.w]; }
  return d;
}

/** Sum over the four positions i of d.pi x[i] (x: the inputs under them at one kernel column). */
fn positions_dot(d: Positions, x: vec4<f32>) -> vec4<f32> { return d.p0 * x.x + d.p1 * x.y + d.p2 * x.z + d.p3 * x.w; }

/** One channel's kernel columns over four positions: XP at x .. x + 3 + KW - 1, the window of
 *  four inputs moving one a column (unrolled under compile-time guards, as kernel_row). */
fn four_positions(acc: ColumnSums, d: Positions, x: u32) -> ColumnSums {
  var r = acc;
  var q = vec4<f32>(xp(x), xp(x + 1u), xp(x + 2u), xp(x + 3u));
  r.k0 += positions_dot(d, q);
  if (KW > 1u) { q = vec4<f32>(q.yzw, xp(x + 4u)); r.k1 += positions_dot(d, q); }
  if (KW > 2u) { q = vec4<f32>(q.yzw, xp(x + 5u)); r.k2 += positions_dot(d, q); }
  if (KW > 3u) { q = vec4<f32>(q.yzw, xp(x + 6u)); r.k3 += positions_dot(d, q); }
  if (KW > 4u) { q = vec4<f32>(q.yzw, xp(x + 7u)); r.k4 += positions_dot(d, q); }
  if (KW > 5u) { q = vec4<f32>(q.yzw, xp(x + 8u)); r.k5 += positions_dot(d, q); }
  if (KW > 6u) { q = vec4<f32>(q.yzw, xp(x + 9u)); r.k6 += positions_dot(d, q); }
  return r;
}

/** One channel's kernel columns at one position: XP at x .. x + KW - 1. */
fn one_position(acc: ColumnSums, d: vec4<f32>, x: u32) -> ColumnSums {
  var r = acc;
  r.k0 += d * xp(x);
  if (KW > 1u) { r.k1 += d * xp(x + 1u); }
  if (KW > 2u) { r.k2 += d * xp(x + 2u); }
  if (KW > 3u) { r.k3 += d * xp(x + 3u); }
  if (KW > 4u) { r.k4 += d * xp(x + 4u); }
  if (KW > 5u) { r.k5 += d * xp(x + 5u); }
  if (KW > 6u) { r.k6 += d * xp(x + 6u); }
  return r;
}

fn column_sums(c: ColumnSums) -> array<vec4<f32>, 7> { return array<vec4<f32>, 7>(c.k0, c.k1, c.k2, c.k3, c.k4, c.k5, c.k6); }

/** XP's plane of input channel ci, relative to channel 0's (a channel past CIN reads the last; its sums are dropped). */
fn xp_plane(ci: u32) -> u32 { return min(ci, CIN - 1u) * HP * WP; }

@compute @workgroup_size(64)
fn weight_grad(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
               @builtin(local_invocation_index) lid: u32) {
  let filter_groups = (COUT + FT - 1u) / FT;
  // Per filter group: a job per (channel group, kernel row), and one for db.
  let jobs = ((CIN + CC - 1u) / CC) * KH + 1u;
  let t = thread_id(wid, nwg, lid);
  if (t >= filter_groups * jobs * params.splits) { return; }
  let split = t / (filter_groups * jobs);
  let b = t % (filter_groups * jobs);
  let co0 = (b % filter_groups) * FT;
  let job = b / filter_groups;
  let first = split * params.rows_per_split;
  let last = min(first + params.rows_per_split, params.batch * HO);
  let f = vec4<u32>(dz_plane(co0), dz_plane(co0 + 1u), dz_plane(co0 + 2u), dz_plane(co0 + 3u));
  let outputs = COUT * TAPS + COUT;
  if (job == jobs - 1u) {
    var db = vec4<f32>();
    for (var r = first; r < last; r++) {
      let zb = (r / HO) * COUT * HO * WO + (r % HO) * WO;
      for (var ox = 0u; ox < WO; ox++) { db += dz_filters(f, zb + ox); }
    }
    for (var j = 0u; j < FT; j++) {
      if (co0 + j < COUT) { part[split * outputs + COUT * TAPS + co0 + j] = db[j]; }
    }
    return;
  }
  let ci0 = (job / KH) * CC;
  let ky = job % KH;
  let planes = vec4<u32>(xp_plane(ci0), xp_plane(ci0 + 1u), xp_plane(ci0 + 2u), xp_plane(ci0 + 3u));
  var s = Sums();
  for (var r = first; r < last; r++) {
    let n = r / HO;
    let zb = n * COUT * HO * WO + (r % HO) * WO;
    // XP's row under output row r % HO at kernel row ky, in the image's plane 0.
    let xb = xp_start() + n * CIN * HP * WP + (r % HO + ky) * WP;
    var ox = 0u;
    for (; ox + 4u <= WO; ox += 4u) {
      let d = Positions(dz_filters(f, zb + ox), dz_filters(f, zb + ox + 1u), dz_filters(f, zb + ox + 2u), dz_filters(f, zb + ox + 3u));
      s.c0 = four_positions(s.c0, d, xb + planes.x + ox);
      if (CC > 1u) { s.c1 = four_positions(s.c1, d, xb + planes.y + ox); }
      if (CC > 2u) { s.c2 = four_positions(s.c2, d, xb + planes.z + ox); }
      if (CC > 3u) { s.c3 = four_positions(s.c3, d, xb + planes.w + ox); }
    }
    for (; ox < WO; ox++) {
      let d = dz_filters(f, zb + ox);
      s.c0 = one_position(s.c0, d, xb + planes.x + ox);
      if (CC > 1u) { s.c1 = one_position(s.c1, d, xb + planes.y + ox); }
      if (CC > 2u) { s.c2 = one_position(s.c2, d, xb + planes.z + ox); }
      if (CC > 3u) { s.c3 = one_position(s.c3, d, xb + planes.w + ox); }
    }
  }
  let sums = array<array<vec4<f32>, 7>, 4>(column_sums(s.c0), column_sums(s.c1), column_sums(s.c2), column_sums(s.c3));
  for (var i = 0u; i < FT; i++) {
    let co = co0 + i;
    if (co >= COUT) { break; }
    for (var j = 0u; j < CC; j++) {
      let ci = ci0 + j;
      if (ci >= CIN) { break; }
      for (var kx = 0u; kx < KW; kx++) { part[split * outputs + co * TAPS + (ci * KH + ky) * KW + kx] = sums[j][kx][i]; }
    }
  }
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
  store_window(window(window_start(g.n * COUT * HO * WO, g), w, COUT, CIN * KH * KW, kernel_rows(g.y), real_loads(g)), g);
}
