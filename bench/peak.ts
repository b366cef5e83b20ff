// The adapter's matmul peak as this engine reaches it: one square forward matmul (n^3, the kernel
// the engine picks for the adapter), GPU time where the adapter has timestamps, else wall clock.
// Every training and conv line is also given as a percentage of it, so the distance to the limit
// shows (issue: "as a percentage of the adapter's measured matmul peak").
import type { Engine } from '../src/index';
import { KernelBench } from './kernels';

export interface MatmulPeak { n: number; ms: number; gflops: number }

export async function matmulPeak(engine: Engine): Promise<MatmulPeak> {
  const slow = engine.adapterInfo.isFallbackAdapter;
  const n = slow ? 512 : 4096;
  const kb = new KernelBench(engine.device, engine.kernelTarget);
  const { dispatches } = await kb.forwardLayer(n, n, n, 'linear');
  const t = await kb.time(dispatches, slow ? 3 : 10, slow ? 1 : 5);
  const ms = t.gpuMs ?? t.wallMs;
  return { n, ms, gflops: (2 * n ** 3) / ms / 1e6 };
}

/** "12.3 GFLOP/s (45% of peak)" for `flops` done in `ms`. */
export const rateOf = (flops: number, ms: number, peak: MatmulPeak): { gflops: number; ofPeak: number } => {
  const gflops = flops / ms / 1e6;
  return { gflops, ofPeak: gflops / peak.gflops };
};
