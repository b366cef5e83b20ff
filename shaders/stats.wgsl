// Statistics family: every TensorStats field of design.md for a batch of tensors in one set of
// three dispatches (all layers of a step at once). Each tensor is a [rows x cols] region of the
// arena (`act`) or of `extra` (a weight-gradient buffer), described by one record of `desc`:
//   0 source (0 act, 1 extra; equal to SRC)  1 offset  2 rows  3 cols  4 col_groups = ceil(cols / (WG * col_span))
//   5 row_chunk  6 groups = col_groups * ceil(rows / row_chunk)  7 partial_base  8 flag_base
//   9 slot  10 counts saturation (1) or not (0)  11 z_off  12 alpha_off  13 slope (f32 bits)
//   14 max_slope (f32 bits)  15 hist_fixed  16 lo (f32 bits)  17 hi (f32 bits)  18 col_span  (stride 20)
// A workgroup owns col_span blocks of WG consecutive columns and row_chunk rows; a thread walks
// one column of each block, so reads coalesce and a column's "any non-zero" flag (dead units)
// costs one atomic. GPUs use col_span 1 (many workgroups); CPU adapters all columns in one
// workgroup (few workgroups: each costs ~0.1-0.2 ms there before any work).
//   moments:   grid (max groups, tensors). Welford per thread, Chan's merge across the
//              workgroup; one partial record per workgroup; ORs the column flags.
//   finalize:  grid (tensors). Merges the partials, counts dead columns (and clears their
//              flags for the next step), writes the header, clears the histogram.
//   histogram: grid (max groups, tensors). Workgroup-local bins, then atomics into the slot.
// Slot (stride 16 + BINS words): 0 finite count  1 mean  2 M2 (sum of squared deviations)
//   3 min  4 max  5 sum |x|  6 zeros  7 dead columns  8 saturated  9 NaN  10 Inf
//   11 underflow  12 overflow  13 histogram lo  14 histogram hi  15 unused  16.. bins.
// Moments skip NaN and Inf (they are counted apart); saturated = |f'(z)| < 1% of the
// activation's largest slope, from the layer's Z at z_off (same [rows x cols] layout).
// Per batch, at compile time: SRC (0: every tensor is in `act`, 1: in `extra`) and SAT_ACT (the
// activation id whose saturation is counted, or NO_SAT). Run-time choices would cost every
// element both loads and the whole act_df switch on CPU adapters, which run masked-off branches.

const BINS: u32 = ${BINS}u;
// Workgroup size: 256 on GPUs, 64 on CPU adapters (where a workgroup with barriers costs time
// superlinear in its size). LEVEL * LEVEL == WG.
const WG: u32 = ${WG}u;
const SRC: u32 = ${SRC}u;
const SAT_ACT: u32 = ${SAT_ACT}u;
const LEVEL: u32 = ${LEVEL}u;
const SLOT_STRIDE: u32 = 16u + BINS;
const DESC_STRIDE: u32 = 20u;
const PARTIAL_STRIDE: u32 = 12u;
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

var<workgroup> shared_n: array<u32, WG>;
var<workgroup> shared_mean: array<f32, WG>;
var<workgroup> shared_m2: array<f32, WG>;
var<workgroup> shared_lo: array<f32, WG>;
var<workgroup> shared_hi: array<f32, WG>;
var<workgroup> shared_abs: array<f32, WG>;
var<workgroup> shared_counts: array<vec4<u32>, WG>;
var<workgroup> shared_dead: atomic<u32>;
var<workgroup> shared_bins: array<atomic<u32>, BINS>;
var<workgroup> shared_under: atomic<u32>;
var<workgroup> shared_over: atomic<u32>;

fn d(t: u32, field: u32) -> u32 { return desc[t * DESC_STRIDE + field]; }
fn df(t: u32, field: u32) -> f32 { return bitcast<f32>(desc[t * DESC_STRIDE + field]); }

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

@compute @workgroup_size(WG)
fn moments(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let t = wid.y;
  let group = wid.x;
  let in_range = group < d(t, 6u);
  var m = empty_moments();
  if (in_range) {
    let cols = d(t, 3u);
    let span = d(t, 18u);
    let c0 = (group % d(t, 4u)) * WG * span + lid;
    let r0 = (group / d(t, 4u)) * d(t, 5u);
    let r1 = min(d(t, 2u), r0 + d(t, 5u));
    let offset = d(t, 1u);
    let counts_saturation = d(t, 10u) != 0u;
    let z_off = d(t, 11u);
    // Plain scalars, not fields of `m`: SwiftShader keeps a struct variable in memory.
    var n = 0u; var mean = 0.0; var m2 = 0.0; var lo = BIG; var hi = -BIG; var abs_sum = 0.0;
    var zeros = 0u; var saturated = 0u; var nans = 0u; var infs = 0u;
    for (var c = c0; c < min(cols, c0 + span * WG); c += WG) {
      var p = df(t, 13u);
      var max_slope = df(t, 14u);
      if (SAT_ACT == 5u) { p = small[d(t, 12u) + c]; max_slope = max(1.0, abs(p)); }
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
      if (nonzero) { atomicOr(&flags[d(t, 8u) + c], 1u); }
    }
    m = Moments(n, mean, m2, lo, hi, abs_sum, vec4<u32>(zeros, saturated, nans, infs));
  }
  let total = reduce_workgroup(lid, m);
  if (in_range && lid == 0u) {
    let base = (d(t, 7u) + group) * PARTIAL_STRIDE;
    partials[base + 0u] = total.n;
    partials[base + 1u] = bitcast<u32>(total.mean);
    partials[base + 2u] = bitcast<u32>(total.m2);
    partials[base + 3u] = bitcast<u32>(total.lo);
    partials[base + 4u] = bitcast<u32>(total.hi);
    partials[base + 5u] = bitcast<u32>(total.abs_sum);
    partials[base + 6u] = total.counts.x;
    partials[base + 7u] = total.counts.y;
    partials[base + 8u] = total.counts.z;
    partials[base + 9u] = total.counts.w;
  }
}

