// The stats buffer's layout, defined once: stats.wgsl gets every number here as an injected
// constant (see statsLayoutConstants), decode.ts and batch.ts read and write with the same names.

/** Words of one stats slot (one tensor's statistics): a header, then the histogram bins. */
export const SLOT_FIELDS = {
  /** Finite entries (u32). */
  S_COUNT: 0,
  /** Mean of the finite entries (f32). */
  S_MEAN: 1,
  /** Sum of squared deviations from the mean (f32). */
  S_M2: 2,
  S_MIN: 3,
  S_MAX: 4,
  /** Sum of |x| (f32). */
  S_ABS_SUM: 5,
  /** Entries exactly zero (u32). */
  S_ZEROS: 6,
  /** Columns zero in every row (u32). */
  S_DEAD: 7,
  S_SATURATED: 8,
  S_NAN: 9,
  S_INF: 10,
  S_UNDERFLOW: 11,
  S_OVERFLOW: 12,
  /** The histogram's range (f32). */
  S_HIST_LO: 13,
  S_HIST_HI: 14,
  /** First histogram bin; the header is this many words. */
  S_BINS: 16,
} as const;

/** Words of one tensor's descriptor (u32 unless marked f32). */
export const DESC_FIELDS = {
  /** 0: the arena; 1: the batch's other buffer. */
  D_SOURCE: 0,
  D_OFFSET: 1,
  D_ROWS: 2,
  D_COLS: 3,
  /** ceil(cols / (WG * col_span)). */
  D_COL_GROUPS: 4,
  D_ROW_CHUNK: 5,
  /** Workgroups of the tensor: col_groups * ceil(rows / row_chunk). */
  D_GROUPS: 6,
  /** First partial record of the tensor. */
  D_PARTIAL_BASE: 7,
  /** First column flag of the tensor. */
  D_FLAG_BASE: 8,
  D_SLOT: 9,
  /** 1 when the tensor counts saturation. */
  D_SATURATION: 10,
  D_Z_OFF: 11,
  D_ALPHA_OFF: 12,
  /** Activation parameter (f32). */
  D_SLOPE: 13,
  /** Largest |f'| (f32). */
  D_MAX_SLOPE: 14,
  /** 1: fixed histogram range [D_HIST_LO, D_HIST_HI] (f32); 0: the tensor's [min, max]. */
  D_HIST_FIXED: 15,
  D_HIST_LO: 16,
  D_HIST_HI: 17,
  /** Blocks of WG columns per workgroup. */
  D_COL_SPAN: 18,
  /** Columns per unit for dead units (a conv channel's Ho x Wo positions); 1 for a dense layer. */
  D_GROUP: 19,
  /** Words per descriptor. */
  D_STRIDE: 20,
} as const;

/** Words of one partial record of moments (a workgroup's, or a thread's; the moments pass writes, finalize merges). */
export const PARTIAL_FIELDS = {
  P_N: 0, P_MEAN: 1, P_M2: 2, P_MIN: 3, P_MAX: 4, P_ABS_SUM: 5, P_ZEROS: 6, P_SATURATED: 7, P_NAN: 8, P_INF: 9,
  /** Words per record. */
  P_STRIDE: 12,
} as const;

export const STATS_HEADER_WORDS: number = SLOT_FIELDS.S_BINS;
export const DESC_WORDS: number = DESC_FIELDS.D_STRIDE;
export const PARTIAL_WORDS: number = PARTIAL_FIELDS.P_STRIDE;

export function statsSlotWords(bins: number): number { return STATS_HEADER_WORDS + bins; }

/** Every layout number as a WGSL constant of stats.wgsl. */
export function statsLayoutConstants(): Record<string, number> {
  return { ...SLOT_FIELDS, ...DESC_FIELDS, ...PARTIAL_FIELDS };
}
