// Statistics family: every TensorStats field of design.md for a batch of tensors in one set of
// three dispatches (all layers of a step at once). Each tensor is a [rows x cols] region of the
// arena (`act`) or of `extra` (a weight-gradient buffer), described by one record of `desc`
// (fields D_*: source, offset, rows, cols, grid, partial and flag bases, slot, saturation inputs,
// histogram range, col_span). Every field index below is injected from src/stats/layout.ts,
// the one definition the TypeScript side reads and writes with.
// A workgroup owns col_span blocks of WG consecutive columns and row_chunk rows; a thread walks
// one column of each block, so reads coalesce and a column's "any non-zero" flag (dead units)
// costs one atomic. GPUs use col_span 1 (many workgroups); CPU adapters all columns in one
// workgroup (few workgroups: each costs ~0.1-0.2 ms there before any work).
//   moments:   grid (max groups, tensors). Welford per thread, Chan's merge across the
//              workgroup; one partial record per workgroup; ORs the column flags.
//   finalize:  grid (tensors). Merges the partials, counts dead columns (and clears their
//              flags for the next step), writes the header, clears the histogram.
//   histogram: grid (max groups, tensors). Workgroup-local bins, then atomics into the slot.
// WORKGROUP_REDUCE is false on CPU adapters: no workgroup reduction; moments writes one partial
// record per thread and finalize's thread 0 merges them in order. SwiftShader compiled moments
// and finalize in ~0.45 s each with the reduction's shared-memory reads and ~0.05 s without (a
// stats batch is three of each per net), and its barriers cost every workgroup a coroutine switch
// at run time.
// Slot (S_BINS + BINS words): the header fields S_* (finite count, mean, M2 = sum of squared
//   deviations, min, max, sum |x|, zeros, dead columns, saturated, NaN, Inf, underflow, overflow,
//   histogram lo and hi), then the bins. Partial records: fields P_*, P_STRIDE words each.
// Moments skip NaN and Inf (they are counted apart); saturated = |f'(z)| < 1% of the
// activation's largest slope, from the layer's Z at z_off (same [rows x cols] layout).
// Per batch, at compile time: SRC (0: every tensor is in `act`, 1: in `extra`) and SAT_ACT (the
// activation id whose saturation is counted, or NO_SAT). Run-time choices would cost every
// element both loads and the whole act_df switch on CPU adapters, which run masked-off branches.

// Layout (src/stats/layout.ts).
const D_SOURCE: u32 = ${D_SOURCE}u;
const D_OFFSET: u32 = ${D_OFFSET}u;
const D_ROWS: u32 = ${D_ROWS}u;
const D_COLS: u32 = ${D_COLS}u;
const D_COL_GROUPS: u32 = ${D_COL_GROUPS}u;
const D_ROW_CHUNK: u32 = ${D_ROW_CHUNK}u;
const D_GROUPS: u32 = ${D_GROUPS}u;
const D_PARTIAL_BASE: u32 = ${D_PARTIAL_BASE}u;
const D_FLAG_BASE: u32 = ${D_FLAG_BASE}u;
const D_SLOT: u32 = ${D_SLOT}u;
const D_SATURATION: u32 = ${D_SATURATION}u;
const D_Z_OFF: u32 = ${D_Z_OFF}u;
const D_ALPHA_OFF: u32 = ${D_ALPHA_OFF}u;
const D_SLOPE: u32 = ${D_SLOPE}u;
const D_MAX_SLOPE: u32 = ${D_MAX_SLOPE}u;
const D_HIST_FIXED: u32 = ${D_HIST_FIXED}u;
const D_HIST_LO: u32 = ${D_HIST_LO}u;
const D_HIST_HI: u32 = ${D_HIST_HI}u;
const D_COL_SPAN: u32 = ${D_COL_SPAN}u;
const D_GROUP: u32 = ${D_GROUP}u;
const D_STRIDE: u32 = ${D_STRIDE}u;
const S_COUNT: u32 = ${S_COUNT}u;
const S_MEAN: u32 = ${S_MEAN}u;
const S_M2: u32 = ${S_M2}u;
const S_MIN: u32 = ${S_MIN}u;
const S_MAX: u32 = ${S_MAX}u;
const S_ABS_SUM: u32 = ${S_ABS_SUM}u;
const S_ZEROS: u32 = ${S_ZEROS}u;
const S_DEAD: u32 = ${S_DEAD}u;
const S_SATURATED: u32 = ${S_SATURATED}u;
const S_NAN: u32 = ${S_NAN}u;
const S_INF: u32 = ${S_INF}u;
const S_UNDERFLOW: u32 = ${S_UNDERFLOW}u;
const S_OVERFLOW: u32 = ${S_OVERFLOW}u;
const S_HIST_LO: u32 = ${S_HIST_LO}u;
const S_HIST_HI: u32 = ${S_HIST_HI}u;
const S_BINS: u32 = ${S_BINS}u;
const P_N: u32 = ${P_N}u;
const P_MEAN: u32 = ${P_MEAN}u;
const P_M2: u32 = ${P_M2}u;
const P_MIN: u32 = ${P_MIN}u;
const P_MAX: u32 = ${P_MAX}u;
const P_ABS_SUM: u32 = ${P_ABS_SUM}u;
const P_ZEROS: u32 = ${P_ZEROS}u;
const P_SATURATED: u32 = ${P_SATURATED}u;
const P_NAN: u32 = ${P_NAN}u;
const P_INF: u32 = ${P_INF}u;
const P_STRIDE: u32 = ${P_STRIDE}u;

