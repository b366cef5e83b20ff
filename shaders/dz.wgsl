// dZ prologue family: dZ = dA * f'(Z), computed where a backward kernel loads its operand, so dZ
// is never written to memory. Included by matmul.wgsl (dX = dZ W^T, dW = A^T dZ) and
// bias_grad.wgsl (db, dalpha). Needs module-scope `act` (the activation arena) and `small`
// (biases and PReLU alphas), and the constants ACT and MAXOUT_K of the including kernel.
//   dA: [rows x units] at da_off;  Z: [rows x cols] at z_off, cols = units * MAXOUT_K
//   maxout: column c = j * MAXOUT_K + p is piece p of unit j; dA flows to the arg-max piece only,
//   the first one on ties (PyTorch's max); elsewhere dZ[m, c] = dA[m, c] * f'(Z[m, c]).

fn dz_at(da_off: u32, z_off: u32, alpha_off: u32, units: u32, slope: f32, m: u32, c: u32) -> f32 {
  if (ACT == 11u) {
    let unit = c / MAXOUT_K;
    let first = z_off + m * units * MAXOUT_K + unit * MAXOUT_K;
    var best = act[first];
    var arg = 0u;
    for (var p = 1u; p < MAXOUT_K; p++) {
      let z = act[first + p];
      if (z > best) { best = z; arg = p; }
    }
    return select(0.0, act[da_off + m * units + unit], c % MAXOUT_K == arg);
  }
  var p = slope;
  if (ACT == 5u) { p = small[alpha_off + c]; }
  return act[da_off + m * units + c] * act_df(ACT, act[z_off + m * units + c], p);
}
