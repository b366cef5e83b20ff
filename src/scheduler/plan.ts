import type { Dispatch } from '../kernels/program';

/** What one call (forward, backward, forward+backward) runs: an ordered list of dispatches,
 *  recorded into the compute passes of one command encoder and submitted once, then (when it has
 *  statistics) one copy of the stats slots it fills into a staging buffer and one mapAsync. */
export interface Plan {
  name: string;
  dispatches: Dispatch[];
  /** The compute passes the dispatches are recorded in, in order, each from its `first` dispatch
   *  to the next one's (absent: one pass). A forward+backward step has two, so each is timed. */
  passes?: PlanPass[];
  /** The contiguous range of stats slots this plan fills, read back after the pass. */
  statsSlots?: { first: number; count: number };
}

/** A compute pass of a plan: its name and its first dispatch. */
export interface PlanPass { name: string; first: number }

/** The passes of a plan with their dispatch ranges (one pass named after the plan when it has none). */
export function planPasses(plan: Plan): Array<PlanPass & { end: number }> {
  const passes = plan.passes ?? [{ name: plan.name, first: 0 }];
  return passes.map((p, i) => ({ ...p, end: passes[i + 1]?.first ?? plan.dispatches.length }));
}

/** A plan as plain JSON data: its dispatches with kernels, grids and the tensors they read and write. */
export interface PlanSummary {
  name: string;
  dispatchCount: number;
  /** Compute passes, with the index of each one's first dispatch. */
  passes: PlanPass[];
  kernels: string[];
  steps: Array<{ index: number; label: string; kernel: string; workgroups: [number, number, number]; reads: string[]; writes: string[] }>;
}

/** The plan as plain data (see {@link PlanSummary}). */
export function summarizePlan(plan: Plan): PlanSummary {
  return {
    name: plan.name,
    dispatchCount: plan.dispatches.length,
    passes: planPasses(plan).map(({ name, first }) => ({ name, first })),
    kernels: [...new Set(plan.dispatches.map((d) => d.kernel))],
    steps: plan.dispatches.map((d, index) => ({
      index, label: d.label, kernel: d.kernel, workgroups: d.workgroups, reads: d.reads, writes: d.writes,
    })),
  };
}

/** A readable table of the plan: its passes and stats readback, then one line per dispatch.
 *  (How many submits a call makes is the executor's, not the plan's: see the tests that count them.) */
export function formatPlan(plan: Plan): string {
  const passes = planPasses(plan);
  const lines = [`plan "${plan.name}": ${plan.dispatches.length} dispatches in ${passes.length} compute pass${passes.length === 1 ? '' : 'es'}` +
    ` (${passes.map((p) => `${p.name} ${p.first}..${p.end - 1}`).join(', ')})` +
    (plan.statsSlots ? `, stats slots ${plan.statsSlots.first}..${plan.statsSlots.first + plan.statsSlots.count - 1} read back` : '')];
  plan.dispatches.forEach((d, i) => {
    const grid = d.workgroups.join('x');
    lines.push(`${String(i).padStart(3)}  ${d.label.padEnd(34)} ${grid.padEnd(14)} ${d.reads.join(', ')} -> ${d.writes.join(', ')}`);
    lines.push(`     ${d.kernel}`);
  });
  return lines.join('\n');
}

export interface RecordOptions {
  label: string;
  /** The timestamp writes of pass i (GPU timing), when the adapter has timestamps. */
  timestampWrites?: (pass: number) => GPUComputePassTimestampWrites;
}

/** Records the plan's dispatches into its compute passes, in order (WebGPU orders dispatches of a
 *  pass, and passes of an encoder, and makes each one's writes visible to the next). */
export function recordPlan(encoder: GPUCommandEncoder, plan: Plan, options: RecordOptions): void {
  planPasses(plan).forEach((p, i) => {
    const pass = encoder.beginComputePass({ label: `${options.label}: ${p.name}`, timestampWrites: options.timestampWrites?.(i) });
    for (const d of plan.dispatches.slice(p.first, p.end)) {
      pass.setPipeline(d.pipeline);
      pass.setBindGroup(0, d.bindGroup);
      pass.dispatchWorkgroups(d.workgroups[0], d.workgroups[1], d.workgroups[2]);
    }
    pass.end();
  });
}
