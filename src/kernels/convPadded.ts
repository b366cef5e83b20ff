import code from '../../shaders/conv_padded.wgsl?raw';
import { LINEAR, type ActivationSpec } from '../model/activations';
import type { ConvShape } from '../model/net';
import { ACTIVATIONS_WGSL, CONV_SHAPE_WGSL } from './includes';
import { defineProgram, foldWorkgroups, makeDispatch, type Dispatch, type KernelContext } from './program';

/** conv_padded.wgsl: the stride-1 conv forward, dW and dX on CPU adapters, with no bounds test per tap (dW over a zero-padded copy of X). */
export const CONV_PADDED_PROGRAM = defineProgram({
  name: 'conv-padded',
  shader: { file: 'conv_padded.wgsl', code, includes: [ACTIVATIONS_WGSL, CONV_SHAPE_WGSL] },
  bindings: { params: 'uniform', act: 'storage', small: 'read-only-storage', weights: 'read-only-storage', dz: 'read-only-storage', part: 'storage' },
  uniform: {
    struct: 'PaddedParams',
    fields: { batch: 'u32', x_off: 'u32', z_off: 'u32', a_off: 'u32', bias_off: 'u32', pad_off: 'u32', splits: 'u32', rows_per_split: 'u32', slope: 'f32' },
  },
});

/** The widest kernel conv_padded.wgsl unrolls (its `kernel_row`, `four_positions`, `one_position`). */
const KW_MAX = 7;

/** Whether conv_padded.wgsl computes this layer's forward and dW on CPU adapters: stride 1, kernel
 *  at most KW_MAX wide (conv.wgsl keeps the others). */
export const usesPaddedKernels = (s: ConvShape): boolean => s.stride === 1 && s.kw <= KW_MAX;

/** Whether conv_padded.wgsl computes this layer's dX on CPU adapters: as the forward, and padding
 *  below the kernel in both directions, so the window reads dZ as if padded by kernel - 1 - padding >= 0. */
export const usesPaddedInputGrad = (s: ConvShape): boolean => usesPaddedKernels(s) && s.padding < s.kh && s.padding < s.kw;

/** Rows of dW's padded copy of X (read in place without padding), each of W + 2 padding floats. */
const paddedInputRows = (s: ConvShape): number => (s.padding > 0 ? s.batch * s.cin * (s.h + 2 * s.padding) : 0);

/** Filters (FT) and input channels (CC) a dW thread sums over: FT of 1-4 (the lanes of a vec4),
 *  CC with CC x KW <= 12 sums of vec4 (at most 4), each the fewest wasted slots. */
const weightGradBlock = (s: ConvShape) => ({ FT: channelsPerThread(s.cout, 4), CC: channelsPerThread(s.cin, Math.max(1, Math.min(4, Math.floor(12 / s.kw)))) });

/** dW's threads per split: per group of FT filters a job per (group of CC channels, kernel row), and one for db. */
const weightGradThreadsPerSplit = (s: ConvShape) => {
  const { FT, CC } = weightGradBlock(s);
  return Math.ceil(s.cout / FT) * (Math.ceil(s.cin / CC) * s.kh + 1);
};

/** dW's split over the batch HO image rows: enough threads to fill two cores' worth of lanes
 *  (about 512). */
export function paddedWeightGradSplit(s: ConvShape): { splits: number; rowsPerSplit: number } {
  const rows = s.batch * s.ho;
  const rowsPerSplit = Math.ceil(rows / Math.min(rows, Math.ceil(512 / weightGradThreadsPerSplit(s))));
  return { splits: Math.ceil(rows / rowsPerSplit), rowsPerSplit };
}

/** dW's and db's entries in one split of the partials: COUT x TAPS, then COUT. */
export const weightGradOutputs = (s: ConvShape): number => s.cout * s.cin * s.kh * s.kw + s.cout;

/** The shared scratch these kernels use: dW's split-K partials, then dW's padded copy of X. */
const partialFloats = (s: ConvShape) => paddedWeightGradSplit(s).splits * weightGradOutputs(s);
export const paddedScratchFloats = (s: ConvShape): number => partialFloats(s) + paddedInputRows(s) * (s.w + 2 * s.padding);

interface PaddedRequest {
  label: string;
  shape: ConvShape;
  buffers: { act: GPUBuffer; small: GPUBuffer; weights: GPUBuffer; dz: GPUBuffer; part: GPUBuffer };
  xOffset: number;
  /** X's name. */
  input: string;
}

/** Channels a thread computes or sums over, at most `most`: the fewest slots for `channels` (6 as
 *  2 x 3, not 2 x 4), the more per thread on a tie. The window (CT) holds at most 4: in the harness
 *  8 columns x 8 channels ran no faster than 12-16 columns x 4 (bench/NOTES.md). */
function channelsPerThread(channels: number, most: number): number {
  let best = 1;
  for (let ct = 2; ct <= most; ct++) if (Math.ceil(channels / ct) * ct <= Math.ceil(channels / best) * best) best = ct;
  return best;
}

/** Quads of output columns a thread of forward or input_grad computes (QUADS, 2-4): the most
 *  columns computed per unit of time, 12 and 16 columns a thread counting 1.2x 8 (bench/NOTES.md,
 *  2026-12-08) and columns past the row's end counting as lost. */
function quadsPerThread(cols: number): number {
  const rate = (quads: number) => (cols / (Math.ceil(cols / (4 * quads)) * 4 * quads)) * (quads > 2 ? 1.2 : 1);
  return [3, 4].reduce((best, quads) => (rate(quads) > rate(best) ? quads : best), 2);
}

