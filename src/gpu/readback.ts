// Getting results back from the GPU: staging buffers (one ring reused across steps), and GPU
// timestamps around passes. The one implementation the executor, the profile and the bench use.
import type { BufferAllocator } from './buffers';

const BYTES_PER_PAIR = 16;

/** GPU timestamps around compute passes: `pairs` begin/end pairs in one query set, resolved into
 *  one buffer that a caller copies into its own staging buffer (so timestamps ride along with
 *  whatever else a step reads back, in the same mapAsync). The one timing implementation: the
 *  executor, the per-dispatch profile and the benchmarks all use it. */
export class PassTimer {
  private readonly querySet: GPUQuerySet;
  private readonly resolveBuffer: GPUBuffer;

  constructor(private allocator: BufferAllocator, device: GPUDevice, label: string, readonly pairs: number) {
    this.querySet = device.createQuerySet({ label: `${label} timestamps`, type: 'timestamp', count: 2 * pairs });
    this.resolveBuffer = allocator.create(`${label} timestamp resolve`, this.bytes, GPUBufferUsage.QUERY_RESOLVE | GPUBufferUsage.COPY_SRC, false);
  }

  /** Bytes the resolved timestamps take in a staging buffer. */
  get bytes(): number { return this.pairs * BYTES_PER_PAIR; }

  /** The timestampWrites of pass `pair`. */
  passWrites(pair: number): GPUComputePassTimestampWrites {
    return { querySet: this.querySet, beginningOfPassWriteIndex: 2 * pair, endOfPassWriteIndex: 2 * pair + 1 };
  }

  /** Resolves every pair and copies them to `staging` at byte `offset`. */
  resolve(encoder: GPUCommandEncoder, staging: GPUBuffer, offset: number): void {
    encoder.resolveQuerySet(this.querySet, 0, 2 * this.pairs, this.resolveBuffer, 0);
    encoder.copyBufferToBuffer(this.resolveBuffer, 0, staging, offset, this.bytes);
  }

  /** Milliseconds of each pass from mapped staging data (undefined where the clock did not advance). */
  static decode(data: ArrayBuffer, offset: number, pairs: number): Array<number | undefined> {
    const stamps = new BigUint64Array(data, offset, 2 * pairs);
    return Array.from({ length: pairs }, (_, i) => (stamps[2 * i + 1] > stamps[2 * i] ? Number(stamps[2 * i + 1] - stamps[2 * i]) / 1e6 : undefined));
  }

  destroy(): void {
    this.querySet.destroy();
    this.allocator.release(this.resolveBuffer);
  }
}

/** Copies `bytes` of a mappable staging buffer to the CPU and unmaps it. */
export async function readStaging(staging: GPUBuffer, bytes?: number): Promise<ArrayBuffer> {
  await staging.mapAsync(GPUMapMode.READ);
  try {
    return staging.getMappedRange(0, bytes).slice(0);
  } finally {
    if (staging.mapState === 'mapped') staging.unmap();
  }
}

/** Mappable staging buffers reused across steps: a step takes a free one, copies its results into
 *  it in the same submit, and gives it back after mapAsync, so readback never allocates in the
 *  steady state and concurrent steps each get their own buffer. */
export class ReadbackRing {
  private free: GPUBuffer[] = [];

  constructor(private create: (label: string) => GPUBuffer, private label: string) {}

  acquire(): GPUBuffer {
    return this.free.pop() ?? this.create(`${this.label} staging`);
  }

  /** Hands back every idle staging buffer (to release them). */
  drain(): GPUBuffer[] {
    return this.free.splice(0);
  }

  async read(buffer: GPUBuffer): Promise<ArrayBuffer> {
    try {
      return await readStaging(buffer);
    } finally {
      this.free.push(buffer);
    }
  }
}
