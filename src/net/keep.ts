// What inference-mode passes over caller rows share (net.inputGradient, net.predict): the net's
// tensors kept aside and put back, so its current input, the last pass's activations and
// gradients are as they were, and the rows fed through the net's input in batches of its batch.
import { writeFloats } from '../gpu/buffers';
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

/** Runs `work` with the net's tensors copied aside, and puts them back after (also after a failure
 *  part-way, so a failed call leaves the net as it was). */
export async function keepingTensors<T>(res: NetResources, what: string, work: () => Promise<T>): Promise<T> {
  const { device } = res.ctx;
  const kept = writtenBuffers(res).map((b) => [b, res.allocator.storage(`${b.label} (kept during ${what})`, b.size)] as [GPUBuffer, GPUBuffer]);
  await copyAll(device, kept, `${what}: keep the net's tensors`);
  try {
    return await work();
  } finally {
    await copyAll(device, kept.map(([net, copy]) => [copy, net]), `${what}: put the net's tensors back`)
      .finally(() => { for (const [, copy] of kept) res.allocator.release(copy); });
  }
}

/** Writes x's rows into the net's input a batch at a time and runs `each(first, rows)` after each
 *  write. A last partial batch repeats its last row in the unused slots (rows are independent in
 *  inference mode); what `each` computes for them is dropped. */
export async function forEachBatch(res: NetResources, x: Float32Array, totalRows: number, each: (first: number, rows: number) => Promise<void>): Promise<void> {
  const features = res.entries[0].inputWidth;
  for (let first = 0; first < totalRows; first += res.batch) {
    const rows = Math.min(res.batch, totalRows - first);
    const chunk = new Float32Array(res.batch * features);
    chunk.set(x.subarray(first * features, (first + rows) * features));
    for (let r = rows; r < res.batch; r++) chunk.copyWithin(r * features, (rows - 1) * features, rows * features);
    writeFloats(res.ctx.device.queue, res.buffers.arena, res.layout.x, chunk);
    await each(first, rows);
  }
}
