// Pooling family (design.md section 9): windows of SIZE x SIZE every STRIDE, no padding.
//   X: [batch x C x H x W] in `act` at x_off;  Y: [batch x C x HO x WO] at y_off;
//   dY at dy_off, dX at dx_off (same layouts). MODE 0 = max, 1 = average.
// Entry points, no barriers:
//   forward:   Y = max or mean of the window; a thread per element of Y.
//   backward:  dX as a gather, a thread per element of X: each sums dY over the windows that hold
//              it; max sends a window's dY to its first arg-max in row-major window order
//              (PyTorch's max_pool2d), found again from X, so nothing but Y is stored by the
//              forward pass.
//   backward_windows: the same dX where windows do not overlap (STRIDE = SIZE), a thread per
//              window: it finds the arg-max once (the gather found it once per element, SIZE^2
//              times) and writes every element of dX it holds: dY at the arg-max and 0 elsewhere
//              (max), dY / SIZE^2 each (average); the last window of a row (column) also writes
//              0 to the W - WO SIZE columns (H - HO SIZE rows) past it, which no window holds.

struct PoolParams {
  batch: u32, x_off: u32, y_off: u32, dy_off: u32,
  dx_off: u32, _pad0: u32, _pad1: u32, _pad2: u32,
}

@group(0) @binding(0) var<uniform> params: PoolParams;
@group(0) @binding(1) var<storage, read_write> act: array<f32>;

const C: u32 = ${C}u;
const H: u32 = ${H}u;
const W: u32 = ${W}u;
const SIZE: u32 = ${SIZE}u;
const STRIDE: u32 = ${STRIDE}u;
const HO: u32 = ${HO}u;
const WO: u32 = ${WO}u;
const MODE: u32 = ${MODE}u;
const WG: u32 = 64u;

fn thread_id(wid: vec3<u32>, nwg: vec3<u32>, lid: u32) -> u32 { return (wid.x + wid.y * nwg.x) * WG + lid; }

/** Element i of planes of rows x cols: its plane, row and column. */
struct Element { plane: u32, y: u32, x: u32 }

fn element(i: u32, rows: u32, cols: u32) -> Element { return Element(i / (cols * rows), (i / cols) % rows, i % cols); }

/** Row-major index within the plane of the first arg-max of window (oy, ox) of plane `plane`. */
fn argmax_at(plane: u32, oy: u32, ox: u32) -> u32 {
  var best = act[params.x_off + plane * H * W + oy * STRIDE * W + ox * STRIDE];
  var arg = (oy * STRIDE) * W + ox * STRIDE;
  for (var ky = 0u; ky < SIZE; ky++) {
    for (var kx = 0u; kx < SIZE; kx++) {
      let at = (oy * STRIDE + ky) * W + ox * STRIDE + kx;
      let x = act[params.x_off + plane * H * W + at];
      if (x > best) { best = x; arg = at; }
    }
  }
  return arg;
}

@compute @workgroup_size(64)
fn forward(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
           @builtin(local_invocation_index) lid: u32) {
  let i = thread_id(wid, nwg, lid);
  if (i >= params.batch * C * HO * WO) { return; }
  let e = element(i, HO, WO);
  let plane = e.plane;
  let oy = e.y;
  let ox = e.x;
  var y = 0.0;
  if (MODE == 0u) {
    y = act[params.x_off + plane * H * W + argmax_at(plane, oy, ox)];
  } else {
    for (var ky = 0u; ky < SIZE; ky++) {
      for (var kx = 0u; kx < SIZE; kx++) { y += act[params.x_off + plane * H * W + (oy * STRIDE + ky) * W + ox * STRIDE + kx]; }
    }
    y /= f32(SIZE * SIZE);
  }
  act[params.y_off + i] = y;
}

@compute @workgroup_size(64)
fn backward(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
            @builtin(local_invocation_index) lid: u32) {
  let i = thread_id(wid, nwg, lid);
  if (i >= params.batch * C * H * W) { return; }
  let e = element(i, H, W);
  let plane = e.plane;
  let iy = e.y;
  let ix = e.x;
  // Windows oy with oy * STRIDE <= iy < oy * STRIDE + SIZE, and oy < HO (ox alike).
  let oy_first = select(0u, (iy - SIZE + 1u + STRIDE - 1u) / STRIDE, iy + 1u > SIZE);
  let ox_first = select(0u, (ix - SIZE + 1u + STRIDE - 1u) / STRIDE, ix + 1u > SIZE);
  var g = 0.0;
  for (var oy = oy_first; oy <= iy / STRIDE && oy < HO; oy++) {
    for (var ox = ox_first; ox <= ix / STRIDE && ox < WO; ox++) {
      let dy = act[params.dy_off + (plane * HO + oy) * WO + ox];
      if (MODE == 0u) {
        if (argmax_at(plane, oy, ox) == iy * W + ix) { g += dy; }
      } else {
        g += dy / f32(SIZE * SIZE);
      }
    }
  }
  act[params.dx_off + i] = g;
}

@compute @workgroup_size(64)
fn backward_windows(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
                    @builtin(local_invocation_index) lid: u32) {
  let i = thread_id(wid, nwg, lid);
  if (i >= params.batch * C * HO * WO) { return; }
  let e = element(i, HO, WO);
  let plane = e.plane;
  let oy = e.y;
  let ox = e.x;
  let dy = act[params.dy_off + i];
  var arg = 0u;
  if (MODE == 0u) { arg = argmax_at(plane, oy, ox); }
  let last = vec2<u32>(select(oy * SIZE + SIZE, H, oy == HO - 1u), select(ox * SIZE + SIZE, W, ox == WO - 1u));
  for (var y = oy * SIZE; y < last.x; y++) {
    for (var x = ox * SIZE; x < last.y; x++) {
      let at = y * W + x;
      var g = 0.0;
      if (MODE == 0u) {
        g = select(0.0, dy, at == arg);
      } else {
        g = select(0.0, dy / f32(SIZE * SIZE), y < oy * SIZE + SIZE && x < ox * SIZE + SIZE);
      }
      act[params.dx_off + plane * H * W + at] = g;
    }
  }
}
