import { packUniform } from '../gpu/buffers';
import { bindGroup, foldWorkgroups, type Dispatch, type KernelContext } from './dispatch';
import type { InitRule } from '../model/initializers';

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
export async function initDispatch(ctx: KernelContext, req: InitRequest): Promise<Dispatch> {
  const { pipeline, layout, key } = await ctx.pipelines.get('rng', 'main', {}, ['uniform', 'storage']);
  const uniform = ctx.pool.uniform(`${req.label} params`, packUniform([
    req.offset, req.count, req.seed >>> 0, req.stream >>> 0, req.rule.mode, { f32: req.rule.scale }, { f32: req.rule.value }, 0,
  ]));
  return {
    label: req.label,
    kernel: key,
    pipeline,
    bindGroup: bindGroup(ctx, req.label, layout, [uniform, req.buffer]),
    workgroups: foldWorkgroups(Math.ceil(req.count / 1024)),
    reads: [],
    writes: [req.label],
    owned: [uniform],
  };
}
