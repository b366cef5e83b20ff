import { statsSlotWords } from './layout';
import type { NetLayout } from '../model/layout';
import type { MLPSpec } from '../model/options';
import { backwardSlot, forwardSlot } from './slots';
import { decodeStats } from './decode';
import type { BackwardLayerStats, ForwardLayerStats } from './types';

/** The read-back words of a plan's stats slots, starting at slot `firstSlot`, by layer. */
export class SlotReader {
  constructor(private words: Uint32Array, private firstSlot: number, private bins: number) {}

  tensor(slot: number, count: number, cols: number) {
    const n = statsSlotWords(this.bins);
    const at = (slot - this.firstSlot) * n;
    return decodeStats(this.words.subarray(at, at + n), count, cols, this.bins);
  }
}

export function forwardLayerStats(slots: SlotReader, spec: MLPSpec, layout: NetLayout): ForwardLayerStats[] {
  const B = spec.batch;
  return layout.layers.map((layer, l) => ({
    layer: l,
    preactivation: slots.tensor(forwardSlot(l, 'preactivation'), B * layer.cols, layer.cols),
    activation: slots.tensor(forwardSlot(l, 'activation'), B * layer.units, layer.units),
  }));
}

export function backwardLayerStats(slots: SlotReader, spec: MLPSpec, layout: NetLayout): BackwardLayerStats[] {
  const L = spec.layers;
  const B = spec.batch;
  return layout.layers.map((layer, l) => {
    const stats: BackwardLayerStats = {
      layer: l,
      weightGrad: slots.tensor(backwardSlot(L, l, 'weightGrad'), layer.weightCount, layer.cols),
      inputGrad: slots.tensor(backwardSlot(L, l, 'inputGrad'), B * layer.din, layer.din),
    };
    if (layer.db !== undefined) stats.biasGrad = slots.tensor(backwardSlot(L, l, 'biasGrad'), layer.cols, layer.cols);
    if (layer.dalpha !== undefined) stats.alphaGrad = slots.tensor(backwardSlot(L, l, 'alphaGrad'), layer.units, layer.units);
    return stats;
  });
}
