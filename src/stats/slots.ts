// Where each tensor's statistics go in the net's stats buffer: one slot per tensor, forward
// tensors first, then backward, weights and applied updates, so each kind of step reads one
// contiguous range.

export const STATS_SECTIONS = ['forward', 'backward', 'weights', 'update'] as const;
export type StatsSection = typeof STATS_SECTIONS[number];

/** One tensor whose statistics a step reports, as `layers[layer][field]` of its result. */
export interface SlotSpec {
  section: StatsSection; layer: number; field: string; rows: number; cols: number;
  /** Columns per unit of deadUnitFraction (a conv channel spans Ho x Wo columns). */
  group: number;
}

export class SlotTable {
  private readonly specs: SlotSpec[];
  private readonly index = new Map<string, number>();

  constructor(specs: SlotSpec[]) {
    this.specs = STATS_SECTIONS.flatMap((section) => specs.filter((s) => s.section === section));
    this.specs.forEach((s, slot) => {
      const key = SlotTable.key(s.section, s.layer, s.field);
      if (this.index.has(key)) throw new Error(`stats slot ${key} declared twice`);
      this.index.set(key, slot);
    });
  }

  private static key(section: StatsSection, layer: number, field: string): string { return `${section}/${layer}/${field}`; }

  get count(): number { return this.specs.length; }

  slot(section: StatsSection, layer: number, field: string): number {
    const slot = this.index.get(SlotTable.key(section, layer, field));
    if (slot === undefined) throw new Error(`no stats slot ${SlotTable.key(section, layer, field)}`);
    return slot;
  }

  /** The contiguous slots of a section. */
  range(section: StatsSection): { first: number; count: number } {
    const first = this.specs.findIndex((s) => s.section === section);
    const count = this.specs.filter((s) => s.section === section).length;
    return { first: first < 0 ? 0 : first, count };
  }

  /** The tensors of a section, in slot order. */
  section(section: StatsSection): Array<SlotSpec & { slot: number }> {
    return this.specs.map((s, slot) => ({ ...s, slot })).filter((s) => s.section === section);
  }
}
