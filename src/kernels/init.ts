import code from '../../shaders/rng.wgsl?raw';
import type { InitRule } from '../model/initializers';
import { PHILOX_WGSL } from './includes';
import { defineProgram, foldWorkgroups, makeDispatch, type Dispatch, type KernelContext } from './program';

/** rng.wgsl: Philox4x32-10 fills of a buffer region. */
export const RNG_PROGRAM = defineProgram({
  name: 'rng',
  shader: { file: 'rng.wgsl', code, includes: [PHILOX_WGSL] },
  bindings: { params: 'uniform', out: 'storage' },
  uniform: {
    struct: 'InitParams',
    fields: { offset: 'u32', count: 'u32', seed: 'u32', stream: 'u32', mode: 'u32', scale: 'f32', value: 'f32' },
  },
});

/** Philox streams: weights use the layer index, the rest these fixed ids, so every tensor of a
 *  seed has its own independent sequence. */
export const STREAM_INPUT = 0xffff0001;
export const STREAM_UPSTREAM = 0xffff0002;

export interface InitRequest {
  label: string;
  buffer: GPUBuffer;
  /** In f32 elements. */
  offset: number;
  count: number;
  seed: number;
  stream: number;
  rule: InitRule;
}

/** A dispatch of rng.wgsl that fills `count` elements from `offset`. Its uniform block is made
 *  for this request; callers that reuse the dispatch (the upstream gradient) keep it. */
export function initDispatch(ctx: KernelContext, req: InitRequest): Promise<Dispatch> {
  return makeDispatch(ctx, RNG_PROGRAM, {
    label: req.label,
    constants: {},
    buffers: { out: req.buffer },
    uniforms: { offset: req.offset, count: req.count, seed: req.seed, stream: req.stream, mode: req.rule.mode, scale: req.rule.scale, value: req.rule.value },
    workgroups: foldWorkgroups(ctx, Math.ceil(req.count / 1024)),
    reads: [],
    writes: [req.label],
  });
}
