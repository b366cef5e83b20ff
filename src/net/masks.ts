// Masks, pruning and snapshots (the lottery ticket, design.md section 9). A mask is an f32 buffer
// in W's layout (1 keep, 0 pruned) made on first need; the optimiser applies it on every update
// (optim.wgsl MASKED), so a pruned weight and its optimiser state stay exactly 0. Pruning runs on
// the GPU (prune.wgsl's radix select); a snapshot is a GPU copy of every parameter.
import { writeFloats } from '../gpu/buffers';
import { maskApplyDispatch, PRUNE_SELECTION_BYTES, pruneDispatches, type MaskRequest } from '../kernels/prune';
import type { Dispatch } from '../kernels/program';
import { InitscopeError, invalid } from '../model/errors';
import type { WeightedLayerSpec } from '../model/net';
import type { PlanExecutor } from '../scheduler/executor';
import { weightedOf } from './readers';
import type { NetResources } from './resources';

/** What `net.snapshot()` gives: every parameter of the net, copied on the GPU. Hand it to
 *  `net.restore()`; `release()` frees its buffers (the net's destroy() frees them too). */
export class NetSnapshot {
  /** @internal Made by `net.snapshot()`. */
  constructor(readonly copies: Array<{ source: GPUBuffer; copy: GPUBuffer }>, private readonly free: (b: GPUBuffer) => void, readonly owner: object) {}

  /** Frees the copies; a restore from a released snapshot is refused. */
  release(): void {
    this.copies.forEach(({ copy }) => this.free(copy));
    this.copies.length = 0;
  }
}

/** A mask from the user: W's length, every entry 0 or 1, as the f32 the GPU holds. */
export function checkMask(where: string, mask: unknown, length: number, shape: string): Float32Array {
  if (!(mask instanceof Uint8Array || mask instanceof Float32Array)) throw invalid(where, 'mask', mask, `a Uint8Array or Float32Array of length ${length} (${shape})`);
  if (mask.length !== length) {
    throw new InitscopeError(`${where}: mask must have length ${length} (${shape}), got ${mask.constructor.name}(${mask.length})`, 'invalid-option', 'mask');
  }
  const bad = mask.findIndex((v) => v !== 0 && v !== 1);
  if (bad >= 0) throw invalid(where, `mask[${bad}]`, mask[bad], '0 (pruned) or 1 (kept)');
  return mask instanceof Float32Array ? mask : Float32Array.from(mask);
}

const request = (res: NetResources, index: number, selection: GPUBuffer): MaskRequest => {
  const W = res.entries[index].regions.W;
  return { name: W.label, count: W.floats, W: res.buffers.own[index].W, mask: res.ensureMask(index), selection };
};

async function submit(res: NetResources, exec: PlanExecutor, name: string, dispatches: Dispatch[], scratch: GPUBuffer[] = []): Promise<void> {
  try {
    await exec.submitOnce({ name, dispatches });
  } finally {
    dispatches.forEach((d) => d.owned.forEach((b) => res.allocator.release(b)));
    scratch.forEach((b) => res.allocator.release(b));
  }
}

/** Selection words for a dispatch of prune.wgsl that does not select (apply binds them unused). */
const selectionWords = (res: NetResources, label: string) => res.allocator.storage(`selection words (${label})`, PRUNE_SELECTION_BYTES);

/** Sets layer `layer`'s mask and zeroes W where it is 0. */
export async function setMask(res: NetResources, exec: PlanExecutor, layer: WeightedLayerSpec, mask: Float32Array): Promise<void> {
  const { index } = weightedOf(res, layer.unit);
  const selection = selectionWords(res, 'set mask');
  const r = request(res, index, selection);
  writeFloats(res.ctx.device.queue, r.mask, 0, mask);
  await submit(res, exec, `set mask ${r.name}`, [await maskApplyDispatch(res.ctx, r)], [selection]);
}

/** Prunes `fraction` of each layer's kept weights of smallest |W| in one submit; returns the masks read back. */
export async function prune(res: NetResources, exec: PlanExecutor, layers: WeightedLayerSpec[], fraction: number): Promise<Uint8Array[]> {
  const dispatches: Dispatch[] = [];
  const selections: GPUBuffer[] = [];
  const indices = layers.map((l) => weightedOf(res, l.unit).index);
  for (const index of indices) {
    // Each layer its own selection words (zeroed at creation), so one submit prunes them all.
    const selection = res.allocator.storage(`prune selection ${res.entries[index].regions.W.label}`, PRUNE_SELECTION_BYTES);
    selections.push(selection);
    dispatches.push(...await pruneDispatches(res.ctx, { ...request(res, index, selection), fraction }));
  }
  await submit(res, exec, `prune ${fraction}`, dispatches, selections);
  const masks: Uint8Array[] = [];
  for (const index of indices) {
    const W = res.entries[index].regions.W;
    const values = await exec.readRegion(res.buffers.own[index].mask, 0, W.floats, `${W.label} mask`);
    masks.push(Uint8Array.from(values));
  }
  return masks;
}

/** Every parameter buffer of the net: each weighted entry's W and the small buffer (biases,
 *  alphas, norm parameters and running estimates, multipliers). */
const parameterBuffers = (res: NetResources) => [...res.buffers.own.flatMap((own) => (own.W ? [own.W] : [])), res.buffers.small];

function copy(res: NetResources, pairs: Array<{ from: GPUBuffer; to: GPUBuffer }>, label: string): void {
  const encoder = res.ctx.device.createCommandEncoder({ label });
  for (const { from, to } of pairs) encoder.copyBufferToBuffer(from, 0, to, 0, from.size);
  res.ctx.device.queue.submit([encoder.finish()]);
}

export async function snapshot(res: NetResources, owner: object): Promise<NetSnapshot> {
  const copies = parameterBuffers(res).map((source) => ({ source, copy: res.allocator.storage(`snapshot of ${source.label}`, source.size) }));
  copy(res, copies.map(({ source, copy: to }) => ({ from: source, to })), 'snapshot');
  await res.ctx.device.queue.onSubmittedWorkDone();
  return new NetSnapshot(copies, (b) => res.allocator.release(b), owner);
}

/** Puts a snapshot's parameters back, applies the current masks, and has every trainer start its optimiser again. */
export async function restore(res: NetResources, exec: PlanExecutor, snap: NetSnapshot): Promise<void> {
  copy(res, snap.copies.map(({ source, copy: from }) => ({ from, to: source })), 'restore snapshot');
  const masked = res.buffers.own.flatMap((own, index) => (own.mask ? [index] : []));
  const selection = selectionWords(res, 'restore');
  const dispatches = await Promise.all(masked.map((index) => maskApplyDispatch(res.ctx, request(res, index, selection))));
  await submit(res, exec, 'restore: apply masks', dispatches, [selection]);
  res.onRestore.forEach((rewind) => rewind());
}