const BINS: u32 = ${BINS}u;
// Workgroup size: 256 on GPUs, 64 on CPU adapters (where a workgroup with barriers costs time
// superlinear in its size). LEVEL * LEVEL == WG.
const WG: u32 = ${WG}u;
const SRC: u32 = ${SRC}u;
const SAT_ACT: u32 = ${SAT_ACT}u;
const LEVEL: u32 = ${LEVEL}u;
const SLOT_STRIDE: u32 = S_BINS + BINS;
const NO_SAT: u32 = 0xffffffffu;
const BIG: f32 = 3.0e38;

@group(0) @binding(0) var<storage, read> desc: array<u32>;
@group(0) @binding(1) var<storage, read> act: array<f32>;
@group(0) @binding(2) var<storage, read> extra: array<f32>;
@group(0) @binding(3) var<storage, read> small: array<f32>;
@group(0) @binding(4) var<storage, read_write> stats: array<atomic<u32>>;
@group(0) @binding(5) var<storage, read_write> partials: array<u32>;
@group(0) @binding(6) var<storage, read_write> flags: array<atomic<u32>>;

// Counts of one thread or workgroup: zeros, saturated, NaN, Inf.
struct Moments {
  n: u32, mean: f32, m2: f32, lo: f32, hi: f32, abs_sum: f32, counts: vec4<u32>,
}

#if ${WORKGROUP_REDUCE}
var<workgroup> shared_n: array<u32, WG>;
var<workgroup> shared_mean: array<f32, WG>;
var<workgroup> shared_m2: array<f32, WG>;
var<workgroup> shared_lo: array<f32, WG>;
var<workgroup> shared_hi: array<f32, WG>;
var<workgroup> shared_abs: array<f32, WG>;
var<workgroup> shared_counts: array<vec4<u32>, WG>;
#endif
var<workgroup> shared_dead: atomic<u32>;
var<workgroup> shared_bins: array<atomic<u32>, BINS>;
var<workgroup> shared_under: atomic<u32>;
var<workgroup> shared_over: atomic<u32>;

fn d(t: u32, field: u32) -> u32 { return desc[t * D_STRIDE + field]; }
fn df(t: u32, field: u32) -> f32 { return bitcast<f32>(desc[t * D_STRIDE + field]); }

fn load_x(i: u32) -> f32 {
  if (SRC == 0u) { return act[i]; }
  return extra[i];
}

fn is_finite_bits(bits: u32) -> bool { return (bits & 0x7f800000u) != 0x7f800000u; }
fn is_nan_bits(bits: u32) -> bool { return !is_finite_bits(bits) && (bits & 0x007fffffu) != 0u; }

fn empty_moments() -> Moments {
  return Moments(0u, 0.0, 0.0, BIG, -BIG, 0.0, vec4<u32>(0u));
}

