import type { LayerSpec, NetSpec } from '../model/net';
import { decodeStats } from './decode';
import { statsSlotWords } from './layout';
import type { SlotTable, StatsSection } from './slots';
import type { LayerIdentity, TensorStats } from './types';

/** Per-unit records `{ layer, [field]: TensorStats }` of one section, from the words read back
 *  for the slots `firstSlot ..` (a plan's range); `units` records, one per unit of the net. */
export function decodeLayerStats(words: Uint32Array, firstSlot: number, bins: number, table: SlotTable, section: StatsSection,
  units: number): Array<Record<string, TensorStats> & { layer: number }> {
  const n = statsSlotWords(bins);
  const out = Array.from({ length: units }, (_, layer) => ({ layer }) as Record<string, TensorStats> & { layer: number });
  for (const s of table.section(section)) {
    const at = (s.slot - firstSlot) * n;
    out[s.layer][s.field] = decodeStats(words.subarray(at, at + n), s.rows * s.cols, s.cols / s.group, bins);
  }
  return out;
}

/** A layer's record in a result: its type and output shape; a block's inner layers under `layers`,
 *  each with its `path` [i, j]. */
export type NestedStats<T> = T & { type: LayerIdentity['type']; shape: number[]; path?: number[]; layers?: Array<NestedStats<T>> };

/** Per-unit records arranged as the net's layers (design.md section 9): `layer` is the index in its
 *  list; a flatten, a view, reports its input's activation where `views` is set. */
export function nestLayerStats<T extends { layer: number; activation?: unknown }>(spec: NetSpec, perUnit: T[], views: boolean): Array<NestedStats<T>> {
  const list = (layers: LayerSpec[], inner: boolean): Array<NestedStats<T>> => {
    const out: Array<NestedStats<T>> = [];
    layers.forEach((layer, k) => {
      const stats = { ...perUnit[layer.unit], layer: layer.index, type: layer.type, shape: [...layer.output] } as NestedStats<T>;
      if (inner) stats.path = [...layer.path];
      if (layer.type === 'flatten' && views && k > 0) stats.activation = out[k - 1].activation;
      if (layer.type === 'residual') stats.layers = list(layer.layers, true);
      out.push(stats);
    });
    return out;
  };
  return list(spec.layers, false);
}
