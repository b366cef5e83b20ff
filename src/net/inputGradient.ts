// net.inputGradient(x, target) on the GPU (design.md section 10): per batch of rows, an
// inference-mode forward (batch norm on its running estimates, dropout off), the scores read back,
// dQ/ds per row computed in float64 on the CPU (model/inputGradient.ts), and an inference-mode
// backward from it to dL/dX of the net's input. Rows are independent in inference mode, so a
// row's gradient is its own, whatever else is in its batch. The net's tensors are kept aside and
// put back (keep.ts); parameters, optimiser state and running estimates are not written.
import { writeFloats } from '../gpu/buffers';
import { inputGradOffset } from '../model/layout';
import { scoreGradient, type ParsedInputGradientTarget } from '../model/inputGradient';
import type { PlanExecutor } from '../scheduler/executor';
import { forEachBatch, keepingTensors } from './keep';
import type { NetPlans } from './plans';
import type { NetResources } from './resources';

/** dQ/dx for every row of x (x's length and layout), Q the target's quantity per row. */
export async function inputGradient(res: NetResources, executor: PlanExecutor, plans: NetPlans, x: Float32Array,
  target: ParsedInputGradientTarget): Promise<Float32Array> {
  const features = res.entries[0].inputWidth;
  const last = res.entries.length - 1;
  const classes = res.entries[last].outputWidth;
  const forward = await plans.get({ forward: true, stats: false, eval: true });
  const backward = await plans.get({ forward: false, backward: 'array', stats: false, eval: true });
  const out = new Float32Array(x.length);
  await keepingTensors(res, 'inputGradient', () => forEachBatch(res, x, target.rows, async (first, rows) => {
    await executor.run(forward, res.buffers.stats, plans.range);
    const at = res.layout.entries[last].at;
    const scores = await executor.readRegion(res.buffers.arena, at.out, res.batch * classes, 'scores');
    const upstream = new Float32Array(res.batch * classes);
    // Each row's dQ/ds scaled by a power of 2 to a largest entry in [1, 2): a confident row's
    // gradient (1 - p_y of 1e-30, say) would otherwise be subnormal on the GPU, flushed to 0. The
    // backward is linear in it, and a power of 2 scales exactly, so the row is unscaled after.
    const scale = new Float64Array(rows).fill(1);
    for (let r = 0; r < rows; r++) {
      const g = scoreGradient(target.kind, scores.subarray(r * classes, (r + 1) * classes), target.classOf(first + r));
      const largest = g.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
      if (largest > 0) scale[r] = 2 ** -Math.floor(Math.log2(largest));
      upstream.set(g.map((v) => v * scale[r]), r * classes);
    }
    writeFloats(res.ctx.device.queue, res.buffers.arena, at.dout, upstream);
    await executor.run(backward, res.buffers.stats, plans.range);
    const dx = await executor.readRegion(res.buffers.arena, inputGradOffset(res.layout, 0), rows * features, 'dL/dX');
    for (let r = 0; r < rows; r++) for (let i = 0; i < features; i++) out[(first + r) * features + i] = dx[r * features + i] / scale[r];
  }));
  return out;
}
