import code from '../../shaders/scale_add.wgsl?raw';
import { defineProgram, foldWorkgroups, makeDispatch, type Dispatch, type KernelContext } from './program';

/** scale_add.wgsl: x = a x + b y (orthogonal initialisation, LSUV). */
export const SCALE_ADD_PROGRAM = defineProgram({
  name: 'scale_add',
  shader: { file: 'scale_add.wgsl', code, includes: [] },
  bindings: { params: 'uniform', x: 'storage', y: 'read-only-storage' },
  uniform: { struct: 'ScaleAddParams', fields: { count: 'u32', x_off: 'u32', y_off: 'u32', a: 'f32', b: 'f32' } },
});

export interface ScaleAddRequest {
  label: string; count: number; x: GPUBuffer; xOffset: number; a: number;
  /** b y; absent: x = a x (`dummy` is bound for y). */
  y?: { buffer: GPUBuffer; offset: number; b: number };
  dummy: GPUBuffer;
  reads: string[]; writes: string[];
}

export function scaleAddDispatch(ctx: KernelContext, req: ScaleAddRequest): Promise<Dispatch> {
  return makeDispatch(ctx, SCALE_ADD_PROGRAM, {
    label: req.label,
    constants: { WITH_Y: req.y !== undefined },
    buffers: { x: req.x, y: req.y?.buffer ?? req.dummy },
    uniforms: { count: req.count, x_off: req.xOffset, y_off: req.y?.offset ?? 0, a: req.a, b: req.y?.b ?? 0 },
    workgroups: foldWorkgroups(ctx, Math.ceil(req.count / 64)),
    reads: req.reads,
    writes: req.writes,
  });
}
