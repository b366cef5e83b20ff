import type { BufferAllocator } from '../gpu/buffers';
import { PassTimer, readStaging } from '../gpu/readback';
import type { Plan } from './plan';

/** The time of one dispatch of a plan, measured alone. */
export interface DispatchTime { index: number; label: string; kernel: string; workgroups: [number, number, number]; ms: number }

/** What `net.profile()` resolves to: the time of each dispatch of a plan, run alone. */
export interface PlanProfile {
  name: string;
  /** 'gpu': timestamp-query around each dispatch; 'wall': each dispatch submitted and awaited alone. */
  clock: 'gpu' | 'wall';
  totalMs: number;
  dispatches: DispatchTime[];
}

/** Runs every dispatch of the plan in a pass of its own and times it, to show where a step's time
 *  goes. Separate passes remove the overlap a real step may have, so the total is an upper bound. */
export async function profilePlan(device: GPUDevice, allocator: BufferAllocator, plan: Plan, timestamps: boolean): Promise<PlanProfile> {
  const times = timestamps ? await timeWithQueries(device, allocator, plan) : await timeWithWallClock(device, plan);
  const dispatches = plan.dispatches.map((d, index) => ({ index, label: d.label, kernel: d.kernel, workgroups: d.workgroups, ms: times[index] }));
  return { name: plan.name, clock: timestamps ? 'gpu' : 'wall', totalMs: times.reduce((s, t) => s + t, 0), dispatches };
}

async function timeWithQueries(device: GPUDevice, allocator: BufferAllocator, plan: Plan): Promise<number[]> {
  const n = plan.dispatches.length;
  const timer = new PassTimer(allocator, device, `profile ${plan.name}`, n);
  const staging = allocator.create('profile staging', timer.bytes, GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST, false);
  try {
    const encoder = device.createCommandEncoder({ label: `profile ${plan.name}` });
    plan.dispatches.forEach((d, i) => {
      const pass = encoder.beginComputePass({ label: d.label, timestampWrites: timer.passWrites(i) });
      pass.setPipeline(d.pipeline);
      pass.setBindGroup(0, d.bindGroup);
      pass.dispatchWorkgroups(...d.workgroups);
      pass.end();
    });
    timer.resolve(encoder, staging, 0);
    device.queue.submit([encoder.finish()]);
    return PassTimer.decode(await readStaging(staging), 0, n).map((ms) => ms ?? 0);
  } finally {
    timer.destroy();
    allocator.release(staging);
  }
}

async function timeWithWallClock(device: GPUDevice, plan: Plan): Promise<number[]> {
  const times: number[] = [];
  for (const d of plan.dispatches) {
    const encoder = device.createCommandEncoder({ label: `profile ${d.label}` });
    const pass = encoder.beginComputePass({ label: d.label });
    pass.setPipeline(d.pipeline);
    pass.setBindGroup(0, d.bindGroup);
    pass.dispatchWorkgroups(...d.workgroups);
    pass.end();
    const start = performance.now();
    device.queue.submit([encoder.finish()]);
    await device.queue.onSubmittedWorkDone();
    times.push(performance.now() - start);
  }
  return times;
}

/** One line per dispatch, slowest marked by its share of the total. */
export function formatProfile(p: PlanProfile): string {
  const lines = [`profile "${p.name}" (${p.clock} clock, each dispatch alone): ${p.totalMs.toFixed(3)} ms in ${p.dispatches.length} dispatches`];
  for (const d of p.dispatches) {
    const share = p.totalMs > 0 ? (100 * d.ms) / p.totalMs : 0;
    lines.push(`${String(d.index).padStart(3)}  ${d.label.padEnd(34)} ${d.workgroups.join('x').padEnd(14)} ${d.ms.toFixed(3).padStart(10)} ms ${share.toFixed(1).padStart(5)}%`);
  }
  return lines.join('\n');
}
