// Scale-and-add family: x = a * x + b * y elementwise over a region, for the steps of the
// orthogonal initialisation (X <- 1.5 X - 0.5 X S) and LSUV's rescaling of a weight matrix
// (W <- W / std(Z), b = 0).
//   x: [count] at x_off of `x`; y: [count] at y_off of `y`.
//   dispatch: one thread per element, workgroup 64, folded into 2-D past 65535 workgroups.

struct ScaleAddParams { count: u32, x_off: u32, y_off: u32, a: f32, b: f32 }

@group(0) @binding(0) var<uniform> params: ScaleAddParams;
@group(0) @binding(1) var<storage, read_write> x: array<f32>;
@group(0) @binding(2) var<storage, read> y: array<f32>;

@compute @workgroup_size(64)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) lid: u32) {
  let i = (wid.x + wid.y * nwg.x) * 64u + lid;
  if (i >= params.count) { return; }
  var v = params.a * x[params.x_off + i];
#if ${WITH_Y}
  v += params.b * y[params.y_off + i];
#endif
  x[params.x_off + i] = v;
}
