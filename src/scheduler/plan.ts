import type { Dispatch } from '../kernels/program';

/** What one call (forward, backward, forward+backward) runs: an ordered list of dispatches,
 *  recorded into one compute pass of one command encoder and submitted once, then (when it has
 *  statistics) one copy of the stats slots it fills into a staging buffer and one mapAsync. */
export interface Plan {
  name: string;
  dispatches: Dispatch[];
  /** The contiguous range of stats slots this plan fills, read back after the pass. */
  statsSlots?: { first: number; count: number };
}

/** A plan as plain JSON data: its dispatches with kernels, grids and the tensors they read and write. */
export interface PlanSummary {
  name: string;
  dispatchCount: number;
  kernels: string[];
  steps: Array<{ index: number; label: string; kernel: string; workgroups: [number, number, number]; reads: string[]; writes: string[] }>;
}

/** The plan as plain data (see {@link PlanSummary}). */
export function summarizePlan(plan: Plan): PlanSummary {
  return {
    name: plan.name,
    dispatchCount: plan.dispatches.length,
    kernels: [...new Set(plan.dispatches.map((d) => d.kernel))],
    steps: plan.dispatches.map((d, index) => ({
      index, label: d.label, kernel: d.kernel, workgroups: d.workgroups, reads: d.reads, writes: d.writes,
    })),
  };
}

/** A readable table of the plan: one line per dispatch. */
export function formatPlan(plan: Plan): string {
  const lines = [`plan "${plan.name}": ${plan.dispatches.length} dispatches, 1 submit` +
    (plan.statsSlots ? `, stats slots ${plan.statsSlots.first}..${plan.statsSlots.first + plan.statsSlots.count - 1} in 1 readback` : '')];
  plan.dispatches.forEach((d, i) => {
    const grid = d.workgroups.join('x');
    lines.push(`${String(i).padStart(3)}  ${d.label.padEnd(34)} ${grid.padEnd(14)} ${d.reads.join(', ')} -> ${d.writes.join(', ')}`);
    lines.push(`     ${d.kernel}`);
  });
  return lines.join('\n');
}

export interface RecordOptions {
  label: string;
  timestampWrites?: GPUComputePassTimestampWrites;
}

/** Records every dispatch of the plan into one compute pass (WebGPU orders dispatches of a pass
 *  and makes each one's writes visible to the next). */
export function recordPlan(encoder: GPUCommandEncoder, plan: Plan, options: RecordOptions): void {
  const pass = encoder.beginComputePass({
    label: options.label,
    timestampWrites: options.timestampWrites,
  });
  for (const d of plan.dispatches) {
    pass.setPipeline(d.pipeline);
    pass.setBindGroup(0, d.bindGroup);
    pass.dispatchWorkgroups(d.workgroups[0], d.workgroups[1], d.workgroups[2]);
  }
  pass.end();
}
