import { decodeStats } from './decode';
import { statsSlotWords } from './layout';
import type { SlotTable, StatsSection } from './slots';
import type { TensorStats } from './types';

/** Per-layer records `{ layer, [field]: TensorStats }` of one section, from the words read back
 *  for the slots `firstSlot ..` (a plan's range). */
export function decodeLayerStats(words: Uint32Array, firstSlot: number, bins: number, table: SlotTable, section: StatsSection,
  layers: number): Array<Record<string, TensorStats> & { layer: number }> {
  const n = statsSlotWords(bins);
  const out = Array.from({ length: layers }, (_, layer) => ({ layer }) as Record<string, TensorStats> & { layer: number });
  for (const s of table.section(section)) {
    const at = (s.slot - firstSlot) * n;
    out[s.layer][s.field] = decodeStats(words.subarray(at, at + n), s.rows * s.cols, s.cols / s.group, bins);
  }
  return out;
}
