// Pruning family (the lottery ticket, design.md section 9): masks of a weight tensor, W's layout,
// 1 keep and 0 pruned, as f32.
//   W: [count] in `w`;  mask: [count] in `mask`;  sel: the selection's words (below).
// Magnitude pruning removes the k = round(fraction n) smallest |W| of the n entries still kept,
// exactly k even with ties: entries are ordered by the 64-bit key (bits of |W|, index) (for
// non-negative floats the bit pattern orders as the value), and the k-th smallest key is found
// by a radix select, one byte per pass from the top: `count` counts the kept entries and sets k;
// then 8 x (`histogram` of the byte among the entries that match the prefix so far, `choose`
// the byte where the k-th falls); `cut` keeps the entries whose key is above the k-th.
// Entry points, one thread per element unless said:
//   apply:     W *= mask (a new mask, or a restored snapshot, takes effect at once).
//   count:     n, then k (one workgroup finishes it in `choose` of pass 0).
//   histogram: bins of byte `digit` of the key.
//   choose:    one thread: the byte, and k within it.
//   cut:       mask = 0 where key <= the k-th key (nothing when k = 0).

struct PruneParams { count: u32, digit: u32, fraction: f32 }

@group(0) @binding(0) var<uniform> params: PruneParams;
@group(0) @binding(1) var<storage, read_write> w: array<f32>;
@group(0) @binding(2) var<storage, read_write> mask: array<f32>;
// sel: 256 bins, then the key prefix found so far (hi, lo), k, the kept count n.
@group(0) @binding(3) var<storage, read_write> sel: array<atomic<u32>, 260>;

const PREFIX_HI: u32 = 256u;
const PREFIX_LO: u32 = 257u;
const RANK: u32 = 258u;
const KEPT: u32 = 259u;

fn element(wid: vec3<u32>, nwg: vec3<u32>, lid: u32) -> u32 { return (wid.x + wid.y * nwg.x) * 64u + lid; }

@compute @workgroup_size(64)
fn apply(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
         @builtin(local_invocation_index) lid: u32) {
  let i = element(wid, nwg, lid);
  if (i >= params.count) { return; }
  w[i] = select(0.0, w[i], mask[i] != 0.0);
}

@compute @workgroup_size(64)
fn count(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
         @builtin(local_invocation_index) lid: u32) {
  let i = element(wid, nwg, lid);
  if (i >= params.count || mask[i] == 0.0) { return; }
  atomicAdd(&sel[KEPT], 1u);
}

// Byte `digit` (0 = the top byte of the hi word) of entry i's key, if the bytes above it match the prefix.
fn byte_of(i: u32, digit: u32) -> i32 {
  let hi = bitcast<u32>(abs(w[i]));
  let lo = i;
  let prefix_hi = atomicLoad(&sel[PREFIX_HI]);
  let prefix_lo = atomicLoad(&sel[PREFIX_LO]);
  if (digit < 4u) {
    let shift = 24u - 8u * digit;
    // Bits above this byte: a shift by 32 is not defined in WGSL, so digit 0 compares nothing.
    if (digit > 0u && (hi >> (shift + 8u)) != (prefix_hi >> (shift + 8u))) { return -1; }
    return i32((hi >> shift) & 0xffu);
  }
  if (hi != prefix_hi) { return -1; }
  let shift = 24u - 8u * (digit - 4u);
  if (digit > 4u && (lo >> (shift + 8u)) != (prefix_lo >> (shift + 8u))) { return -1; }
  return i32((lo >> shift) & 0xffu);
}

@compute @workgroup_size(64)
fn histogram(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
             @builtin(local_invocation_index) lid: u32) {
  let i = element(wid, nwg, lid);
  if (i >= params.count || mask[i] == 0.0) { return; }
  let b = byte_of(i, params.digit);
  if (b >= 0) { atomicAdd(&sel[u32(b)], 1u); }
}

@compute @workgroup_size(1)
fn choose() {
  if (params.digit == 0u) {
    let n = atomicLoad(&sel[KEPT]);
    atomicStore(&sel[RANK], u32(floor(f32(n) * params.fraction + 0.5)));
  }
  let k = atomicLoad(&sel[RANK]);
  if (k == 0u) { return; }
  var below = 0u;
  var chosen = 255u;
  for (var b = 0u; b < 256u; b++) {
    let n = atomicLoad(&sel[b]);
    if (below + n >= k) { chosen = b; break; }
    below += n;
  }
  for (var b = 0u; b < 256u; b++) { atomicStore(&sel[b], 0u); }
  atomicStore(&sel[RANK], k - below);
  if (params.digit < 4u) {
    atomicStore(&sel[PREFIX_HI], atomicLoad(&sel[PREFIX_HI]) | (chosen << (24u - 8u * params.digit)));
  } else {
    atomicStore(&sel[PREFIX_LO], atomicLoad(&sel[PREFIX_LO]) | (chosen << (24u - 8u * (params.digit - 4u))));
  }
}

@compute @workgroup_size(64)
fn cut(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
       @builtin(local_invocation_index) lid: u32) {
  let i = element(wid, nwg, lid);
  if (i >= params.count || mask[i] == 0.0) { return; }
  // k = 0 after the last pass means nothing was to be removed (choose left the rank at 0).
  if (atomicLoad(&sel[RANK]) == 0u) { return; }
  let hi = bitcast<u32>(abs(w[i]));
  let prefix_hi = atomicLoad(&sel[PREFIX_HI]);
  if (hi < prefix_hi || (hi == prefix_hi && i <= atomicLoad(&sel[PREFIX_LO]))) { mask[i] = 0.0; w[i] = 0.0; }
}
