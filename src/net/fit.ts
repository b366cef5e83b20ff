// What fits an adapter: when a net's buffers pass its limits, the largest batch that fits with
// the same dims, and the widest width that fits with the same batch (every dim as wide as the
// widest one set to it), from the same layout the net would get, without touching the GPU.
import type { KernelContext } from '../kernels/program';
import type { LayerEntry } from '../model/layers';
import { layoutNet } from '../model/layout';
import type { MLPSpec } from '../model/options';
import { LAYER_TYPES } from '../scheduler/layers';

/** Bytes of the net's largest buffer: the arena, a parameter, or the shared scratch. */
function largestBuffer(spec: MLPSpec, ctx: KernelContext, entriesOf: (spec: MLPSpec) => LayerEntry[]): number {
  const entries = entriesOf(spec);
  const layout = layoutNet(entries, spec.batch, spec.dims[0]);
  const floats = [layout.arenaFloats, layout.smallFloats];
  for (const e of entries) {
    for (const r of Object.values(e.regions)) if (r.buffer === 'own') floats.push(r.floats);
    const scratch = LAYER_TYPES[e.type].scratch(e, spec.batch, ctx);
    floats.push(scratch.partials, scratch.storedDz);
  }
  return 4 * Math.max(...floats);
}

/** The largest n in [1, hi] for which ok(n) holds (ok falls from true to false once), or 0. */
function largest(hi: number, ok: (n: number) => boolean): number {
  let lo = 0;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (ok(mid)) lo = mid; else hi = mid - 1;
  }
  return lo;
}

/** One sentence: the largest batch and the widest width that fit this adapter; `entriesOf` makes
 *  a net's layer entries the way the net does. */
export function fitHint(spec: MLPSpec, ctx: KernelContext, entriesOf: (spec: MLPSpec) => LayerEntry[]): string {
  const limit = Math.min(ctx.device.limits.maxStorageBufferBindingSize, ctx.device.limits.maxBufferSize);
  const fits = (s: MLPSpec) => largestBuffer(s, ctx, entriesOf) <= limit;
  const widest = Math.max(...spec.dims);
  const batch = largest(spec.batch - 1, (b) => fits({ ...spec, batch: b }));
  const width = largest(widest - 1, (w) => fits({ ...spec, dims: spec.dims.map((d) => (d === widest ? w : d)) }));
  const parts = [batch ? `with these dims a batch of at most ${batch} fits` : 'with these dims no batch fits'];
  parts.push(width ? `with batch ${spec.batch} the widest width that fits is ${width} (dims of ${widest} set to it)` : `with batch ${spec.batch} no width fits`);
  return `${parts.join('; ')} (largest buffer allowed: ${limit} bytes)`;
}
