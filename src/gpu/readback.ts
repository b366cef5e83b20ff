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
      await buffer.mapAsync(GPUMapMode.READ);
      const copy = buffer.getMappedRange().slice(0);
      buffer.unmap();
      this.free.push(buffer);
      return copy;
    } catch (e) {
      if (buffer.mapState === 'mapped') buffer.unmap();
      this.free.push(buffer);
      throw e;
    }
  }
}
