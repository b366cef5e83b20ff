import code from '../../shaders/residual.wgsl?raw';
import type { ActivationSpec } from '../model/activations';
import { ACTIVATIONS_WGSL } from './includes';
import { defineProgram, foldWorkgroups, makeDispatch, type Dispatch, type KernelContext } from './program';

/** residual.wgsl: a block's join (Z = X + m F, A = act(Z)), its backward, the fork's gradient sum
 *  and the multiplier's gradient. */
export const RESIDUAL_PROGRAM = defineProgram({
  name: 'residual',
  shader: { file: 'residual.wgsl', code, includes: [ACTIVATIONS_WGSL] },
  bindings: { params: 'uniform', act: 'storage', small: 'read-only-storage' },
  uniform: {
    struct: 'ResidualParams',
    fields: {
      count: 'u32', x_off: 'u32', f_off: 'u32', z_off: 'u32', a_off: 'u32', da_off: 'u32', dz_off: 'u32', df_off: 'u32',
      m_off: 'u32', dm_off: 'u32', dxb_off: 'u32', dx_off: 'u32',
    },
  },
});

type Offsets = Partial<Record<'x_off' | 'f_off' | 'z_off' | 'a_off' | 'da_off' | 'dz_off' | 'df_off' | 'm_off' | 'dm_off' | 'dxb_off' | 'dx_off', number>>;

export interface ResidualRequest {
  label: string;
  entryPoint: 'join_forward' | 'join_backward' | 'fork_backward' | 'multiplier_grad';
  /** Elements: batch x units. */
  count: number;
  act: ActivationSpec;
  /** The multiplier's offset in `small`; absent: m = 1. */
  multiplierOffset?: number;
  offsets: Offsets;
  arena: GPUBuffer;
  small: GPUBuffer;
  reads: string[];
  writes: string[];
}

export function residualDispatch(ctx: KernelContext, r: ResidualRequest): Promise<Dispatch> {
  return makeDispatch(ctx, RESIDUAL_PROGRAM, {
    label: r.label,
    entryPoint: r.entryPoint,
    constants: { ACT: r.act.id, SLOPE: r.act.param, MULTIPLIER: r.multiplierOffset !== undefined },
    buffers: { act: r.arena, small: r.small },
    uniforms: { count: r.count, m_off: r.multiplierOffset ?? 0, ...r.offsets },
    workgroups: r.entryPoint === 'multiplier_grad' ? [1, 1, 1] : foldWorkgroups(ctx, Math.ceil(r.count / 64)),
    reads: r.reads,
    writes: r.writes,
  });
}