// Chan et al.'s pairwise combination of (count, mean, M2).
fn merge(a: Moments, b: Moments) -> Moments {
  if (b.n == 0u) { var r = a; r.counts += b.counts; return r; }
  if (a.n == 0u) { var r = b; r.counts += a.counts; return r; }
  let n = a.n + b.n;
  let na = f32(a.n);
  let nb = f32(b.n);
  let delta = b.mean - a.mean;
  let mean = a.mean + delta * (nb / f32(n));
  let m2 = a.m2 + b.m2 + delta * delta * (na * nb / f32(n));
  return Moments(n, mean, m2, min(a.lo, b.lo), max(a.hi, b.hi), a.abs_sum + b.abs_sum, a.counts + b.counts);
}

#if ${WORKGROUP_REDUCE}
// Two levels (LEVEL threads merge LEVEL records each, then thread 0 merges those): two barriers
// instead of a tree's log2(WG), which matters where a barrier is a context switch of every lane
// group (CPU adapters). Records live as one array per field: SwiftShader copies a whole struct
// array element far more slowly. The result is valid in thread 0 only.
fn put_shared(i: u32, m: Moments) {
  shared_n[i] = m.n; shared_mean[i] = m.mean; shared_m2[i] = m.m2; shared_lo[i] = m.lo; shared_hi[i] = m.hi;
  shared_abs[i] = m.abs_sum; shared_counts[i] = m.counts;
}

fn get_shared(i: u32) -> Moments {
  return Moments(shared_n[i], shared_mean[i], shared_m2[i], shared_lo[i], shared_hi[i], shared_abs[i], shared_counts[i]);
}

fn reduce_workgroup(lid: u32, mine: Moments) -> Moments {
  put_shared(lid, mine);
  workgroupBarrier();
  if (lid < LEVEL) {
    var m = get_shared(lid * LEVEL);
    for (var i = 1u; i < LEVEL; i++) { m = merge(m, get_shared(lid * LEVEL + i)); }
    put_shared(lid * LEVEL, m);
  }
  workgroupBarrier();
  var total = get_shared(0u);
  if (lid == 0u) {
    for (var i = 1u; i < LEVEL; i++) { total = merge(total, get_shared(i * LEVEL)); }
  }
  return total;
}
#endif

fn write_partial(record: u32, m: Moments) {
  let base = record * P_STRIDE;
  partials[base + P_N] = m.n;
  partials[base + P_MEAN] = bitcast<u32>(m.mean);
  partials[base + P_M2] = bitcast<u32>(m.m2);
  partials[base + P_MIN] = bitcast<u32>(m.lo);
  partials[base + P_MAX] = bitcast<u32>(m.hi);
  partials[base + P_ABS_SUM] = bitcast<u32>(m.abs_sum);
  partials[base + P_ZEROS] = m.counts.x;
  partials[base + P_SATURATED] = m.counts.y;
  partials[base + P_NAN] = m.counts.z;
  partials[base + P_INF] = m.counts.w;
}

fn read_partial(record: u32) -> Moments {
  let base = record * P_STRIDE;
  return Moments(partials[base + P_N], bitcast<f32>(partials[base + P_MEAN]), bitcast<f32>(partials[base + P_M2]),
    bitcast<f32>(partials[base + P_MIN]), bitcast<f32>(partials[base + P_MAX]), bitcast<f32>(partials[base + P_ABS_SUM]),
    vec4<u32>(partials[base + P_ZEROS], partials[base + P_SATURATED], partials[base + P_NAN], partials[base + P_INF]));
}

