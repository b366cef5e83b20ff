// Residual family (design.md section 9): a block's output A = act(Z), Z = X + m F, with X the
// block's input, F = f(X) its branch's output and m its multiplier (1 without one).
//   X at x_off, F at f_off, Z at z_off, A at a_off, dA at da_off, dZ at dz_off, dF at df_off,
//   the branch's dX at dxb_off, the block's dX at dx_off: each batch x units in `act`;
//   m at small[m_off] (MULTIPLIER), dm at act[dm_off].
// Entry points, one thread per element (multiplier_grad: one workgroup):
//   join_forward:    Z = X + m F;  A = act(Z).
//   join_backward:   dZ = dA act'(Z) (kept: the skip's gradient);  dF = m dZ (into the branch).
//   fork_backward:   dX = dX_branch + dZ: the two paths' gradients, summed in one pass.
//   multiplier_grad: dm = sum(dZ F) over the batch, a fixed-order tree, so a seed gives one result.

struct ResidualParams {
  count: u32, x_off: u32, f_off: u32, z_off: u32,
  a_off: u32, da_off: u32, dz_off: u32, df_off: u32,
  m_off: u32, dm_off: u32, dxb_off: u32, dx_off: u32,
}

@group(0) @binding(0) var<uniform> params: ResidualParams;
@group(0) @binding(1) var<storage, read_write> act: array<f32>;
@group(0) @binding(2) var<storage, read> small: array<f32>;

const ACT: u32 = ${ACT}u;
const SLOPE: f32 = ${SLOPE};

fn element(wid: vec3<u32>, nwg: vec3<u32>, lid: u32) -> u32 { return (wid.x + wid.y * nwg.x) * 64u + lid; }

fn multiplier() -> f32 {
#if ${MULTIPLIER}
  return small[params.m_off];
#else
  return 1.0;
#endif
}

@compute @workgroup_size(64)
fn join_forward(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
                @builtin(local_invocation_index) lid: u32) {
  let i = element(wid, nwg, lid);
  if (i >= params.count) { return; }
  let z = act[params.x_off + i] + multiplier() * act[params.f_off + i];
  act[params.z_off + i] = z;
  act[params.a_off + i] = act_f(ACT, z, SLOPE);
}

@compute @workgroup_size(64)
fn join_backward(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
                 @builtin(local_invocation_index) lid: u32) {
  let i = element(wid, nwg, lid);
  if (i >= params.count) { return; }
  let dz = act[params.da_off + i] * act_df(ACT, act[params.z_off + i], SLOPE);
  act[params.dz_off + i] = dz;
  act[params.df_off + i] = multiplier() * dz;
}

@compute @workgroup_size(64)
fn fork_backward(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
                 @builtin(local_invocation_index) lid: u32) {
  let i = element(wid, nwg, lid);
  if (i >= params.count) { return; }
  act[params.dx_off + i] = act[params.dxb_off + i] + act[params.dz_off + i];
}

var<workgroup> partial: array<f32, 64>;

@compute @workgroup_size(64)
fn multiplier_grad(@builtin(local_invocation_index) lid: u32) {
  var sum = 0.0;
  for (var i = lid; i < params.count; i += 64u) { sum += act[params.dz_off + i] * act[params.f_off + i]; }
  partial[lid] = sum;
  workgroupBarrier();
  for (var half = 32u; half > 0u; half >>= 1u) {
    if (lid < half) { partial[lid] += partial[lid + half]; }
    workgroupBarrier();
  }
  if (lid == 0u) { act[params.dm_off] = partial[0]; }
}
