// Statistics family: every TensorStats field of design.md for a batch of tensors in one set of
// three dispatches (all layers of a step at once). Each tensor is a [rows x cols] region of the
// arena (`act`) or of `extra` (a weight-gradient buffer), described by one record of `desc`:
//   0 src (0 act, 1 extra)  1 offset  2 rows  3 cols  4 col_groups = ceil(cols / WG)
//   5 row_chunk  6 groups = col_groups * ceil(rows / row_chunk)  7 partial_base  8 flag_base
//   9 slot  10 sat_act (activation id, or NO_SAT)  11 z_off  12 alpha_off  13 slope (f32 bits)
//   14 max_slope (f32 bits)  15 hist_fixed  16 lo (f32 bits)  17 hi (f32 bits)  (stride 20)
// A workgroup owns WG consecutive columns and row_chunk rows: thread = column, so reads
// coalesce and a column's "any non-zero" flag (dead units) costs one atomic per thread.
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

const BINS: u32 = ${BINS}u;
// Workgroup size: 256 on GPUs, 64 on CPU adapters (where a workgroup with barriers costs time
// superlinear in its size). LEVEL * LEVEL == WG.
const WG: u32 = ${WG}u;
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

fn load_x(src: u32, i: u32) -> f32 {
  if (src == 0u) { return act[i]; }
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
    let c = (group % d(t, 4u)) * WG + lid;
    let r0 = (group / d(t, 4u)) * d(t, 5u);
    let r1 = min(d(t, 2u), r0 + d(t, 5u));
    if (c < cols) {
      let src = d(t, 0u);
      let offset = d(t, 1u);
      let sat_act = d(t, 10u);
      var p = df(t, 13u);
      var max_slope = df(t, 14u);
      if (sat_act == 5u) { p = small[d(t, 12u) + c]; max_slope = max(1.0, abs(p)); }
      var nonzero = false;
      for (var r = r0; r < r1; r++) {
        let x = load_x(src, offset + r * cols + c);
        let bits = bitcast<u32>(x);
        nonzero = nonzero || (bits & 0x7fffffffu) != 0u;
        if (!is_finite_bits(bits)) {
          if (is_nan_bits(bits)) { m.counts.z += 1u; } else { m.counts.w += 1u; }
          continue;
        }
        m.n += 1u;
        let delta = x - m.mean;
        m.mean += delta / f32(m.n);
        m.m2 += delta * (x - m.mean);
        m.lo = min(m.lo, x);
        m.hi = max(m.hi, x);
        m.abs_sum += abs(x);
        if (x == 0.0) { m.counts.x += 1u; }
        if (sat_act != NO_SAT) {
          let z = act[d(t, 11u) + r * cols + c];
          if (abs(act_df(sat_act, z, p)) < 0.01 * max_slope) { m.counts.y += 1u; }
        }
      }
      if (nonzero) { atomicOr(&flags[d(t, 8u) + c], 1u); }
    }
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
    let c = (group % d(t, 4u)) * WG + lid;
    let r0 = (group / d(t, 4u)) * d(t, 5u);
    let r1 = min(d(t, 2u), r0 + d(t, 5u));
    if (c < cols) {
      let lo = bitcast<f32>(atomicLoad(&stats[slot_base + 13u]));
      let hi = bitcast<f32>(atomicLoad(&stats[slot_base + 14u]));
      let scale = f32(BINS) / (hi - lo);
      var under = 0u;
      var over = 0u;
      for (var r = r0; r < r1; r++) {
        let x = load_x(d(t, 0u), d(t, 1u) + r * cols + c);
        if (!is_finite_bits(bitcast<u32>(x))) { continue; }
        if (x < lo) { under += 1u; continue; }
        if (x > hi) { over += 1u; continue; }
        let bin = min(u32((x - lo) * scale), BINS - 1u);
        atomicAdd(&shared_bins[bin], 1u);
      }
      if (under > 0u) { atomicAdd(&shared_under, under); }
      if (over > 0u) { atomicAdd(&shared_over, over); }
    }
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
