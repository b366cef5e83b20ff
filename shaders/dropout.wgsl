// Dropout family (design.md section 9): inverted dropout, Y = X keep / (1 - p) in a training
// step, Y = X otherwise. Entry i is kept when the 24-bit uniform of its Philox draw is at least
// p (KEEP_FROM = round(p 2^24)): key (seed, stream of the layer), counter (i / 4, step, 0, 0),
// so a seed, a step and a layer give one mask, made again on the way back instead of stored.
//   X at x_off, Y at y_off (forward); dY at x_off, dX at y_off (backward): batch x units in `act`;
//   the step index at step[T_STEP] (the trainer's step words).
//   dispatch: one thread per 4 elements, workgroup 64, folded into 2-D past 65535 workgroups.

struct DropoutParams { count: u32, x_off: u32, y_off: u32, seed: u32, stream: u32, scale: f32 }

@group(0) @binding(0) var<uniform> params: DropoutParams;
@group(0) @binding(1) var<storage, read_write> act: array<f32>;
@group(0) @binding(2) var<storage, read> step: array<u32>;

const T_STEP: u32 = ${T_STEP}u;
const KEEP_FROM: u32 = ${KEEP_FROM}u;

// Forward and backward are the same map: Y = X * (kept ? scale : 0), or a copy when not dropping.
@compute @workgroup_size(64)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) lid: u32) {
  let group = (wid.x + wid.y * nwg.x) * 64u + lid;
  let first = group * 4u;
  if (first >= params.count) { return; }
#if ${DROP}
  let bits = philox4x32_10(vec4<u32>(group, step[T_STEP], 0u, 0u), vec2<u32>(params.seed, params.stream));
#endif
  for (var j = 0u; j < 4u; j++) {
    let i = first + j;
    if (i >= params.count) { return; }
    var y = act[params.x_off + i];
#if ${DROP}
    y = select(0.0, y * params.scale, (bits[j] >> 8u) >= KEEP_FROM);
#endif
    act[params.y_off + i] = y;
  }
}
