// Loss family: the loss of a batch and dL/dA of the net's output in one kernel.
//   cross_entropy: softmax cross-entropy with integer labels (one column of T), stable for logits
//     up to 1e4 (log-sum-exp after subtracting the row max); dA = (softmax - onehot) * scale.
//   mse: sum of squared errors; dA = 2 (A - T) * scale.
// scale is 1/batch (cross-entropy) or 1/(batch x cols) (mse), so the gradient is that of the mean.
// Writes the batch's loss sum (f32 bits) and correct count (argmax of A equals the label, or
// argmax of T for mse) to metrics[2 * slot], [2 * slot + 1]; rows past the step's valid count
// add nothing and get dA = 0.
//   A: [rows x cols] at a_off, dA at da_off, T at t_off (arena); one workgroup of WG threads, a
//   thread per row, then a reduction in workgroup memory.

struct LossParams { rows: u32, cols: u32, a_off: u32, da_off: u32, t_off: u32, scale: f32 }

@group(0) @binding(0) var<uniform> params: LossParams;
@group(0) @binding(1) var<storage, read_write> act: array<f32>;
@group(0) @binding(2) var<storage, read_write> metrics: array<u32>;
@group(0) @binding(3) var<storage, read> step: array<u32>;

const T_METRICS_SLOT: u32 = ${T_METRICS_SLOT}u;
const T_VALID_ROWS: u32 = ${T_VALID_ROWS}u;
const WG: u32 = 64u;

var<workgroup> shared_loss: array<f32, WG>;
var<workgroup> shared_correct: array<u32, WG>;

fn argmax_row(base: u32) -> u32 {
  var best = 0u;
  for (var j = 1u; j < params.cols; j++) {
    if (act[base + j] > act[base + best]) { best = j; }
  }
  return best;
}

fn finish(lid: u32, loss: f32, correct: u32) {
  shared_loss[lid] = loss;
  shared_correct[lid] = correct;
  workgroupBarrier();
  if (lid == 0u) {
    var l = 0.0;
    var c = 0u;
    for (var i = 0u; i < WG; i++) { l += shared_loss[i]; c += shared_correct[i]; }
    let slot = step[T_METRICS_SLOT];
    metrics[2u * slot] = bitcast<u32>(l);
    metrics[2u * slot + 1u] = c;
  }
}

@compute @workgroup_size(WG)
fn cross_entropy(@builtin(local_invocation_index) lid: u32) {
  let valid = step[T_VALID_ROWS];
  var loss = 0.0;
  var correct = 0u;
  for (var r = lid; r < params.rows; r += WG) {
    let a = params.a_off + r * params.cols;
    let da = params.da_off + r * params.cols;
    if (r >= valid) {
      for (var j = 0u; j < params.cols; j++) { act[da + j] = 0.0; }
      continue;
    }
    let label = u32(act[params.t_off + r]);
    let top = argmax_row(a);
    let m = act[a + top];
    var s = 0.0;
    for (var j = 0u; j < params.cols; j++) { s += exp(act[a + j] - m); }
    loss += m + log(s) - act[a + label];
    correct += select(0u, 1u, top == label);
    for (var j = 0u; j < params.cols; j++) {
      let p = exp(act[a + j] - m) / s;
      act[da + j] = (p - select(0.0, 1.0, j == label)) * params.scale;
    }
  }
  finish(lid, loss, correct);
}

@compute @workgroup_size(WG)
fn mse(@builtin(local_invocation_index) lid: u32) {
  let valid = step[T_VALID_ROWS];
  var loss = 0.0;
  var correct = 0u;
  for (var r = lid; r < params.rows; r += WG) {
    let a = params.a_off + r * params.cols;
    let t = params.t_off + r * params.cols;
    let da = params.da_off + r * params.cols;
    let on = r < valid;
    for (var j = 0u; j < params.cols; j++) {
      let e = select(0.0, act[a + j] - act[t + j], on);
      loss += e * e;
      act[da + j] = 2.0 * e * params.scale;
    }
    correct += select(0u, 1u, on && argmax_row(a) == argmax_row(t));
  }
  finish(lid, loss, correct);
}
