// WGSL files of shared functions that kernel files include (prepended before the kernel's own).
import activationsCode from '../../shaders/activations.wgsl?raw';
import convShapeCode from '../../shaders/conv_shape.wgsl?raw';
import dzCode from '../../shaders/dz.wgsl?raw';
import philoxCode from '../../shaders/philox.wgsl?raw';
import type { ShaderSource } from '../gpu/shaders';

/** act_f / act_df for every activation id of model/activations.ts. */
export const ACTIVATIONS_WGSL: ShaderSource = { file: 'activations.wgsl', code: activationsCode, includes: [] };
/** dz_at: dZ = dA * f'(Z) read where a matmul operand is loaded (needs activations.wgsl). */
export const DZ_WGSL: ShaderSource = { file: 'dz.wgsl', code: dzCode, includes: [] };
/** philox4x32_10: the counter-based generator of initialisation and dropout masks. */
export const PHILOX_WGSL: ShaderSource = { file: 'philox.wgsl', code: philoxCode, includes: [] };
/** A conv layer's shape constants and x_at (X under the padding), for both conv kernel sets. */
export const CONV_SHAPE_WGSL: ShaderSource = { file: 'conv_shape.wgsl', code: convShapeCode, includes: [] };