fn put(slot_base: u32, field: u32, v: u32) { atomicStore(&stats[slot_base + field], v); }

@compute @workgroup_size(WG)
fn finalize(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let t = wid.x;
  let slot_base = d(t, 9u) * SLOT_STRIDE;
  if (lid == 0u) { atomicStore(&shared_dead, 0u); }
  workgroupBarrier();
  var m = empty_moments();
  for (var g = lid; g < d(t, 6u); g += WG) {
    let base = (d(t, 7u) + g) * PARTIAL_STRIDE;
    let part = Moments(partials[base], bitcast<f32>(partials[base + 1u]), bitcast<f32>(partials[base + 2u]),
      bitcast<f32>(partials[base + 3u]), bitcast<f32>(partials[base + 4u]), bitcast<f32>(partials[base + 5u]),
      vec4<u32>(partials[base + 6u], partials[base + 7u], partials[base + 8u], partials[base + 9u]));
    m = merge(m, part);
  }
  var dead = 0u;
  for (var c = lid; c < d(t, 3u); c += WG) {
    if (atomicLoad(&flags[d(t, 8u) + c]) == 0u) { dead += 1u; }
    atomicStore(&flags[d(t, 8u) + c], 0u);
  }
  atomicAdd(&shared_dead, dead);
  for (var b = lid; b < BINS; b += WG) { atomicStore(&stats[slot_base + 16u + b], 0u); }
  let total = reduce_workgroup(lid, m);
  if (lid == 0u) {
    var lo = df(t, 16u);
    var hi = df(t, 17u);
    if (d(t, 15u) == 0u) {
      lo = select(0.0, total.lo, total.n > 0u);
      hi = select(1.0, total.hi, total.n > 0u);
      if (lo == hi) { lo -= 0.5; hi += 0.5; }
    }
    put(slot_base, 0u, total.n);
    put(slot_base, 1u, bitcast<u32>(total.mean));
    put(slot_base, 2u, bitcast<u32>(total.m2));
    put(slot_base, 3u, bitcast<u32>(total.lo));
    put(slot_base, 4u, bitcast<u32>(total.hi));
    put(slot_base, 5u, bitcast<u32>(total.abs_sum));
    put(slot_base, 6u, total.counts.x);
    put(slot_base, 7u, atomicLoad(&shared_dead));
    put(slot_base, 8u, total.counts.y);
    put(slot_base, 9u, total.counts.z);
    put(slot_base, 10u, total.counts.w);
    put(slot_base, 11u, 0u);
    put(slot_base, 12u, 0u);
    put(slot_base, 13u, bitcast<u32>(lo));
    put(slot_base, 14u, bitcast<u32>(hi));
  }
}

@compute @workgroup_size(WG)
fn histogram(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let t = wid.y;
  let group = wid.x;
  let in_range = group < d(t, 6u);
  let slot_base = d(t, 9u) * SLOT_STRIDE;
  for (var b = lid; b < BINS; b += WG) { atomicStore(&shared_bins[b], 0u); }
  if (lid == 0u) { atomicStore(&shared_under, 0u); atomicStore(&shared_over, 0u); }
  workgroupBarrier();
  if (in_range) {
    let cols = d(t, 3u);
    let span = d(t, 18u);
    let c0 = (group % d(t, 4u)) * WG * span + lid;
    let r0 = (group / d(t, 4u)) * d(t, 5u);
    let r1 = min(d(t, 2u), r0 + d(t, 5u));
    let lo = bitcast<f32>(atomicLoad(&stats[slot_base + 13u]));
    let hi = bitcast<f32>(atomicLoad(&stats[slot_base + 14u]));
    let scale = f32(BINS) / (hi - lo);
    var under = 0u;
    var over = 0u;
    for (var c = c0; c < min(cols, c0 + span * WG); c += WG) {
      for (var r = r0; r < r1; r++) {
        let x = load_x(d(t, 1u) + r * cols + c);
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
    if (count > 0u) { atomicAdd(&stats[slot_base + 16u + b], count); }
  }
  if (lid == 0u) {
    let under = atomicLoad(&shared_under);
    let over = atomicLoad(&shared_over);
    if (under > 0u) { atomicAdd(&stats[slot_base + 11u], under); }
    if (over > 0u) { atomicAdd(&stats[slot_base + 12u], over); }
  }
}
