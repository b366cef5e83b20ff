import code from '../../shaders/stats.wgsl?raw';
import { ACTIVATIONS_WGSL } from './includes';
import { defineProgram } from './program';

/** stats.wgsl: moments, finalize and histogram over a batch of tensors described in `desc`
 *  (the layout is src/stats/layout.ts, injected as constants). */
export const STATS_PROGRAM = defineProgram({
  name: 'stats',
  shader: { file: 'stats.wgsl', code, includes: [ACTIVATIONS_WGSL] },
  bindings: {
    desc: 'read-only-storage', act: 'read-only-storage', extra: 'read-only-storage', small: 'read-only-storage',
    stats: 'storage', partials: 'storage', flags: 'storage',
  },
});

export const STATS_ENTRY_POINTS = ['moments', 'finalize', 'histogram'] as const;
