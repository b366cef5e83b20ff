// Normalisation family: batch norm and layer norm between a layer's matmul (or conv) and its
// activation, with the activation fused into the output: Y = gamma * (X - mean) * invstd + beta,
// A = act(Y). A unit has PLANE positions: 1 after a dense layer, Ho x Wo after a conv (a channel).
//   batch: statistics per unit over the batch rows and its positions; in train mode the batch's
//     (biased variance), and the running estimates move: r_mean += m (mean - r_mean), r_var += m
//     (unbiased var - r_var) with momentum m = 0.1 (PyTorch's BatchNorm1d / BatchNorm2d); eval mode
//     uses them.
//   layer: statistics per example (row) over every unit and position; gamma and beta per unit
//     (LayerNorm after a dense layer; GroupNorm with one group after a conv).
// X, Y, A, dA, dX: [rows x units x PLANE] at x_off, y_off, a_off, da_off, dx_off of the arena; the saved
// mean and invstd (units of them for batch, rows for layer) at stat_off, stat_off + n; gamma,
// beta, running mean and var: [units] at their offsets of `small`; dgamma, dbeta in the arena.
//   batch_forward, batch_backward, layer_param_grads: one thread per unit.
//   layer_forward, layer_backward: one thread per row.  Workgroup 64, folded into 2-D.
// Backward (per unit for batch, per row for layer, g = dA f'(Y) (x gamma for layer)):
//   dX = invstd / n * (n g - sum g - xhat sum(g xhat)) (x gamma for batch); dgamma = sum_rows
//   dA f'(Y) xhat, dbeta = sum_rows dA f'(Y). Batch norm in eval mode (the running estimates, an
//   input gradient in inference mode): dX = gamma invstd g.

struct NormParams {
  rows: u32, units: u32, x_off: u32, y_off: u32,
  a_off: u32, da_off: u32, dx_off: u32, stat_off: u32,
  gamma_off: u32, beta_off: u32, rmean_off: u32, rvar_off: u32,
  dgamma_off: u32, dbeta_off: u32, slope: f32, eps: f32,
  momentum: f32,
}

@group(0) @binding(0) var<uniform> params: NormParams;
@group(0) @binding(1) var<storage, read_write> act: array<f32>;
@group(0) @binding(2) var<storage, read_write> small: array<f32>;

const ACT: u32 = ${ACT}u;
// Train mode (batch statistics, running estimates updated) or eval mode (running estimates).
const TRAIN: bool = ${TRAIN};
const PLANE: u32 = ${PLANE}u;

fn thread_index(wid: vec3<u32>, nwg: vec3<u32>, lid: u32) -> u32 { return (wid.x + wid.y * nwg.x) * 64u + lid; }

fn at(off: u32, r: u32, c: u32, p: u32) -> u32 { return off + (r * params.units + c) * PLANE + p; }

// Y and A of one element, from its normalised value.
fn write_out(r: u32, c: u32, p: u32, xhat: f32) {
  let y = small[params.gamma_off + c] * xhat + small[params.beta_off + c];
  act[at(params.y_off, r, c, p)] = y;
  act[at(params.a_off, r, c, p)] = act_f(ACT, y, params.slope);
}

fn dy(r: u32, c: u32, p: u32) -> f32 {
  return act[at(params.da_off, r, c, p)] * act_df(ACT, act[at(params.y_off, r, c, p)], params.slope);
}

@compute @workgroup_size(64)
fn batch_forward(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
                 @builtin(local_invocation_index) lid: u32) {
  let c = thread_index(wid, nwg, lid);
  if (c >= params.units) { return; }
  var mean = small[params.rmean_off + c];
  var variance = small[params.rvar_off + c];
  if (TRAIN) {
    let n = f32(params.rows * PLANE);
    var s = 0.0;
    for (var r = 0u; r < params.rows; r++) { for (var p = 0u; p < PLANE; p++) { s += act[at(params.x_off, r, c, p)]; } }
    mean = s / n;
    var q = 0.0;
    for (var r = 0u; r < params.rows; r++) { for (var p = 0u; p < PLANE; p++) { let d = act[at(params.x_off, r, c, p)] - mean; q += d * d; } }
    variance = q / n;
    let m = params.momentum;
    small[params.rmean_off + c] = (1.0 - m) * small[params.rmean_off + c] + m * mean;
    small[params.rvar_off + c] = (1.0 - m) * small[params.rvar_off + c] + m * q / max(n - 1.0, 1.0);
  }
  let invstd = 1.0 / sqrt(variance + params.eps);
  act[params.stat_off + c] = mean;
  act[params.stat_off + params.units + c] = invstd;
  for (var r = 0u; r < params.rows; r++) { for (var p = 0u; p < PLANE; p++) { write_out(r, c, p, (act[at(params.x_off, r, c, p)] - mean) * invstd); } }
}

