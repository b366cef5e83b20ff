// Activation family: f(z) and f'(z) for every activation of design.md, selected by id.
// Included (prepended) by matmul.wgsl, epilogue.wgsl, bias_grad.wgsl and stats.wgsl. Kernels that
// know their activation at compile time pass a constant id, so the switch folds away; the stats
// kernel passes the id at run time because one dispatch covers every layer.
//   ids: 0 linear, 1 sigmoid, 2 tanh, 3 relu, 4 leaky_relu, 5 prelu, 6 elu, 7 selu, 8 gelu,
//        9 gelu_tanh, 10 silu, 11 maxout (elementwise identity; the max over pieces is in the kernels)
//   p:   leaky_relu slope, prelu alpha of the unit, elu alpha; ignored by the others.
// Every branch stays finite for |z| up to 1e4: exp() only ever sees a non-positive argument or
// one whose overflow is harmless (1/(1+inf) = 0), and tanh is clamped where f32 tanh is +-1.

const SELU_LAMBDA: f32 = 1.0507009873554805;
const SELU_ALPHA: f32 = 1.6732632423543772;
const SQRT_HALF: f32 = 0.7071067811865476;
const INV_SQRT_2PI: f32 = 0.3989422804014327;
const SQRT_2_OVER_PI: f32 = 0.7978845608028654;
const GELU_TANH_C: f32 = 0.044715;

fn sigmoid_f(z: f32) -> f32 {
  if (z >= 0.0) { return 1.0 / (1.0 + exp(-z)); }
  let e = exp(z);
  return e / (1.0 + e);
}

// tanh(z) is exactly +-1 in f32 beyond |z| = 9.01; some platforms return NaN for large |z|.
fn tanh_f(z: f32) -> f32 {
  if (abs(z) > 9.5) { return sign(z); }
  return tanh(z);
}

// erfc(x) with relative error < 1.2e-7 for every x (Chebyshev fit, Numerical Recipes' erfcc);
// WGSL has no erf. Used as 1 + erf(x) = erfc(-x) so the negative tail keeps relative accuracy.
fn erfc_f(x: f32) -> f32 {
  let ax = abs(x);
  let t = 1.0 / (1.0 + 0.5 * ax);
  let poly = -1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 +
    t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277))))))));
  let r = t * exp(-ax * ax + poly);
  if (x >= 0.0) { return r; }
  return 2.0 - r;
}

fn normal_cdf(z: f32) -> f32 { return 0.5 * erfc_f(-z * SQRT_HALF); }
fn normal_pdf(z: f32) -> f32 { return INV_SQRT_2PI * exp(-0.5 * z * z); }

// gelu_tanh(z) = 0.5 z (1 + tanh(u)) = z * sigmoid(2u), written with the sigmoid to avoid 1 + (-1).
fn gelu_tanh_u(z: f32) -> f32 { return SQRT_2_OVER_PI * (z + GELU_TANH_C * z * z * z); }

fn act_f(id: u32, z: f32, p: f32) -> f32 {
  switch (id) {
    case 1u: { return sigmoid_f(z); }
    case 2u: { return tanh_f(z); }
    case 3u: { return max(z, 0.0); }
    case 4u, 5u: { return select(p * z, z, z > 0.0); }
    case 6u: { return select(p * (exp(min(z, 0.0)) - 1.0), z, z > 0.0); }
    case 7u: { return SELU_LAMBDA * select(SELU_ALPHA * (exp(min(z, 0.0)) - 1.0), z, z > 0.0); }
    case 8u: { return 0.5 * z * erfc_f(-z * SQRT_HALF); }
    case 9u: { return z * sigmoid_f(2.0 * gelu_tanh_u(z)); }
    case 10u: { return z * sigmoid_f(z); }
    default: { return z; }
  }
}

// Derivatives at the kinks follow PyTorch: relu'(0) = 0, leaky/prelu'(0) = slope, elu'(0) = alpha.
fn act_df(id: u32, z: f32, p: f32) -> f32 {
  switch (id) {
    case 1u: { let s = sigmoid_f(z); return s * (1.0 - s); }
    case 2u: { let t = tanh_f(z); return 1.0 - t * t; }
    case 3u: { return select(0.0, 1.0, z > 0.0); }
    case 4u, 5u: { return select(p, 1.0, z > 0.0); }
    case 6u: { return select(p * exp(min(z, 0.0)), 1.0, z > 0.0); }
    case 7u: { return SELU_LAMBDA * select(SELU_ALPHA * exp(min(z, 0.0)), 1.0, z > 0.0); }
    case 8u: { return normal_cdf(z) + z * normal_pdf(z); }
    case 9u: {
      let s = sigmoid_f(2.0 * gelu_tanh_u(z));
      let du = SQRT_2_OVER_PI * (1.0 + 3.0 * GELU_TANH_C * z * z);
      return s + z * 2.0 * s * (1.0 - s) * du;
    }
    case 10u: { let s = sigmoid_f(z); return s * (1.0 + z * (1.0 - s)); }
    default: { return 1.0; }
  }
}
