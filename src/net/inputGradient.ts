// net.inputGradient(x, target) on the GPU (design.md section 10): per batch of rows, an
// inference-mode forward (batch norm on its running estimates, dropout off), the scores read back,
// dQ/ds per row computed in float64 on the CPU (model/inputGradient.ts), and an inference-mode
// backward from it to dL/dX of the net's input. Rows are independent in inference mode, so a
// row's gradient is its own, whatever else is in its batch. The arena and the gradient buffers are
// copied aside first and put back after, so the net's current input, the last pass's activations
// and gradients are as they were; parameters, optimiser state and running estimates are not written.
import { writeFloats } from '../gpu/buffers';
import { inputGradOffset } from '../model/layout';
import { scoreGradient, type ParsedInputGradientTarget } from '../model/inputGradient';
import type { PlanExecutor } from '../scheduler/executor';
import type { NetPlans } from './plans';
import type { NetResources } from './resources';

/** Every buffer a pass of the net writes besides the parameters: the arena and the gradient buffers that exist. */
function writtenBuffers(res: NetResources): GPUBuffer[] {
  const gradients = res.entries.flatMap((e, i) => Object.entries(e.regions)
    .filter(([name, r]) => r.buffer === 'own' && r.when === 'backward' && res.buffers.own[i][name] !== undefined)
    .map(([name]) => res.buffers.own[i][name]));
  return [res.buffers.arena, ...gradients];
}

/** Copies each buffer into a new one (or back, with `from` and `to` swapped) in one submit. */
async function copyAll(device: GPUDevice, pairs: Array<[GPUBuffer, GPUBuffer]>, label: string): Promise<void> {
  const encoder = device.createCommandEncoder({ label });
  for (const [from, to] of pairs) encoder.copyBufferToBuffer(from, 0, to, 0, from.size);
  device.queue.submit([encoder.finish()]);
  await device.queue.onSubmittedWorkDone();
}

/** dQ/dx for every row of x (x's length and layout), Q the target's quantity per row. */
export async function inputGradient(res: NetResources, executor: PlanExecutor, plans: NetPlans, x: Float32Array,
  target: ParsedInputGradientTarget): Promise<Float32Array> {
  const { device } = res.ctx;
  const batch = res.batch;
  const features = res.entries[0].inputWidth;
  const last = res.entries.length - 1;
  const classes = res.entries[last].outputWidth;
  const forward = await plans.get({ forward: true, stats: false, eval: true });
  const backward = await plans.get({ forward: false, backward: 'array', stats: false, eval: true });
  const kept = writtenBuffers(res).map((b) => [b, res.allocator.storage(`${b.label} (kept during inputGradient)`, b.size)] as [GPUBuffer, GPUBuffer]);
  const out = new Float32Array(x.length);
  await copyAll(device, kept, 'inputGradient: keep the net\'s tensors');
  try {
    for (let first = 0; first < target.rows; first += batch) {
      const rows = Math.min(batch, target.rows - first);
      // A last partial batch repeats its last row in the unused slots; their gradients are dropped.
      const chunk = new Float32Array(batch * features);
      chunk.set(x.subarray(first * features, (first + rows) * features));
      for (let r = rows; r < batch; r++) chunk.copyWithin(r * features, (rows - 1) * features, rows * features);
      writeFloats(device.queue, res.buffers.arena, res.layout.x, chunk);
      await executor.run(forward, res.buffers.stats, plans.range);
      const at = res.layout.entries[last].at;
      const scores = await executor.readRegion(res.buffers.arena, at.out, batch * classes, 'scores');
      const upstream = new Float32Array(batch * classes);
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
      writeFloats(device.queue, res.buffers.arena, at.dout, upstream);
      await executor.run(backward, res.buffers.stats, plans.range);
      const dx = await executor.readRegion(res.buffers.arena, inputGradOffset(res.layout, 0), rows * features, 'dL/dX');
      for (let r = 0; r < rows; r++) for (let i = 0; i < features; i++) out[(first + r) * features + i] = dx[r * features + i] / scale[r];
    }
  } finally {
    // Put back also after a failure part-way, so a refused or failed call leaves the net as it was.
    await copyAll(device, kept.map(([net, copy]) => [copy, net]), 'inputGradient: put the net\'s tensors back')
      .finally(() => { for (const [, copy] of kept) res.allocator.release(copy); });
  }
  return out;
}
