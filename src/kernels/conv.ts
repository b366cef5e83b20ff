import code from '../../shaders/conv.wgsl?raw';
import { LINEAR, type ActivationSpec } from '../model/activations';
import type { ConvShape } from '../model/net';
import { convGemmDispatch, convGemmPlan } from './convGemm';
import {
  paddedForwardDispatches, paddedInputGradDispatches, paddedScratchFloats, paddedWeightGradDispatches, paddedWeightGradSplit,
  usesPaddedInputGrad, usesPaddedKernels, weightGradOutputs,
} from './convPadded';
import { ACTIVATIONS_WGSL, CONV_SHAPE_WGSL } from './includes';
import { defineProgram, foldWorkgroups, makeDispatch, maxWorkgroupsPerDimension, type Dispatch, type KernelContext } from './program';

/** conv.wgsl: conv forward (+ bias + activation), dX, dW and db as implicit GEMMs without shared
 *  memory (CPU adapters), and the reduction of dW's split-K partials (both kernel sets). GPU
 *  adapters compute forward, dX and the partials with conv_gemm.wgsl's tiles (convGemm.ts). */
export const CONV_PROGRAM = defineProgram({
  name: 'conv',
  shader: { file: 'conv.wgsl', code, includes: [ACTIVATIONS_WGSL, CONV_SHAPE_WGSL] },
  bindings: { params: 'uniform', act: 'storage', small: 'read-only-storage', weights: 'storage', dz: 'read-only-storage', part: 'storage' },
  uniform: {
    struct: 'ConvParams',
    fields: { batch: 'u32', x_off: 'u32', z_off: 'u32', a_off: 'u32', bias_off: 'u32', db_off: 'u32', splits: 'u32', k_per_split: 'u32', slope: 'f32' },
  },
});

/** Threads compute blocks of 4 (output columns, filters, input channels, taps): conv.wgsl's BLOCK. */
const BLOCK = 4;
const blocks = (n: number) => Math.ceil(n / BLOCK);

/** The split of conv.wgsl's dW/db reduction over batch x Ho x Wo positions: enough threads to
 *  fill two cores' worth of lanes (about 512), at least 64 positions per split. Each thread sums 4
 *  filters x 4 taps, or 4 filters of db. */
export function convWeightGradSplit(s: ConvShape): { splits: number; kPerSplit: number; threadsPerSplit: number } {
  const threadsPerSplit = blocks(s.cout) * (blocks(s.cin * s.kh * s.kw) + 1);
  const positions = s.batch * s.ho * s.wo;
  const wanted = Math.ceil(512 / threadsPerSplit);
  const splits = Math.max(1, Math.min(wanted, Math.ceil(positions / 64)));
  const kPerSplit = Math.ceil(positions / splits);
  return { splits: Math.ceil(positions / kPerSplit), kPerSplit, threadsPerSplit };
}

/** The splits of the dW/db partials on a kernel set (conv_gemm.wgsl's tiles split like a matmul's). */
function weightGradSplits(s: ConvShape, ctx: KernelContext, hasBias: boolean): number {
  if (ctx.target === 'gpu') return convGemmPlan(s, 'weightGrad', hasBias, maxWorkgroupsPerDimension(ctx)).splits;
  return usesPaddedKernels(s) ? paddedWeightGradSplit(s).splits : convWeightGradSplit(s).splits;
}

function constants(s: ConvShape, act: ActivationSpec, hasBias: boolean) {
  return { CIN: s.cin, H: s.h, W: s.w, COUT: s.cout, KH: s.kh, KW: s.kw, STRIDE: s.stride, PAD: s.padding, HO: s.ho, WO: s.wo,
    ACT: act.id, HAS_BIAS: hasBias };
}

interface Common {
  label: string;
  shape: ConvShape;
  arena: GPUBuffer;
  small: GPUBuffer;
  /** Bound where a binding is unused (read-only bindings only: one buffer may not be bound both
   *  read-only and writable in a dispatch). */
  dummy: GPUBuffer;
  /** The shared scratch: dW's split-K partial sums, and on CPU adapters at stride 1 dW's padded
   *  copy of X after them (bound, unused, by the other entry points). */
  partials: GPUBuffer;
  reads: string[];
  writes: string[];
}

export interface ConvForwardRequest extends Common {
  act: ActivationSpec;
  weights: GPUBuffer;
  xOffset: number; zOffset: number; aOffset: number;
  biasOffset?: number;
}

/** Z = conv(X, W) (+ b), A = act(Z): one dispatch (on CPU adapters at stride 1 with kernels up to
 *  7 wide, conv_padded.wgsl's window). `reads` lists X's name first. */
export async function convForwardDispatches(ctx: KernelContext, r: ConvForwardRequest): Promise<Dispatch[]> {
  const s = r.shape;
  if (ctx.target === 'gpu') {
    return [await convGemmDispatch(ctx, { label: r.label, mode: 'forward', shape: s, act: r.act, hasBias: r.biasOffset !== undefined,
      buffers: { act: r.arena, small: r.small, weights: r.weights, dz: r.dummy, part: r.partials },
      xOffset: r.xOffset, zOffset: r.zOffset, aOffset: r.aOffset, biasOffset: r.biasOffset, reads: r.reads, writes: r.writes })];
  }
  if (usesPaddedKernels(s)) {
    const [input, ...params] = r.reads;
    return paddedForwardDispatches(ctx, { label: r.label, shape: s, act: r.act,
      buffers: { act: r.arena, small: r.small, weights: r.weights, dz: r.dummy, part: r.partials },
      xOffset: r.xOffset, zOffset: r.zOffset, aOffset: r.aOffset, biasOffset: r.biasOffset, input, params, writes: r.writes });
  }
  const threads = s.batch * s.ho * blocks(s.wo) * blocks(s.cout);
  return [await makeDispatch(ctx, CONV_PROGRAM, {
    label: r.label, entryPoint: 'forward', constants: constants(s, r.act, r.biasOffset !== undefined),
    buffers: { act: r.arena, small: r.small, weights: r.weights, dz: r.dummy, part: r.partials },
    uniforms: { batch: s.batch, x_off: r.xOffset, z_off: r.zOffset, a_off: r.aOffset, bias_off: r.biasOffset ?? 0, slope: r.act.param },
    workgroups: foldWorkgroups(ctx, Math.ceil(threads / 64)), reads: r.reads, writes: r.writes,
  })];
}

