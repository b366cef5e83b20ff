import type { BufferPool } from '../gpu/buffers';
import type { PipelineCache } from '../gpu/pipelines';

/** One compute dispatch, fully bound: what the scheduler records and what a plan prints. */
export interface Dispatch {
  label: string;
  /** Pipeline-cache key: kernel family, entry point and every injected constant. */
  kernel: string;
  pipeline: GPUComputePipeline;
  bindGroup: GPUBindGroup;
  workgroups: [number, number, number];
  reads: string[];
  writes: string[];
  /** Uniform buffers made for this dispatch alone, released with it. */
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
  pool: BufferPool;
}

export const MAX_WORKGROUPS_PER_DIM = 65535;

/** Workgroup count for `groups` linear workgroups, folded into 2-D past 65535 (the shader
 *  computes wid.x + wid.y * num_workgroups.x and skips ids past the end). */
export function foldWorkgroups(groups: number): [number, number, number] {
  if (groups <= MAX_WORKGROUPS_PER_DIM) return [Math.max(1, groups), 1, 1];
  const y = Math.ceil(groups / MAX_WORKGROUPS_PER_DIM);
  return [Math.ceil(groups / y), y, 1];
}

export function bindGroup(ctx: KernelContext, label: string, layout: GPUBindGroupLayout, buffers: GPUBuffer[]): GPUBindGroup {
  return ctx.device.createBindGroup({
    label,
    layout,
    entries: buffers.map((buffer, binding) => ({ binding, resource: { buffer } })),
  });
}
