// Batch gather family: copies the rows of a minibatch from the dataset (uploaded once) into the
// arena, in the order of a permutation (shuffled on the CPU once per epoch): X[r, f] =
// data[perm[start + r], f] and T[r, c] = targets[perm[start + r], c] (labels are one column).
// Rows at or past the step's valid count are zeros (an evaluation's last, partial batch).
//   data: [N x features], targets: [N x target_cols], perm: [N] u32, X and T in the arena at
//   x_off / t_off; start and valid rows from the step words (T_* injected from model/train.ts).
//   dispatch: one thread per element of X and T, workgroup 64, folded into 2-D past 65535.

struct GatherParams { rows: u32, features: u32, target_cols: u32, x_off: u32, t_off: u32 }

@group(0) @binding(0) var<uniform> params: GatherParams;
@group(0) @binding(1) var<storage, read_write> act: array<f32>;
@group(0) @binding(2) var<storage, read> data: array<f32>;
@group(0) @binding(3) var<storage, read> targets: array<f32>;
@group(0) @binding(4) var<storage, read> perm: array<u32>;
@group(0) @binding(5) var<storage, read> step: array<u32>;

const T_BATCH_START: u32 = ${T_BATCH_START}u;
const T_VALID_ROWS: u32 = ${T_VALID_ROWS}u;

@compute @workgroup_size(64)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) lid: u32) {
  let i = (wid.x + wid.y * nwg.x) * 64u + lid;
  let x_count = params.rows * params.features;
  let total = x_count + params.rows * params.target_cols;
  if (i >= total) { return; }
  let in_x = i < x_count;
  let width = select(params.target_cols, params.features, in_x);
  let j = select(i - x_count, i, in_x);
  let r = j / width;
  let c = j % width;
  var v = 0.0;
  if (r < step[T_VALID_ROWS]) {
    let row = perm[step[T_BATCH_START] + r];
    v = select(targets[row * width + c], data[row * width + c], in_x);
  }
  if (in_x) { act[params.x_off + j] = v; } else { act[params.t_off + j] = v; }
}
