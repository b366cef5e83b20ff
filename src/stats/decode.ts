import { STATS_HEADER_WORDS } from '../kernels/stats';
import type { TensorStats } from './types';

/** Turns one stats slot (stats.wgsl's layout) into TensorStats; `count` is rows x cols. */
export function decodeStats(words: Uint32Array, count: number, cols: number, bins: number): TensorStats {
  const f32 = new Float32Array(words.buffer, words.byteOffset, words.length);
  const finite = words[0];
  const mean = f32[1];
  const variance = finite > 0 ? Math.max(0, f32[2]) / finite : 0;
  return {
    count,
    mean: finite > 0 ? mean : 0,
    std: Math.sqrt(variance),
    min: finite > 0 ? f32[3] : NaN,
    max: finite > 0 ? f32[4] : NaN,
    meanAbs: finite > 0 ? f32[5] / finite : 0,
    rms: finite > 0 ? Math.sqrt(variance + mean * mean) : 0,
    zeroFraction: words[6] / count,
    deadUnitFraction: cols > 0 ? words[7] / cols : 0,
    saturatedFraction: words[8] / count,
    nanCount: words[9],
    infCount: words[10],
    histogram: {
      lo: f32[13],
      hi: f32[14],
      counts: Array.from(words.subarray(STATS_HEADER_WORDS, STATS_HEADER_WORDS + bins)),
      underflow: words[11],
      overflow: words[12],
    },
  };
}
