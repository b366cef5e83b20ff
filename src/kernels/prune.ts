import code from '../../shaders/prune.wgsl?raw';
import { defineProgram, foldWorkgroups, makeDispatch, type Dispatch, type KernelContext } from './program';

/** prune.wgsl: masks of a weight tensor (apply, and magnitude pruning by a radix select). */
export const PRUNE_PROGRAM = defineProgram({
  name: 'prune',
  shader: { file: 'prune.wgsl', code, includes: [] },
  bindings: { params: 'uniform', w: 'storage', mask: 'storage', sel: 'storage' },
  uniform: { struct: 'PruneParams', fields: { count: 'u32', digit: 'u32', fraction: 'f32' } },
});

/** Bytes of prune.wgsl's selection words: 256 bins, the key prefix (2 words), k and n. */
export const PRUNE_SELECTION_BYTES = 260 * 4;

export interface MaskRequest {
  /** The weight tensor's name (`W3`). */
  name: string;
  count: number;
  W: GPUBuffer;
  mask: GPUBuffer;
  /** The selection words (zeroed before a prune); bound but unused by `apply`. */
  selection: GPUBuffer;
}

const elementwise = (ctx: KernelContext, count: number) => foldWorkgroups(ctx, Math.ceil(count / 64));

/** W *= mask. */
export function maskApplyDispatch(ctx: KernelContext, r: MaskRequest): Promise<Dispatch> {
  return makeDispatch(ctx, PRUNE_PROGRAM, { label: `${r.name} *= mask`, entryPoint: 'apply', constants: {},
    buffers: { w: r.W, mask: r.mask, sel: r.selection }, uniforms: { count: r.count }, workgroups: elementwise(ctx, r.count),
    reads: [r.name, `${r.name} mask`], writes: [r.name] });
}

/** The dispatches that prune `fraction` of the kept entries of smallest |W| (mask and W set to 0
 *  there): count, then eight histogram + choose passes, then the cut. The selection words must be 0. */
export async function pruneDispatches(ctx: KernelContext, r: MaskRequest & { fraction: number }): Promise<Dispatch[]> {
  const buffers = { w: r.W, mask: r.mask, sel: r.selection };
  const base = { constants: {}, buffers, reads: [r.name, `${r.name} mask`, 'selection'] };
  const out = [await makeDispatch(ctx, PRUNE_PROGRAM, { ...base, label: `prune ${r.name}: count kept`, entryPoint: 'count',
    uniforms: { count: r.count }, workgroups: elementwise(ctx, r.count), writes: ['selection'] })];
  for (let pass = 0; pass < 8; pass++) {
    out.push(await makeDispatch(ctx, PRUNE_PROGRAM, { ...base, label: `prune ${r.name}: histogram of byte ${pass}`, entryPoint: 'histogram',
      uniforms: { count: r.count, digit: pass }, workgroups: elementwise(ctx, r.count), writes: ['selection'] }));
    out.push(await makeDispatch(ctx, PRUNE_PROGRAM, { ...base, label: `prune ${r.name}: choose byte ${pass}`, entryPoint: 'choose',
      uniforms: { count: r.count, digit: pass, fraction: r.fraction }, workgroups: [1, 1, 1], writes: ['selection'] }));
  }
  out.push(await makeDispatch(ctx, PRUNE_PROGRAM, { ...base, label: `prune ${r.name}: cut`, entryPoint: 'cut',
    uniforms: { count: r.count }, workgroups: elementwise(ctx, r.count), writes: [r.name, `${r.name} mask`] }));
  return out;
}
