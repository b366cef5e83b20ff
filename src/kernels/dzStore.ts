import code from '../../shaders/dz_store.wgsl?raw';
import { ACTIVATIONS_WGSL, DZ_WGSL } from './includes';
import type { DzOperand } from './matmul';
import { defineProgram, foldWorkgroups, makeDispatch, type Dispatch, type KernelContext } from './program';

/** dz_store.wgsl: dZ = dA * f'(Z) into a scratch buffer (CPU adapters). */
export const DZ_STORE_PROGRAM = defineProgram({
  name: 'dz_store',
  shader: { file: 'dz_store.wgsl', code, includes: [ACTIVATIONS_WGSL, DZ_WGSL] },
  bindings: { params: 'uniform', act: 'read-only-storage', small: 'read-only-storage', dz_out: 'storage' },
  uniform: {
    struct: 'DzParams',
    fields: { rows: 'u32', cols: 'u32', units: 'u32', da_off: 'u32', z_off: 'u32', alpha_off: 'u32', slope: 'f32' },
  },
});

export interface DzStoreRequest {
  label: string;
  rows: number;
  /** Where dA, Z (and PReLU's alpha) are, as the matmul prologue reads them. */
  dz: DzOperand;
  arena: GPUBuffer;
  small: GPUBuffer;
  /** Receives dZ, [rows x units * pieces] at offset 0. */
  out: GPUBuffer;
  reads: string[];
  writes: string[];
}

/** One thread per element. */
export function dzStoreDispatch(ctx: KernelContext, req: DzStoreRequest): Promise<Dispatch> {
  const { dz } = req;
  const cols = dz.units * dz.act.pieces;
  return makeDispatch(ctx, DZ_STORE_PROGRAM, {
    label: req.label,
    constants: { ACT: dz.act.id, MAXOUT_K: dz.act.pieces },
    buffers: { act: req.arena, small: req.small, dz_out: req.out },
    uniforms: { rows: req.rows, cols, units: dz.units, da_off: dz.daOffset, z_off: dz.zOffset, alpha_off: dz.alphaOffset, slope: dz.act.param },
    workgroups: foldWorkgroups(ctx, Math.ceil((req.rows * cols) / 64)),
    reads: req.reads,
    writes: req.writes,
  });
}