/** The kernel's constants; `window`: the product forward or input_grad computes and its output
 *  channels and columns (COUT and WO, CIN and W; undefined for the entry points without a window),
 *  which set CT and QUADS. */
const constants = (s: ConvShape, act: ActivationSpec, hasBias: boolean, window?: { inputGrad: boolean; channels: number; cols: number }) => ({
  CIN: s.cin, H: s.h, W: s.w, COUT: s.cout, KH: s.kh, KW: s.kw, STRIDE: s.stride, PAD: s.padding, HO: s.ho, WO: s.wo, ACT: act.id,
  HAS_BIAS: hasBias, PADDED: s.padding > 0, INPUT_GRAD: window?.inputGrad ?? false,
  CT: window ? channelsPerThread(window.channels, 4) : 1, QUADS: window ? quadsPerThread(window.cols) : 2, ...weightGradBlock(s) });

/** Threads of forward or input_grad (the kernel's `segments`): COLS columns of each of batch x
 *  `rows` output rows, per CT of `channels`. */
const windowThreads = (batch: number, rows: number, cols: number, channels: number, c: ReturnType<typeof constants>) =>
  batch * rows * Math.ceil(cols / (4 * c.QUADS)) * Math.ceil(channels / c.CT);

/** dW's padded copy of X, when the layer pads (else X is read in place), a thread per row. */
async function padDispatches(ctx: KernelContext, r: PaddedRequest, c: ReturnType<typeof constants>): Promise<Dispatch[]> {
  const s = r.shape;
  if (s.padding === 0) return [];
  return [await makeDispatch(ctx, CONV_PADDED_PROGRAM, {
    label: `${r.label}: padded X`, entryPoint: 'pad_input', constants: c, buffers: r.buffers,
    uniforms: { batch: s.batch, x_off: r.xOffset, pad_off: partialFloats(s) },
    workgroups: foldWorkgroups(ctx, Math.ceil(paddedInputRows(s) / 64)), reads: [r.input], writes: ['partials'],
  })];
}

/** What X's reads are called once the padded copy stands in for it. */
const xRead = (r: PaddedRequest) => (r.shape.padding > 0 ? 'partials' : r.input);

export interface PaddedForwardRequest extends PaddedRequest {
  act: ActivationSpec;
  zOffset: number; aOffset: number;
  biasOffset?: number;
  /** W's name (and b's). */
  params: string[];
  writes: string[];
}

/** Z = conv(X, W) (+ b), A = act(Z) at stride 1, X read where it lies. */
export async function paddedForwardDispatches(ctx: KernelContext, r: PaddedForwardRequest): Promise<Dispatch[]> {
  const s = r.shape;
  const c = constants(s, r.act, r.biasOffset !== undefined, { inputGrad: false, channels: s.cout, cols: s.wo });
  const threads = windowThreads(s.batch, s.ho, s.wo, s.cout, c);
  return [await makeDispatch(ctx, CONV_PADDED_PROGRAM, {
    label: r.label, entryPoint: 'forward', constants: c, buffers: r.buffers,
    uniforms: { batch: s.batch, x_off: r.xOffset, z_off: r.zOffset, a_off: r.aOffset, bias_off: r.biasOffset ?? 0, slope: r.act.param },
    workgroups: foldWorkgroups(ctx, Math.ceil(threads / 64)), reads: [r.input, ...r.params], writes: r.writes,
  })];
}

/** dW's and db's split-K partials at stride 1: the padded copy of X, then the product (conv.wgsl's
 *  reduce_weight_grad sums the splits). */
export async function paddedWeightGradDispatches(ctx: KernelContext, r: PaddedRequest & { hasBias: boolean; dzName: string }): Promise<Dispatch[]> {
  const s = r.shape;
  const c = constants(s, LINEAR, r.hasBias);
  const { splits, rowsPerSplit } = paddedWeightGradSplit(s);
  const threads = splits * weightGradThreadsPerSplit(s);
  return [...await padDispatches(ctx, r, c), await makeDispatch(ctx, CONV_PADDED_PROGRAM, {
    label: `${r.label} (split-K partials)`, entryPoint: 'weight_grad', constants: c, buffers: r.buffers,
    uniforms: { batch: s.batch, x_off: r.xOffset, pad_off: partialFloats(s), splits, rows_per_split: rowsPerSplit },
    workgroups: foldWorkgroups(ctx, Math.ceil(threads / 64)), reads: [xRead(r), r.dzName], writes: ['partials'],
  })];
}

export interface PaddedInputGradRequest extends Omit<PaddedRequest, 'xOffset' | 'input'> {
  dxOffset: number;
  /** dZ's name and W's. */
  reads: [string, string];
  writes: string[];
}

/** dX at stride 1: the product of dZ (read where it lies, as if padded by kernel - 1 - padding)
 *  with the flipped kernel. */
export async function paddedInputGradDispatches(ctx: KernelContext, r: PaddedInputGradRequest): Promise<Dispatch[]> {
  const s = r.shape;
  const c = constants(s, LINEAR, false, { inputGrad: true, channels: s.cin, cols: s.w });
  const threads = windowThreads(s.batch, s.h, s.w, s.cin, c);
  return [await makeDispatch(ctx, CONV_PADDED_PROGRAM, {
    label: r.label, entryPoint: 'input_grad', constants: c, buffers: r.buffers, uniforms: { batch: s.batch, x_off: r.dxOffset },
    workgroups: foldWorkgroups(ctx, Math.ceil(threads / 64)), reads: r.reads, writes: r.writes,
  })];
}