@compute @workgroup_size(WG)
fn moments(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let t = wid.y;
  let group = wid.x;
  let in_range = group < d(t, D_GROUPS);
  var m = empty_moments();
  if (in_range) {
    let cols = d(t, D_COLS);
    let span = d(t, D_COL_SPAN);
    let c0 = (group % d(t, D_COL_GROUPS)) * WG * span + lid;
    let r0 = (group / d(t, D_COL_GROUPS)) * d(t, D_ROW_CHUNK);
    let r1 = min(d(t, D_ROWS), r0 + d(t, D_ROW_CHUNK));
    let offset = d(t, D_OFFSET);
    let counts_saturation = d(t, D_SATURATION) != 0u;
    let z_off = d(t, D_Z_OFF);
    // Plain scalars, not fields of `m`: SwiftShader keeps a struct variable in memory.
    var n = 0u; var mean = 0.0; var m2 = 0.0; var lo = BIG; var hi = -BIG; var abs_sum = 0.0;
    var zeros = 0u; var saturated = 0u; var nans = 0u; var infs = 0u;
    for (var c = c0; c < min(cols, c0 + span * WG); c += WG) {
      var p = df(t, D_SLOPE);
      var max_slope = df(t, D_MAX_SLOPE);
      if (SAT_ACT == 5u) { p = small[d(t, D_ALPHA_OFF) + c]; max_slope = max(1.0, abs(p)); }
      var nonzero = false;
      // Branch-free body (`|` and select, not `||` and continue): a CPU adapter runs the lanes
      // of a group in lockstep and pays for every divergent branch.
      for (var r = r0; r < r1; r++) {
        let x = load_x(offset + r * cols + c);
        let bits = bitcast<u32>(x);
        let finite = is_finite_bits(bits);
        nonzero = nonzero | ((bits & 0x7fffffffu) != 0u);
        let nan = !finite & ((bits & 0x007fffffu) != 0u);
        nans += select(0u, 1u, nan);
        infs += select(0u, 1u, !finite & !nan);
        n += select(0u, 1u, finite);
        let delta = select(0.0, x - mean, finite);
        mean += delta / f32(max(n, 1u));
        m2 += delta * select(0.0, x - mean, finite);
        lo = select(lo, min(lo, x), finite);
        hi = select(hi, max(hi, x), finite);
        abs_sum += select(0.0, abs(x), finite);
        zeros += select(0u, 1u, x == 0.0);
        if (SAT_ACT != NO_SAT) {
          let z = act[z_off + r * cols + c];
          saturated += select(0u, 1u, counts_saturation & finite & (abs(act_df(SAT_ACT, z, p)) < 0.01 * max_slope));
        }
      }
      if (nonzero) { atomicOr(&flags[d(t, D_FLAG_BASE) + c], 1u); }
    }
    m = Moments(n, mean, m2, lo, hi, abs_sum, vec4<u32>(zeros, saturated, nans, infs));
  }
#if ${WORKGROUP_REDUCE}
  let total = reduce_workgroup(lid, m);
  if (in_range && lid == 0u) { write_partial(d(t, D_PARTIAL_BASE) + group, total); }
#else
  // Every thread of an in-range group writes, so finalize never reads a record of an earlier pass.
  if (in_range) { write_partial(d(t, D_PARTIAL_BASE) + group * WG + lid, m); }
#endif
}

fn put(slot_base: u32, field: u32, v: u32) { atomicStore(&stats[slot_base + field], v); }

