import { InitscopeError } from '../model/errors';

/** Creates labelled buffers after checking them against the device's limits, and keeps the
 *  count and bytes of what is alive so `engine.memory()` can report it. A scope (one per net)
 *  tracks its own buffers too, so the net can release all of them at once; once closed, it
 *  refuses to create more. */
export class BufferAllocator {
  private live = new Map<GPUBuffer, number>();
  private closed = false;

  constructor(private device: GPUDevice, private parent?: BufferAllocator) {}

  /** An allocator whose buffers also count in this one, released together by its releaseAll(). */
  scope(): BufferAllocator { return new BufferAllocator(this.device, this); }

  private track(buffer: GPUBuffer, bytes: number): void {
    this.live.set(buffer, bytes);
    this.parent?.track(buffer, bytes);
  }

  private forget(buffer: GPUBuffer): boolean {
    if (!this.live.delete(buffer)) return false;
    this.parent?.forget(buffer);
    return true;
  }

  create(label: string, size: number, usage: GPUBufferUsageFlags, storage = true): GPUBuffer {
    if (this.closed) throw new InitscopeError(`buffer "${label}": its owner was destroyed`, 'destroyed');
    const limits = this.device.limits;
    const bytes = Math.max(16, Math.ceil(size / 16) * 16);
    if (storage && bytes > limits.maxStorageBufferBindingSize) {
      throw new InitscopeError(`buffer "${label}" needs ${bytes} bytes, more than this adapter's ` +
        `maxStorageBufferBindingSize (${limits.maxStorageBufferBindingSize} bytes); use smaller dims or batch`, 'too-large');
    }
    if (bytes > limits.maxBufferSize) {
      throw new InitscopeError(`buffer "${label}" needs ${bytes} bytes, more than this adapter's ` +
        `maxBufferSize (${limits.maxBufferSize} bytes); use smaller dims or batch`, 'too-large');
    }
    const buffer = this.device.createBuffer({ label, size: bytes, usage });
    this.track(buffer, bytes);
    return buffer;
  }

  storage(label: string, size: number, extraUsage: GPUBufferUsageFlags = 0): GPUBuffer {
    return this.create(label, size,
      GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST | extraUsage);
  }

  uniform(label: string, data: ArrayBuffer): GPUBuffer {
    const buffer = this.create(label, data.byteLength, GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST, false);
    this.device.queue.writeBuffer(buffer, 0, data);
    return buffer;
  }

  release(buffer: GPUBuffer): void {
    if (this.forget(buffer)) buffer.destroy();
  }

  /** Destroys every live buffer and closes the allocator. */
  releaseAll(): void {
    this.closed = true;
    for (const buffer of [...this.live.keys()]) this.release(buffer);
  }

  get stats(): { buffers: number; bytes: number } {
    let bytes = 0;
    for (const size of this.live.values()) bytes += size;
    return { buffers: this.live.size, bytes };
  }
}

/** queue.writeBuffer for any Float32Array (the WebGPU types reject views of SharedArrayBuffer). */
export function writeFloats(queue: GPUQueue, buffer: GPUBuffer, offsetFloats: number, data: Float32Array): void {
  queue.writeBuffer(buffer, offsetFloats * 4, data as Float32Array<ArrayBuffer>);
}
