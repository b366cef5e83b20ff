// Optimiser family: one parameter tensor's update, exactly as torch.optim documents it.
//   sgd:  g = grad + wd p;  momentum: b = mu b + g (b starts at 0, so b_1 = g as torch's clone),
//         g = nesterov ? g + mu b : b;  p -= lr g.
//   adam: g = grad + wd p (L2; adamw instead p *= 1 - lr wd first);  m = b1 m + (1 - b1) g;
//         v = b2 v + (1 - b2) g^2;  p -= (lr / bias1) m / (sqrt(v) / sqrt(bias2) + eps).
// lr and the bias corrections come from the step words (T_* from model/train.ts), the rest are
// uniforms. p: [count] at p_off of `param`, grad at g_off of `grad`, m and v at 0 of their own.
// WRITE_DELTA (a training step with statistics) also writes the applied change p_new - p_old to
// `delta`, whose statistics give the update:data ratio. MASKED (a pruned weight tensor): where
// mask[i] is 0 the parameter, its change and the optimiser state stay exactly 0.
//   dispatch: one thread per element, workgroup 64, folded into 2-D past 65535 workgroups.

struct OptimParams {
  count: u32, p_off: u32, g_off: u32, momentum: f32,
  weight_decay: f32, beta1: f32, beta2: f32, eps: f32,
}

@group(0) @binding(0) var<uniform> params: OptimParams;
@group(0) @binding(1) var<storage, read_write> param: array<f32>;
@group(0) @binding(2) var<storage, read> grad: array<f32>;
@group(0) @binding(3) var<storage, read_write> m: array<f32>;
@group(0) @binding(4) var<storage, read_write> v: array<f32>;
@group(0) @binding(5) var<storage, read> step: array<u32>;
@group(0) @binding(6) var<storage, read_write> delta: array<f32>;
@group(0) @binding(7) var<storage, read> mask: array<f32>;

const T_LR: u32 = ${T_LR}u;
const T_BIAS1: u32 = ${T_BIAS1}u;
const T_BIAS2: u32 = ${T_BIAS2}u;

fn index(wid: vec3<u32>, nwg: vec3<u32>, lid: u32) -> u32 { return (wid.x + wid.y * nwg.x) * 64u + lid; }

// v where entry i is kept, exactly +0 where it is pruned.
fn kept(i: u32, v: f32) -> f32 {
#if ${MASKED}
  return select(0.0, v, mask[i] != 0.0);
#else
  return v;
#endif
}

fn store(i: u32, old: f32, updated: f32) {
  let new_value = kept(i, updated);
  param[params.p_off + i] = new_value;
#if ${WRITE_DELTA}
  delta[i] = new_value - old;
#endif
}

@compute @workgroup_size(64)
fn sgd(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
       @builtin(local_invocation_index) lid: u32) {
  let i = index(wid, nwg, lid);
  if (i >= params.count) { return; }
  let lr = bitcast<f32>(step[T_LR]);
  let p = param[params.p_off + i];
  var g = grad[params.g_off + i] + params.weight_decay * p;
#if ${MOMENTUM}
  let b = params.momentum * m[i] + g;
  m[i] = kept(i, b);
#if ${NESTEROV}
  g = g + params.momentum * b;
#else
  g = b;
#endif
#endif
  store(i, p, p - lr * g);
}

@compute @workgroup_size(64)
fn adam(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) lid: u32) {
  let i = index(wid, nwg, lid);
  if (i >= params.count) { return; }
  let lr = bitcast<f32>(step[T_LR]);
  let old = param[params.p_off + i];
  var p = old;
  var g = grad[params.g_off + i];
#if ${DECOUPLED}
  p = p * (1.0 - lr * params.weight_decay);
#else
  g = g + params.weight_decay * p;
#endif
  let mi = params.beta1 * m[i] + (1.0 - params.beta1) * g;
  let vi = params.beta2 * v[i] + (1.0 - params.beta2) * g * g;
  m[i] = kept(i, mi);
  v[i] = kept(i, vi);
  let bias1 = bitcast<f32>(step[T_BIAS1]);
  let bias2 = bitcast<f32>(step[T_BIAS2]);
  store(i, old, p - (lr / bias1) * mi / (sqrt(vi) / sqrt(bias2) + params.eps));
}
