// A net's GPU side, allocated from its layer list: the arena and small buffers of the layout,
// each entry's own buffers (W at once, dW on the first backward), the shared scratch, and the
// stats buffers. Every buffer comes from the net's scoped allocator, so destroy() frees all at once.
import { allocateChecked } from '../gpu/allocate';
import type { BufferAllocator } from '../gpu/buffers';
import type { KernelContext } from '../kernels/program';
import type { LayerEntry } from '../model/layers';
import { layoutNet, type NetLayout } from '../model/layout';
import { statsGrid } from '../stats/batch';
import { PARTIAL_WORDS, statsSlotWords } from '../stats/layout';
import { STATS_SECTIONS, type SlotTable } from '../stats/slots';
import { slotTable, type NetGraph } from '../scheduler/build';
import type { LayerType, NetBuffers, StepContext } from '../scheduler/layerType';

export class NetResources {
  readonly layout: NetLayout;
  readonly graph: NetGraph;
  readonly buffers: NetBuffers;

  constructor(readonly ctx: KernelContext, readonly allocator: BufferAllocator, entries: LayerEntry[], types: LayerType[],
    readonly batch: number, inputWidth: number, readonly seed: number, private bins: number) {
    this.layout = layoutNet(entries, batch, inputWidth);
    this.graph = { entries, types, slots: slotTable(entries, types, batch) };
    const storage = (label: string, floats: number) => allocator.storage(label, Math.max(4, floats) * 4);
    try {
      const scratch = entries.map((e, i) => types[i].scratch(e, batch, ctx));
      const statsScratch = this.statsScratch();
      this.buffers = {
        arena: storage('arena (X, dX, and every entry\'s activations and gradients)', this.layout.arenaFloats),
        small: storage('biases and alphas', this.layout.smallFloats),
        own: entries.map((e) => Object.fromEntries(Object.entries(e.regions)
          .filter(([, r]) => r.buffer === 'own' && r.when === undefined)
          .map(([name, r]) => [name, storage(`${r.label} (${r.floats} floats)`, r.floats)]))),
        partials: storage('split-K partials', Math.max(0, ...scratch.map((s) => s.partials))),
        storedDz: storage('stored dZ (CPU-adapter dW, dX)', Math.max(0, ...scratch.map((s) => s.storedDz))),
        dummy: storage('unused binding', 4),
        stats: storage('stats', this.slots.count * statsSlotWords(bins)),
        statsPartials: storage('stats partials', statsScratch.partialWords),
        statsFlags: storage('stats column flags', statsScratch.flagWords),
      };
    } catch (e) {
      allocator.releaseAll();
      throw e;
    }
  }

  get slots(): SlotTable { return this.graph.slots; }
  get entries(): LayerEntry[] { return this.graph.entries; }
  get histogramBins(): number { return this.bins; }

  /** Scratch for the largest stats batch: a section's tensors bound every batch made of them. */
  private statsScratch(): { partialWords: number; flagWords: number } {
    let partialWords = PARTIAL_WORDS;
    let flagWords = 1;
    for (const section of STATS_SECTIONS) {
      const tensors = this.slots.section(section);
      partialWords = Math.max(partialWords, tensors.reduce((s, t) => s + statsGrid(t.rows, t.cols, this.ctx.target).records * PARTIAL_WORDS, 0));
      flagWords = Math.max(flagWords, tensors.reduce((s, t) => s + t.cols, 0));
    }
    return { partialWords, flagWords };
  }

  step(): StepContext {
    return { ctx: this.ctx, batch: this.batch, seed: this.seed, layout: this.layout, buffers: this.buffers };
  }

  private made = new Set<'backward' | 'update'>();

  /** Makes the 'own' regions needed from now on: gradients on the first backward, update
   *  buffers on the first training step with statistics. */
  ensure(when: 'backward' | 'update'): Promise<void> {
    if (this.made.has(when)) return Promise.resolve();
    this.made.add(when);
    const made: GPUBuffer[] = [];
    const { check } = allocateChecked(this.ctx.device, when === 'backward' ? 'backward' : 'train', () => this.entries.forEach((e, i) => {
      for (const [name, r] of Object.entries(e.regions)) {
        if (r.buffer === 'own' && r.when === when) made.push(this.buffers.own[i][name] = this.allocator.storage(`${r.label} (${r.floats} floats)`, r.floats * 4));
      }
    }));
    // Refused: free what was made, so a later call tries again (after other nets were freed).
    return check.catch((e: unknown) => {
      for (const b of made) this.allocator.release(b);
      this.made.delete(when);
      throw e;
    });
  }

  get hasGradients(): boolean { return this.made.has('backward'); }

  /** Masks made so far: training plans are keyed by it, so a new mask is in the next step's update. */
  maskCount = 0;

  /** Whether entry `index` has a mask (a checkpoint then holds it). */
  masked(index: number): boolean { return this.buffers.own[index].mask !== undefined; }

  /** The mask buffer of entry `index` (its W's layout, f32 1 keep / 0 pruned), made all ones on first need. */
  ensureMask(index: number): GPUBuffer {
    const own = this.buffers.own[index];
    if (own.mask) return own.mask;
    const W = this.entries[index].regions.W;
    own.mask = this.allocator.storage(`${W.label} mask (${W.floats} floats)`, W.floats * 4);
    this.ctx.device.queue.writeBuffer(own.mask, 0, new Float32Array(W.floats).fill(1));
    this.maskCount++;
    return own.mask;
  }

  /** Called by restore(): each trainer zeroes its optimiser state and starts its step count again. */
  readonly onRestore = new Set<() => void>();

  /** Train-mode forward passes run so far (each moves batch norm's running estimates once):
   *  BatchNorm's num_batches_tracked in a checkpoint. */
  trainModePasses = 0;

  /** A new histogram bin count needs a stats buffer of another size. */
  resizeStats(bins: number): void {
    this.allocator.release(this.buffers.stats);
    this.bins = bins;
    this.buffers.stats = this.allocator.storage('stats', this.slots.count * statsSlotWords(bins) * 4);
  }

  /** Frees every buffer of the net at once (the allocator is closed: nothing more can be made). */
  release(): void {
    this.allocator.releaseAll();
  }
}
