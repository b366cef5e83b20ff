import type { BufferAllocator } from '../gpu/buffers';
import { PassTimer, ReadbackRing, readStaging } from '../gpu/readback';
import type { KernelContext } from '../kernels/program';
import type { HistogramRange } from '../model/histogram';
import type { BuiltPlan } from './build';
import { planPasses, recordPlan, type Plan } from './plan';
import { profilePlan, type PlanProfile } from './profile';

export interface PlanRun {
  /** The stats slots the plan filled, as raw words (absent for a plan without statistics). */
  words?: Uint32Array;
  /** GPU time of each of the plan's passes (planPasses order), where the adapter has timestamps. */
  passTimesMs?: Array<number | undefined>;
  wallTimeMs: number;
}

/** Most passes a plan has (forward, backward). */
const MAX_PASSES = 2;

/** The histogram range is per call, written into the plan's stats descriptors without rebuilding it. */
function setRange(built: BuiltPlan, range: HistogramRange): void {
  for (const batch of built.statsBatches) batch.setRange(range);
}

/** Runs plans: one pass, one submit, and (when the plan has statistics or the adapter has
 *  timestamps) one copy into a staging buffer from a ring and one mapAsync. Owns the staging
 *  ring and the timestamp query set. */
export class PlanExecutor {
  private ring: ReadbackRing;
  private readonly timer?: PassTimer;

  constructor(private ctx: KernelContext, private allocator: BufferAllocator, private timestamps: boolean, private slotBytes: number, private slotsTotal: number) {
    this.ring = this.makeRing();
    if (timestamps) this.timer = new PassTimer(allocator, ctx.device, 'pass', MAX_PASSES);
  }

  /** Every stats slot, then the resolved timestamps. */
  private get slotsBytes(): number { return this.slotsTotal * this.slotBytes; }
  private get stagingBytes(): number { return this.slotsBytes + (this.timer?.bytes ?? 0); }

  private makeRing(): ReadbackRing {
    return new ReadbackRing((label) => this.allocator.create(label, this.stagingBytes,
      GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST, false), 'stats');
  }

  /** A new stats slot size (another histogram bin count): the staging buffers are remade. */
  resizeSlots(slotBytes: number): void {
    this.ring.drain().forEach((b) => this.allocator.release(b));
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
    const passes = planPasses(plan).length;
    if (passes > MAX_PASSES) throw new Error(`plan "${plan.name}" has ${passes} passes; the executor times at most ${MAX_PASSES}`);
    const timer = this.timer;
    recordPlan(encoder, plan, { label: plan.name, timestampWrites: timer && ((i) => timer.passWrites(i)) });
    const wantsReadback = plan.statsSlots !== undefined || this.timer !== undefined;
    const staging = wantsReadback ? this.ring.acquire() : undefined;
    if (staging && plan.statsSlots) {
      encoder.copyBufferToBuffer(stats, plan.statsSlots.first * this.slotBytes, staging, 0, plan.statsSlots.count * this.slotBytes);
    }
    if (staging && this.timer) this.timer.resolve(encoder, staging, this.slotsBytes);
    device.queue.submit([encoder.finish()]);
    if (!staging) {
      await device.queue.onSubmittedWorkDone();
      return { wallTimeMs: performance.now() - start };
    }
    const data = await this.ring.read(staging);
    const wallTimeMs = performance.now() - start;
    const passTimesMs = this.timer ? PassTimer.decode(data, this.slotsBytes, MAX_PASSES).slice(0, passes) : undefined;
    const words = plan.statsSlots ? new Uint32Array(data, 0, (plan.statsSlots.count * this.slotBytes) / 4) : undefined;
    return { words, passTimesMs, wallTimeMs };
  }

  /** Each dispatch of the plan in a pass of its own, timed (see profilePlan). */
  profile(built: BuiltPlan, range: HistogramRange): Promise<PlanProfile> {
    setRange(built, range);
    return profilePlan(this.ctx.device, this.allocator, built.plan, this.timestamps);
  }

  /** Copies `count` floats at `offsetFloats` of `buffer` back to the CPU. */
  async readRegion(buffer: GPUBuffer, offsetFloats: number, count: number, label: string): Promise<Float32Array> {
    const device = this.ctx.device;
    const bytes = count * 4;
    const staging = this.allocator.create(`read ${label}`, bytes, GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST, false);
    try {
      const encoder = device.createCommandEncoder({ label: `read ${label}` });
      encoder.copyBufferToBuffer(buffer, offsetFloats * 4, staging, 0, Math.ceil(bytes / 4) * 4);
      device.queue.submit([encoder.finish()]);
      return new Float32Array(await readStaging(staging, bytes));
    } finally {
      this.allocator.release(staging);
    }
  }

  release(): void {
    this.ring.drain().forEach((b) => this.allocator.release(b));
    this.timer?.destroy();
  }
}