@compute @workgroup_size(WG)
fn finalize(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let t = wid.x;
  let slot_base = d(t, D_SLOT) * SLOT_STRIDE;
  if (lid == 0u) { atomicStore(&shared_dead, 0u); }
  workgroupBarrier();
  var m = empty_moments();
#if ${WORKGROUP_REDUCE}
  for (var g = lid; g < d(t, D_GROUPS); g += WG) { m = merge(m, read_partial(d(t, D_PARTIAL_BASE) + g)); }
#else
  if (lid == 0u) {
    for (var r = 0u; r < d(t, D_GROUPS) * WG; r++) { m = merge(m, read_partial(d(t, D_PARTIAL_BASE) + r)); }
  }
#endif
  // A unit is D_GROUP adjacent columns (a conv channel's positions; 1 for a dense unit): dead when
  // none of its columns saw a non-zero. Each thread owns whole units, so it clears what it read.
  var dead = 0u;
  let group = d(t, D_GROUP);
  for (var u = lid; u < d(t, D_COLS) / group; u += WG) {
    var seen = 0u;
    for (var c = u * group; c < (u + 1u) * group; c++) {
      seen = seen | atomicLoad(&flags[d(t, D_FLAG_BASE) + c]);
      atomicStore(&flags[d(t, D_FLAG_BASE) + c], 0u);
    }
    if (seen == 0u) { dead += 1u; }
  }
  atomicAdd(&shared_dead, dead);
  for (var b = lid; b < BINS; b += WG) { atomicStore(&stats[slot_base + S_BINS + b], 0u); }
#if ${WORKGROUP_REDUCE}
  let total = reduce_workgroup(lid, m);
#else
  workgroupBarrier();
  let total = m;
#endif
  if (lid == 0u) {
    var lo = df(t, D_HIST_LO);
    var hi = df(t, D_HIST_HI);
    if (d(t, D_HIST_FIXED) == 0u) {
      lo = select(0.0, total.lo, total.n > 0u);
      hi = select(1.0, total.hi, total.n > 0u);
      if (lo == hi) { lo -= 0.5; hi += 0.5; }
    }
    put(slot_base, S_COUNT, total.n);
    put(slot_base, S_MEAN, bitcast<u32>(total.mean));
    put(slot_base, S_M2, bitcast<u32>(total.m2));
    put(slot_base, S_MIN, bitcast<u32>(total.lo));
    put(slot_base, S_MAX, bitcast<u32>(total.hi));
    put(slot_base, S_ABS_SUM, bitcast<u32>(total.abs_sum));
    put(slot_base, S_ZEROS, total.counts.x);
    put(slot_base, S_DEAD, atomicLoad(&shared_dead));
    put(slot_base, S_SATURATED, total.counts.y);
    put(slot_base, S_NAN, total.counts.z);
    put(slot_base, S_INF, total.counts.w);
    put(slot_base, S_UNDERFLOW, 0u);
    put(slot_base, S_OVERFLOW, 0u);
    put(slot_base, S_HIST_LO, bitcast<u32>(lo));
    put(slot_base, S_HIST_HI, bitcast<u32>(hi));
  }
}

@compute @workgroup_size(WG)
fn histogram(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let t = wid.y;
  let group = wid.x;
  let in_range = group < d(t, D_GROUPS);
  let slot_base = d(t, D_SLOT) * SLOT_STRIDE;
  for (var b = lid; b < BINS; b += WG) { atomicStore(&shared_bins[b], 0u); }
  if (lid == 0u) { atomicStore(&shared_under, 0u); atomicStore(&shared_over, 0u); }
  workgroupBarrier();
  if (in_range) {
    let cols = d(t, D_COLS);
    let span = d(t, D_COL_SPAN);
    let c0 = (group % d(t, D_COL_GROUPS)) * WG * span + lid;
    let r0 = (group / d(t, D_COL_GROUPS)) * d(t, D_ROW_CHUNK);
    let r1 = min(d(t, D_ROWS), r0 + d(t, D_ROW_CHUNK));
    let lo = bitcast<f32>(atomicLoad(&stats[slot_base + S_HIST_LO]));
    let hi = bitcast<f32>(atomicLoad(&stats[slot_base + S_HIST_HI]));
    let scale = f32(BINS) / (hi - lo);
    var under = 0u;
    var over = 0u;
    for (var c = c0; c < min(cols, c0 + span * WG); c += WG) {
      for (var r = r0; r < r1; r++) {
        let x = load_x(d(t, D_OFFSET) + r * cols + c);
        if (!is_finite_bits(bitcast<u32>(x))) { continue; }
        if (x < lo) { under += 1u; continue; }
        if (x > hi) { over += 1u; continue; }
        let bin = min(u32((x - lo) * scale), BINS - 1u);
        atomicAdd(&shared_bins[bin], 1u);
      }
    }
    if (under > 0u) { atomicAdd(&shared_under, under); }
    if (over > 0u) { atomicAdd(&shared_over, over); }
  }
  workgroupBarrier();
  if (!in_range) { return; }
  for (var b = lid; b < BINS; b += WG) {
    let count = atomicLoad(&shared_bins[b]);
    if (count > 0u) { atomicAdd(&stats[slot_base + S_BINS + b], count); }
  }
  if (lid == 0u) {
    let under = atomicLoad(&shared_under);
    let over = atomicLoad(&shared_over);
    if (under > 0u) { atomicAdd(&stats[slot_base + S_UNDERFLOW], under); }
    if (over > 0u) { atomicAdd(&stats[slot_base + S_OVERFLOW], over); }
  }
}
