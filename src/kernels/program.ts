import { InitscopeError } from '../model/errors';
import type { BufferAllocator } from '../gpu/buffers';
import type { BindingType, PipelineCache } from '../gpu/pipelines';
import type { ShaderConstants, ShaderSource } from '../gpu/shaders';

/** One compute dispatch, fully bound: what the scheduler records and what a plan prints. */
export interface Dispatch {
  label: string;
  /** Pipeline-cache key: kernel family, entry point, every injected constant, the layout. */
  kernel: string;
  pipeline: GPUComputePipeline;
  bindGroup: GPUBindGroup;
  workgroups: [number, number, number];
  reads: string[];
  writes: string[];
  /** Uniform and descriptor buffers made for this dispatch alone, released with it. */
  owned: GPUBuffer[];
}

/** Which kernel variants to use. 'cpu' is for CPU rasterisers (SwiftShader): a workgroup barrier
 *  there is a switch of every 4-lane group of the workgroup, and two cores want a few large
 *  workgroups, so 'cpu' kernels avoid barriers and use coarse grids. */
export type KernelTarget = 'gpu' | 'cpu';

export interface KernelContext {
  device: GPUDevice;
  target: KernelTarget;
  pipelines: PipelineCache;
  allocator: BufferAllocator;
}

export type UniformType = 'u32' | 'f32';

/** A kernel program: one WGSL file, its bindings by name in binding order, and the fields of its
 *  uniform struct by name in declaration order (every field a 4-byte scalar, so field i sits at
 *  byte 4i; a test holds names, types and offsets against the WGSL struct). */
export interface Program<B extends string = string, U extends string = string> {
  name: string;
  shader: ShaderSource;
  bindings: Readonly<Record<B, BindingType>>;
  /** The struct bound at binding `params`, of type 'uniform' (absent for programs without one). */
  uniform?: { struct: string; fields: Readonly<Record<U, UniformType>> };
}

/** Keeps the literal binding and field names of a program, so requests are checked by name. */
export function defineProgram<B extends string, U extends string = never>(p: Program<B, U>): Program<B, U> {
  return p;
}

/** The binding that holds the uniform struct is always called `params`. */
const UNIFORM_BINDING = 'params';
type BufferBindings<P> = P extends Program<infer B, string> ? Exclude<B, typeof UNIFORM_BINDING> : never;
type UniformFields<P> = P extends Program<string, infer U> ? U : never;

export interface DispatchRequest<P extends Program> {
  label: string;
  entryPoint?: string;
  constants: ShaderConstants;
  /** A buffer for every binding that is not the uniform. */
  buffers: Record<BufferBindings<P>, GPUBuffer>;
  /** Uniform fields by name; a field left out is 0. */
  uniforms?: Partial<Record<UniformFields<P>, number>>;
  workgroups: [number, number, number];
  reads: string[];
  writes: string[];
}

/** The uniform block of a program: fields written by name at 4 bytes each, padded to 16 bytes. */
export function packUniforms(program: Program, values: Partial<Record<string, number>>): ArrayBuffer {
  const fields: Array<[string, UniformType]> = Object.entries<UniformType>(program.uniform?.fields ?? {});
  for (const name of Object.keys(values)) {
    if (!(name in (program.uniform?.fields ?? {}))) throw new Error(`${program.name}: no uniform field ${name} in ${program.uniform?.struct}`);
  }
  const data = new ArrayBuffer(Math.max(16, Math.ceil(fields.length / 4) * 16));
  const u32 = new Uint32Array(data);
  const f32 = new Float32Array(data);
  fields.forEach(([name, type], i) => {
    const v = values[name] ?? 0;
    if (type === 'f32') f32[i] = v;
    else u32[i] = v >>> 0;
  });
  return data;
}

/** The one way a dispatch is made: the pipeline (cached by every constant and the layout), the
 *  uniform block from named fields, the bind group from named buffers. */
export async function makeDispatch<P extends Program>(ctx: KernelContext, program: P, req: DispatchRequest<P>): Promise<Dispatch> {
  // Grids fold past the per-dimension limit where sizes can reach it (foldWorkgroups, the matmul's
  // rows); a shape beyond even that is refused here, before the GPU would reject the dispatch.
  const limit = maxWorkgroupsPerDimension(ctx);
  if (req.workgroups.some((n) => n > limit)) {
    throw new InitscopeError(`${req.label}: ${program.name} would need a grid of [${req.workgroups.join(', ')}] workgroups, more than ` +
      `${limit} in one dimension (the device's maxComputeWorkgroupsPerDimension); use smaller dims or batch`, 'too-large');
  }
  const names = Object.keys(program.bindings);
  const types: BindingType[] = Object.values<BindingType>(program.bindings);
  const { pipeline, layout, key } = await ctx.pipelines.get({
    name: program.name, shader: program.shader, entryPoint: req.entryPoint ?? 'main', constants: req.constants, bindings: types,
  });
  const owned: GPUBuffer[] = [];
  const buffers = req.buffers as Record<string, GPUBuffer>;
  const entries = names.map((name, binding) => {
    if (name === UNIFORM_BINDING) {
      if (types[binding] !== 'uniform' || !program.uniform) throw new Error(`${program.name}: binding params must be a uniform with a struct`);
      const uniform = ctx.allocator.uniform(`${req.label} ${name}`, packUniforms(program, req.uniforms ?? {}));
      owned.push(uniform);
      return { binding, resource: { buffer: uniform } };
    }
    const buffer = buffers[name];
    if (!buffer) throw new Error(`${req.label}: no buffer for binding ${name} of ${program.name}`);
    return { binding, resource: { buffer } };
  });
  return {
    label: req.label,
    kernel: key,
    pipeline,
    bindGroup: ctx.device.createBindGroup({ label: req.label, layout, entries }),
    workgroups: req.workgroups,
    reads: req.reads,
    writes: req.writes,
    owned,
  };
}

/** The device's workgroups per grid dimension (65535 on every adapter seen; WebGPU guarantees
 *  at least that). Grids fold past it. */
export function maxWorkgroupsPerDimension(ctx: KernelContext): number {
  return ctx.device.limits.maxComputeWorkgroupsPerDimension;
}

/** Workgroup count for `groups` linear workgroups, folded into 2-D past the device's limit (the
 *  shader computes wid.x + wid.y * num_workgroups.x and skips ids past the end). */
export function foldWorkgroups(ctx: KernelContext, groups: number): [number, number, number] {
  const limit = maxWorkgroupsPerDimension(ctx);
  if (groups <= limit) return [Math.max(1, groups), 1, 1];
  const y = Math.ceil(groups / limit);
  return [Math.ceil(groups / y), y, 1];
}
