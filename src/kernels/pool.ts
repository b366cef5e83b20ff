import code from '../../shaders/pool.wgsl?raw';
import type { PoolShape } from '../model/net';
import { defineProgram, foldWorkgroups, makeDispatch, type Dispatch, type KernelContext } from './program';

/** pool.wgsl: max and average pooling, forward and backward. */
export const POOL_PROGRAM = defineProgram({
  name: 'pool',
  shader: { file: 'pool.wgsl', code, includes: [] },
  bindings: { params: 'uniform', act: 'storage' },
  uniform: { struct: 'PoolParams', fields: { batch: 'u32', x_off: 'u32', y_off: 'u32', dy_off: 'u32', dx_off: 'u32' } },
});

export interface PoolRequest {
  label: string;
  kind: 'max' | 'avg';
  shape: PoolShape;
  arena: GPUBuffer;
  xOffset: number;
  yOffset: number;
  reads: string[];
  writes: string[];
}

const constants = (r: PoolRequest) => ({ C: r.shape.c, H: r.shape.h, W: r.shape.w, SIZE: r.shape.size, STRIDE: r.shape.stride,
  HO: r.shape.ho, WO: r.shape.wo, MODE: r.kind === 'max' ? 0 : 1 });

/** Y = pool(X): one thread per element of Y. */
export function poolForwardDispatch(ctx: KernelContext, r: PoolRequest): Promise<Dispatch> {
  const s = r.shape;
  return makeDispatch(ctx, POOL_PROGRAM, {
    label: r.label, entryPoint: 'forward', constants: constants(r), buffers: { act: r.arena },
    uniforms: { batch: s.batch, x_off: r.xOffset, y_off: r.yOffset },
    workgroups: foldWorkgroups(ctx, Math.ceil((s.batch * s.c * s.ho * s.wo) / 64)), reads: r.reads, writes: r.writes,
  });
}

/** dX of pool given dY: where windows do not overlap (stride = size) one thread per window, else
 *  one per element of X (a gather). */
export function poolBackwardDispatch(ctx: KernelContext, r: PoolRequest & { dyOffset: number; dxOffset: number }): Promise<Dispatch> {
  const s = r.shape;
  const perWindow = s.stride === s.size;
  return makeDispatch(ctx, POOL_PROGRAM, {
    label: r.label, entryPoint: perWindow ? 'backward_windows' : 'backward', constants: constants(r), buffers: { act: r.arena },
    uniforms: { batch: s.batch, x_off: r.xOffset, dy_off: r.dyOffset, dx_off: r.dxOffset },
    workgroups: foldWorkgroups(ctx, Math.ceil((s.batch * s.c * (perWindow ? s.ho * s.wo : s.h * s.w)) / 64)), reads: r.reads, writes: r.writes,
  });
}