@compute @workgroup_size(64)
fn batch_backward(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
                  @builtin(local_invocation_index) lid: u32) {
  let c = thread_index(wid, nwg, lid);
  if (c >= params.units) { return; }
  let mean = act[params.stat_off + c];
  let invstd = act[params.stat_off + params.units + c];
  let n = f32(params.rows * PLANE);
  var s1 = 0.0;
  var s2 = 0.0;
  for (var r = 0u; r < params.rows; r++) {
    for (var p = 0u; p < PLANE; p++) {
      let g = dy(r, c, p);
      s1 += g;
      s2 += g * (act[at(params.x_off, r, c, p)] - mean) * invstd;
    }
  }
  act[params.dgamma_off + c] = s2;
  act[params.dbeta_off + c] = s1;
  let k = small[params.gamma_off + c] * invstd / n;
  for (var r = 0u; r < params.rows; r++) {
    for (var p = 0u; p < PLANE; p++) {
      let xhat = (act[at(params.x_off, r, c, p)] - mean) * invstd;
      // Eval mode: mean and invstd are the running estimates, constants of X, so dX = gamma invstd dY.
      act[at(params.dx_off, r, c, p)] = select(small[params.gamma_off + c] * invstd * dy(r, c, p), k * (n * dy(r, c, p) - s1 - xhat * s2), TRAIN);
    }
  }
}

@compute @workgroup_size(64)
fn layer_forward(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
                 @builtin(local_invocation_index) lid: u32) {
  let r = thread_index(wid, nwg, lid);
  if (r >= params.rows) { return; }
  let n = f32(params.units * PLANE);
  var s = 0.0;
  for (var c = 0u; c < params.units; c++) { for (var p = 0u; p < PLANE; p++) { s += act[at(params.x_off, r, c, p)]; } }
  let mean = s / n;
  var q = 0.0;
  for (var c = 0u; c < params.units; c++) { for (var p = 0u; p < PLANE; p++) { let d = act[at(params.x_off, r, c, p)] - mean; q += d * d; } }
  let invstd = 1.0 / sqrt(q / n + params.eps);
  act[params.stat_off + r] = mean;
  act[params.stat_off + params.rows + r] = invstd;
  for (var c = 0u; c < params.units; c++) { for (var p = 0u; p < PLANE; p++) { write_out(r, c, p, (act[at(params.x_off, r, c, p)] - mean) * invstd); } }
}

@compute @workgroup_size(64)
fn layer_backward(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
                  @builtin(local_invocation_index) lid: u32) {
  let r = thread_index(wid, nwg, lid);
  if (r >= params.rows) { return; }
  let mean = act[params.stat_off + r];
  let invstd = act[params.stat_off + params.rows + r];
  let n = f32(params.units * PLANE);
  var s1 = 0.0;
  var s2 = 0.0;
  for (var c = 0u; c < params.units; c++) {
    for (var p = 0u; p < PLANE; p++) {
      let g = dy(r, c, p) * small[params.gamma_off + c];
      s1 += g;
      s2 += g * (act[at(params.x_off, r, c, p)] - mean) * invstd;
    }
  }
  for (var c = 0u; c < params.units; c++) {
    for (var p = 0u; p < PLANE; p++) {
      let xhat = (act[at(params.x_off, r, c, p)] - mean) * invstd;
      let g = dy(r, c, p) * small[params.gamma_off + c];
      act[at(params.dx_off, r, c, p)] = invstd / n * (n * g - s1 - xhat * s2);
    }
  }
}

@compute @workgroup_size(64)
fn layer_param_grads(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
                     @builtin(local_invocation_index) lid: u32) {
  let c = thread_index(wid, nwg, lid);
  if (c >= params.units) { return; }
  var s1 = 0.0;
  var s2 = 0.0;
  for (var r = 0u; r < params.rows; r++) {
    for (var p = 0u; p < PLANE; p++) {
      let g = dy(r, c, p);
      s1 += g;
      s2 += g * (act[at(params.x_off, r, c, p)] - act[params.stat_off + r]) * act[params.stat_off + params.rows + r];
    }
  }
  act[params.dgamma_off + c] = s2;
  act[params.dbeta_off + c] = s1;
}
