// net.predict(x) on the GPU: per batch of rows an inference-mode forward (batch norm on its running
// estimates, dropout off, masks applied), the last layer's output (or a chosen layer's) read back.
// The net is left as it was (keep.ts), as inputGradient leaves it.
import type { LayerSpec, NetSpec } from '../model/net';
import type { PlanExecutor } from '../scheduler/executor';
import { forEachBatch, keepingTensors } from './keep';
import type { NetPlans } from './plans';
import { readRegion } from './readers';
import type { NetResources } from './resources';

/** The output of `layer` (every row of x: rows x its width) after an inference-mode forward. */
export async function predict(res: NetResources, executor: PlanExecutor, plans: NetPlans, spec: NetSpec, layer: LayerSpec,
  x: Float32Array, rows: number): Promise<Float32Array> {
  const forward = await plans.get({ forward: true, stats: false, eval: true });
  let out: Float32Array | undefined;
  await keepingTensors(res, 'predict', () => forEachBatch(res, x, rows, async (first, n) => {
    await executor.run(forward, res.buffers.stats, plans.range);
    const values = await readRegion(res, executor, spec, layer, 'out');
    const width = values.length / res.batch;
    out ??= new Float32Array(rows * width);
    out.set(values.subarray(0, n * width), first * width);
  }));
  return out ?? new Float32Array(0);
}
