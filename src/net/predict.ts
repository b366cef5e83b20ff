// net.predict(x) on the GPU: per batch of rows an inference-mode forward (batch norm on its running
// estimates, dropout off, masks applied), the last layer's output read back. The net is left as it
// was (keep.ts), as inputGradient leaves it.
import type { PlanExecutor } from '../scheduler/executor';
import { forEachBatch, keepingTensors } from './keep';
import type { NetPlans } from './plans';
import type { NetResources } from './resources';

/** The scores (the last layer's output, before any softmax) of every row of x: rows x outputs. */
export async function predict(res: NetResources, executor: PlanExecutor, plans: NetPlans, x: Float32Array, rows: number): Promise<Float32Array> {
  const last = res.entries.length - 1;
  const outputs = res.entries[last].outputWidth;
  const forward = await plans.get({ forward: true, stats: false, eval: true });
  const out = new Float32Array(rows * outputs);
  await keepingTensors(res, 'predict', () => forEachBatch(res, x, rows, async (first, n) => {
    await executor.run(forward, res.buffers.stats, plans.range);
    out.set(await executor.readRegion(res.buffers.arena, res.layout.entries[last].at.out, n * outputs, 'scores'), first * outputs);
  }));
  return out;
}
