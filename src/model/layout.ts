import type { LayerEntry } from './layers';

/** Where each entry's regions live: offsets (in f32 elements) into the arena or the small
 *  buffer, by region name. 'own' regions have buffers of their own and no offset. */
export interface EntryLayout { at: Record<string, number> }

/** The arena holds X and dX, then every entry's arena regions in the order it names them, so
 *  everything small and per-step sits in one buffer that one stats batch can address. */
export interface NetLayout {
  x: number;
  dx: number;
  /** Training targets of a batch: labels (one column) or values (the output's width). */
  t: number;
  entries: EntryLayout[];
  arenaFloats: number;
  smallFloats: number;
}

export function layoutNet(entries: LayerEntry[], batch: number, inputWidth: number): NetLayout {
  const outputWidth = entries[entries.length - 1].outputWidth;
  let arena = 0;
  let small = 0;
  const x = arena; arena += batch * inputWidth;
  const dx = arena; arena += batch * inputWidth;
  const placed: EntryLayout[] = [];
  entries.forEach((entry, i) => {
    const at: Record<string, number> = {};
    for (const [name, region] of Object.entries(entry.regions)) {
      if (region.buffer === 'arena') { at[name] = arena; arena += region.floats; }
      if (region.buffer === 'small') { at[name] = small; small += region.floats; }
    }
    // An entry without an output of its own (a residual block's fork) passes its input on: a view.
    if (!('out' in entry.regions)) at.out = i === 0 ? x : placed[i - 1].at.out;
    placed.push({ at });
  });
  const t = arena; arena += batch * outputWidth;
  return { x, dx, t, entries: placed, arenaFloats: arena, smallFloats: Math.max(small, 4) };
}

/** The activation entry i reads: X for the first, else the previous entry's output. */
export function inputOffset(layout: NetLayout, i: number): number {
  return i === 0 ? layout.x : layout.entries[i - 1].at.out;
}

/** Where entry i writes dL/d(its input): dX for the first, else the previous entry's `dout`. */
export function inputGradOffset(layout: NetLayout, i: number): number {
  return i === 0 ? layout.dx : layout.entries[i - 1].at.dout;
}
