import type { BufferPool } from '../gpu/buffers';
import { ReadbackRing } from '../gpu/readback';
import type { KernelContext } from '../kernels/dispatch';
import type { HistogramRange } from '../model/histogram';
import type { BuiltPlan } from './build';
import { recordPlan, type Plan } from './plan';
import { profilePlan, type PlanProfile } from './profile';

export interface PlanRun {
  /** The stats slots the plan filled, as raw words (absent for a plan without statistics). */
  words?: Uint32Array;
  gpuTimeMs?: number;
  wallTimeMs: number;
}

/** The histogram range is per call, written into the plan's stats descriptors without rebuilding it. */
function setRange(built: BuiltPlan, range: HistogramRange): void {
  for (const batch of built.statsBatches) batch.setRange(range);
}

/** Runs plans: one pass, one submit, and (when the plan has statistics or the adapter has
 *  timestamps) one copy into a staging buffer from a ring and one mapAsync. Owns the staging
 *  ring and the timestamp query set. */
export class PlanExecutor {
  private ring: ReadbackRing;
  private readonly querySet?: GPUQuerySet;
  private readonly resolveBuffer?: GPUBuffer;

  constructor(private ctx: KernelContext, private pool: BufferPool, private timestamps: boolean, private slotBytes: number, private slotsTotal: number) {
    this.ring = this.makeRing();
    if (timestamps) {
      this.querySet = ctx.device.createQuerySet({ label: 'pass timestamps', type: 'timestamp', count: 2 });
      this.resolveBuffer = pool.create('timestamp resolve', 16, GPUBufferUsage.QUERY_RESOLVE | GPUBufferUsage.COPY_SRC, false);
    }
  }

  /** Every stats slot, then the two resolved timestamps. */
  private get stagingBytes(): number { return this.slotsTotal * this.slotBytes + 16; }

  private makeRing(): ReadbackRing {
    return new ReadbackRing((label) => this.pool.create(label, this.stagingBytes,
      GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST, false), 'stats');
  }

  /** A new stats slot size (another histogram bin count): the staging buffers are remade. */
  resizeSlots(slotBytes: number): void {
    this.ring.drain().forEach((b) => this.pool.release(b));
    this.slotBytes = slotBytes;
    this.ring = this.makeRing();
  }

  /** Records and submits a plan and waits for it (initialisation, input). */
  async submitOnce(plan: Plan): Promise<void> {
    const device = this.ctx.device;
    const encoder = device.createCommandEncoder({ label: plan.name });
    recordPlan(encoder, plan, { label: plan.name });
    device.queue.submit([encoder.finish()]);
    await device.queue.onSubmittedWorkDone();
  }

  /** One step: the plan's pass, the copy of its stats slots from `stats`, one readback. */
  async run(built: BuiltPlan, stats: GPUBuffer, range: HistogramRange): Promise<PlanRun> {
    const device = this.ctx.device;
    const { plan } = built;
    setRange(built, range);
    const start = performance.now();
    const encoder = device.createCommandEncoder({ label: plan.name });
    recordPlan(encoder, plan, { label: plan.name, timestamps: this.querySet });
    const wantsReadback = plan.statsSlots !== undefined || this.querySet !== undefined;
    const staging = wantsReadback ? this.ring.acquire() : undefined;
    if (staging && plan.statsSlots) {
      encoder.copyBufferToBuffer(stats, plan.statsSlots.first * this.slotBytes, staging, 0, plan.statsSlots.count * this.slotBytes);
    }
    if (staging && this.querySet && this.resolveBuffer) {
      encoder.resolveQuerySet(this.querySet, 0, 2, this.resolveBuffer, 0);
      encoder.copyBufferToBuffer(this.resolveBuffer, 0, staging, this.stagingBytes - 16, 16);
    }
    device.queue.submit([encoder.finish()]);
    if (!staging) {
      await device.queue.onSubmittedWorkDone();
      return { wallTimeMs: performance.now() - start };
    }
    const data = await this.ring.read(staging);
    const wallTimeMs = performance.now() - start;
    let gpuTimeMs: number | undefined;
    if (this.querySet) {
      const [t0, t1] = new BigUint64Array(data, this.stagingBytes - 16, 2);
      if (t1 > t0) gpuTimeMs = Number(t1 - t0) / 1e6;
    }
    const words = plan.statsSlots ? new Uint32Array(data, 0, (plan.statsSlots.count * this.slotBytes) / 4) : undefined;
    return { words, gpuTimeMs, wallTimeMs };
  }

  /** Each dispatch of the plan in a pass of its own, timed (see profilePlan). */
  profile(built: BuiltPlan, range: HistogramRange): Promise<PlanProfile> {
    setRange(built, range);
    return profilePlan(this.ctx.device, built.plan, this.timestamps);
  }

  /** Copies `count` floats at `offsetFloats` of `buffer` back to the CPU. */
  async readRegion(buffer: GPUBuffer, offsetFloats: number, count: number, label: string): Promise<Float32Array> {
    const device = this.ctx.device;
    const bytes = count * 4;
    const staging = this.pool.create(`read ${label}`, bytes, GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST, false);
    try {
      const encoder = device.createCommandEncoder({ label: `read ${label}` });
      encoder.copyBufferToBuffer(buffer, offsetFloats * 4, staging, 0, Math.ceil(bytes / 4) * 4);
      device.queue.submit([encoder.finish()]);
      await staging.mapAsync(GPUMapMode.READ);
      return new Float32Array(staging.getMappedRange(0, bytes).slice(0));
    } finally {
      this.pool.release(staging);
    }
  }

  release(): void {
    this.ring.drain().forEach((b) => this.pool.release(b));
    if (this.resolveBuffer) this.pool.release(this.resolveBuffer);
    this.querySet?.destroy();
  }
}
