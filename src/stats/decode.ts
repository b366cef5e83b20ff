import { SLOT_FIELDS as S, STATS_HEADER_WORDS } from './layout';
import type { TensorStats } from './types';

/** Turns one stats slot (layout.ts's SLOT_FIELDS) into TensorStats; `count` is rows x cols, `units`
 *  what deadUnitFraction counts (columns, or a conv's channels). */
export function decodeStats(words: Uint32Array, count: number, units: number, bins: number): TensorStats {
  const f32 = new Float32Array(words.buffer, words.byteOffset, words.length);
  const finite = words[S.S_COUNT];
  const mean = f32[S.S_MEAN];
  const variance = finite > 0 ? Math.max(0, f32[S.S_M2]) / finite : 0;
  return {
    count,
    mean: finite > 0 ? mean : 0,
    std: Math.sqrt(variance),
    min: finite > 0 ? f32[S.S_MIN] : NaN,
    max: finite > 0 ? f32[S.S_MAX] : NaN,
    meanAbs: finite > 0 ? f32[S.S_ABS_SUM] / finite : 0,
    rms: finite > 0 ? Math.sqrt(variance + mean * mean) : 0,
    zeroFraction: words[S.S_ZEROS] / count,
    deadUnitFraction: units > 0 ? words[S.S_DEAD] / units : 0,
    saturatedFraction: words[S.S_SATURATED] / count,
    nanCount: words[S.S_NAN],
    infCount: words[S.S_INF],
    histogram: {
      lo: f32[S.S_HIST_LO],
      hi: f32[S.S_HIST_HI],
      counts: Array.from(words.subarray(STATS_HEADER_WORDS, STATS_HEADER_WORDS + bins)),
      underflow: words[S.S_UNDERFLOW],
      overflow: words[S.S_OVERFLOW],
    },
  };
}