export interface ConvInputGradRequest extends Common {
  weights: GPUBuffer;
  /** dZ at offset 0. */
  dz: GPUBuffer;
  /** dZ's name and W's. */
  reads: [string, string];
  dxOffset: number;
}

/** dX = dZ convolved with the flipped W: one dispatch (on CPU adapters at stride 1 with kernels up
 *  to 7 wide and padding below the kernel, conv_padded.wgsl's window). */
export async function convInputGradDispatches(ctx: KernelContext, r: ConvInputGradRequest): Promise<Dispatch[]> {
  const s = r.shape;
  const buffers = { act: r.arena, small: r.small, weights: r.weights, dz: r.dz, part: r.partials };
  if (ctx.target === 'gpu') {
    return [await convGemmDispatch(ctx, { label: r.label, mode: 'inputGrad', shape: s, act: LINEAR, hasBias: false,
      buffers, xOffset: r.dxOffset, reads: r.reads, writes: r.writes })];
  }
  if (usesPaddedInputGrad(s)) return paddedInputGradDispatches(ctx, { label: r.label, shape: s, buffers, dxOffset: r.dxOffset, reads: r.reads, writes: r.writes });
  return [await makeDispatch(ctx, CONV_PROGRAM, {
    label: r.label, entryPoint: 'input_grad', constants: constants(s, LINEAR, false), buffers,
    uniforms: { batch: s.batch, x_off: r.dxOffset },
    workgroups: foldWorkgroups(ctx, Math.ceil((s.batch * s.h * blocks(s.w) * blocks(s.cin)) / 64)), reads: r.reads, writes: r.writes,
  })];
}

export interface ConvWeightGradRequest extends Common {
  /** Receives dW. */
  dW: GPUBuffer;
  dz: GPUBuffer;
  /** X's name and dZ's. */
  reads: [string, string];
  xOffset: number;
  dbOffset?: number;
}

/** The split-K partial sums of dW and db (on CPU adapters at stride 1 with kernels up to 7 wide,
 *  conv_padded.wgsl's, after its padded copy of X). */
async function weightGradPartials(ctx: KernelContext, r: ConvWeightGradRequest, hasBias: boolean): Promise<Dispatch[]> {
  const s = r.shape;
  const label = `${r.label} (split-K partials)`;
  const buffers = { act: r.arena, small: r.small, weights: r.dummy, dz: r.dz, part: r.partials };
  if (ctx.target === 'gpu') {
    return [await convGemmDispatch(ctx, { label, mode: 'weightGrad', shape: s, act: LINEAR, hasBias, buffers, xOffset: r.xOffset, reads: r.reads, writes: ['partials'] })];
  }
  if (usesPaddedKernels(s)) {
    return paddedWeightGradDispatches(ctx, { label: r.label, shape: s, buffers, xOffset: r.xOffset, input: r.reads[0], dzName: r.reads[1], hasBias });
  }
  const { splits, kPerSplit, threadsPerSplit } = convWeightGradSplit(s);
  return [await makeDispatch(ctx, CONV_PROGRAM, {
    label, entryPoint: 'weight_grad', constants: constants(s, LINEAR, hasBias), buffers,
    uniforms: { batch: s.batch, x_off: r.xOffset, db_off: r.dbOffset ?? 0, splits, k_per_split: kPerSplit },
    workgroups: foldWorkgroups(ctx, Math.ceil((threadsPerSplit * splits) / 64)), reads: r.reads, writes: ['partials'],
  })];
}

/** dW and db: the split-K partial sums, then their reduction. */
export async function convWeightGradDispatches(ctx: KernelContext, r: ConvWeightGradRequest): Promise<Dispatch[]> {
  const s = r.shape;
  const hasBias = r.dbOffset !== undefined;
  return [
    ...await weightGradPartials(ctx, r, hasBias),
    await makeDispatch(ctx, CONV_PROGRAM, {
      label: `${r.label} (reduce)`, entryPoint: 'reduce_weight_grad', constants: constants(s, LINEAR, hasBias),
      buffers: { act: r.arena, small: r.small, weights: r.dW, dz: r.dummy, part: r.partials },
      uniforms: { db_off: r.dbOffset ?? 0, splits: weightGradSplits(s, ctx, hasBias) },
      workgroups: foldWorkgroups(ctx, Math.ceil(weightGradOutputs(s) / 64)), reads: ['partials'], writes: r.writes,
    }),
  ];
}

/** Floats of the shared scratch a conv layer needs: the split-K partials of dW/db (the larger of
 *  with and without db), and on CPU adapters at stride 1 the padded copy of X after them. */
export function convPartialFloats(s: ConvShape, ctx: KernelContext): number {
  if (ctx.target === 'cpu' && usesPaddedKernels(s)) return paddedScratchFloats(s);
  return Math.max(weightGradSplits(s, ctx, true), weightGradSplits(s, ctx, false)) * weightGradOutputs(s);
}
