// Kernel-level benchmarks: one matmul dispatch of the engine's kernels on raw buffers, for the
// lecture's shapes, timed on the GPU (timestamp-query) or by wall clock over many repetitions.
import { BufferAllocator } from '../src/gpu/buffers';
import { PipelineCache } from '../src/gpu/pipelines';
import { PassTimer, readStaging } from '../src/gpu/readback';
import { parseActivation } from '../src/model/activations';
import type { Dispatch, KernelContext, KernelTarget } from '../src/kernels/program';
import { epilogueDispatch } from '../src/kernels/epilogue';
import { initDispatch } from '../src/kernels/init';
import { chooseSplits, MATMUL_TILES, matmulDispatch, type MatmulTile } from '../src/kernels/matmul';
import { dzStoreDispatch } from '../src/kernels/dzStore';
import { outerDispatch, outerOperands } from '../src/kernels/matmulOuter';
import { skinnyDispatch, skinnySplits, skinnyTransposedDispatch } from '../src/kernels/matmulSkinny';
import { forwardShape, inputGradShape, tiledShape, weightGradShape } from '../src/scheduler/shapes';

export interface Timing { gpuMs?: number; wallMs: number }

export class KernelBench {
  readonly ctx: KernelContext;
  private timer?: PassTimer;
  private read?: GPUBuffer;

  constructor(readonly device: GPUDevice, target: KernelTarget) {
    this.ctx = { device, target, pipelines: new PipelineCache(device), allocator: new BufferAllocator(device) };
    if (device.features.has('timestamp-query')) {
      this.timer = new PassTimer(this.ctx.allocator, device, 'bench', 1);
      this.read = this.ctx.allocator.create('ts read', this.timer.bytes, GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST, false);
    }
  }

  /** Median over `reps` of the dispatches run back to back in one pass, divided by `inner`. */
  async time(dispatches: Dispatch[], reps: number, inner: number): Promise<Timing> {
    const device = this.device;
    const gpu: number[] = [];
    const wall: number[] = [];
    for (let r = 0; r < reps + 1; r++) {
      const start = performance.now();
      const encoder = device.createCommandEncoder();
      const pass = encoder.beginComputePass({ timestampWrites: this.timer?.passWrites(0) });
      for (let i = 0; i < inner; i++) {
        for (const d of dispatches) {
          pass.setPipeline(d.pipeline);
          pass.setBindGroup(0, d.bindGroup);
          pass.dispatchWorkgroups(...d.workgroups);
        }
      }
      pass.end();
      if (this.timer && this.read) this.timer.resolve(encoder, this.read, 0);
      device.queue.submit([encoder.finish()]);
      if (this.read) {
        const ms = PassTimer.decode(await readStaging(this.read), 0, 1)[0] ?? 0;
        if (r > 0) gpu.push(ms / inner);
      } else {
        await device.queue.onSubmittedWorkDone();
      }
      if (r > 0) wall.push((performance.now() - start) / inner);
    }
    const median = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    return { gpuMs: gpu.length ? median(gpu) : undefined, wallMs: median(wall) };
  }

  private async randomBuffer(label: string, count: number): Promise<GPUBuffer> {
    const buffer = this.ctx.allocator.storage(label, count * 4);
    const d = await initDispatch(this.ctx, { label, buffer, offset: 0, count, seed: 1, stream: 7, rule: { mode: 1, scale: 0.02, value: 0 } });
    await this.time([d], 0, 1);
    return buffer;
  }

  /** Forward layer: A[M x K] W[K x N] -> Z, act(Z), with the kernels the engine picks
   *  (scheduler/shapes.ts), or a forced tile / split count (GPU kernels). */
  async forwardLayer(M: number, N: number, K: number, act: string, force: { tile?: MatmulTile; splits?: number } = {}): Promise<{ dispatches: Dispatch[]; describe: string }> {
    const spec = parseActivation(act);
    const arena = await this.randomBuffer('arena', M * K + 2 * M * N);
    const W = await this.randomBuffer('W', K * N);
    const small = this.ctx.allocator.storage('small', 16);
    const dummy = this.ctx.allocator.storage('dummy', 16);
    const epilogue = async (partials: GPUBuffer, splits: number) => epilogueDispatch(this.ctx, { arena, small, reads: [], writes: [],
      label: 'epi', rows: M, units: N, splits, partials, act: spec, zOffset: M * K, aOffset: M * K + M * N, alphaOffset: 0 });
    const forced = force.tile !== undefined || force.splits !== undefined;
    const chosen = forwardShape(M, N, K, forced ? 'gpu' : this.ctx.target);
    if (chosen.kernel === 'outer') {
      const partials = this.ctx.allocator.storage('partials', M * N * 4);
      return { describe: 'outer (CPU)', dispatches: [
        await outerDispatch(this.ctx, { label: 'fwd', M, N, K, ...outerOperands.forward(N, K, { buffer: arena, offset: 0 }, { buffer: W, offset: 0 }),
          out: partials, outOffset: 0, reads: [], writes: [] }),
        await epilogue(partials, 1),
      ] };
    }
    if (chosen.kernel === 'skinny' && !force.tile) {
      const { splits, kPerSplit } = force.splits ? skinnySplits(N, K, force.splits) : chosen;
      const partials = this.ctx.allocator.storage('partials', splits * M * N * 4);
      return { describe: `skinny, split-K ${splits}`, dispatches: [
        await skinnyDispatch(this.ctx, { label: 'fwd', M, N, K, lhsOffset: 0, weights: W, partials, splits, kPerSplit, arena, reads: [], writes: [] }),
        await epilogue(partials, splits),
      ] };
    }
    const tile = force.tile ?? MATMUL_TILES[chosen.tile];
    const { splits, kPerSplit } = force.splits ? { splits: force.splits, kPerSplit: Math.ceil(K / force.splits / tile.bk) * tile.bk }
      : force.tile ? chooseSplits(M, N, K, tile) : chosen;
    const name = force.tile ? JSON.stringify(tile) : chosen.tile;
    const common = { arena, small, dummy, reads: [], writes: [] };
    const lhs = { kind: 'arena' as const, offset: 0, transposed: false };
    const rhs = { kind: 'weights' as const, buffer: W, offset: 0, transposed: false };
    if (splits === 1) {
      return { describe: `${name}, fused`, dispatches: [await matmulDispatch(this.ctx, { ...common, label: 'fwd', M, N, K, lhs, rhs, tile,
        out: { kind: 'activation', zOffset: M * K, aOffset: M * K + M * N, act: spec, alphaOffset: 0 } })] };
    }
    const partials = this.ctx.allocator.storage('partials', splits * M * N * 4);
    return { describe: `${name}, split-K ${splits}`, dispatches: [
      await matmulDispatch(this.ctx, { ...common, label: 'fwd', M, N, K, lhs, rhs, tile, out: { kind: 'partials', buffer: partials, splits, kPerSplit } }),
      await epilogue(partials, splits),
    ] };
  }

  /** dX = dZ W^T with dZ = dA * f'(Z) read in the prologue: M x N from an N x K weight. */
  async inputGradLayer(M: number, N: number, K: number, act: string, force: { tiled?: boolean } = {}): Promise<{ dispatches: Dispatch[]; describe: string }> {
    const spec = parseActivation(act);
    const arena = await this.randomBuffer('arena', 2 * M * K + M * N);
    const W = await this.randomBuffer('W', K * N);
    const small = this.ctx.allocator.storage('small', 16);
    const dummy = this.ctx.allocator.storage('dummy', 16);
    const dz = { daOffset: 0, zOffset: M * K, alphaOffset: 0, units: K, act: spec };
    const reduce = async (partials: GPUBuffer, splits: number) => epilogueDispatch(this.ctx, { arena, small, reads: [], writes: [],
      label: 'dx reduce', rows: M, units: N, splits, partials, act: parseActivation('linear'), aOffset: 2 * M * K, alphaOffset: 0 });
    const chosen = force.tiled ? tiledShape(M, N, K, true) : inputGradShape(M, N, K, this.ctx.target);
    if (chosen.kernel === 'outer') {
      const stored = this.ctx.allocator.storage('stored dZ', M * K * 4);
      return { describe: 'dz store + outer (CPU)', dispatches: [
        await dzStoreDispatch(this.ctx, { label: 'dz', rows: M, dz, arena, small, out: stored, reads: [], writes: [] }),
        await outerDispatch(this.ctx, { label: 'dx', M, N, K, ...outerOperands.inputGrad(K, { buffer: stored, offset: 0 }, { buffer: W, offset: 0 }),
          out: arena, outOffset: 2 * M * K, reads: [], writes: [] }),
      ] };
    }
    if (chosen.kernel === 'skinny') {
      const { splits, kPerSplit } = chosen;
      const partials = this.ctx.allocator.storage('partials', splits * M * N * 4);
      return { describe: `skinny transposed, split-K ${splits}`, dispatches: [
        await skinnyTransposedDispatch(this.ctx, { label: 'dx', M, N, K, dz, weights: W, partials, splits, kPerSplit, arena, small, reads: [], writes: [] }),
        await reduce(partials, splits),
      ] };
    }
    const { tile, splits, kPerSplit } = chosen;
    const common = { arena, small, dummy, reads: [], writes: [], M, N, K, tile, dz, lhs: { kind: 'dz' as const },
      rhs: { kind: 'weights' as const, buffer: W, offset: 0, transposed: true } };
    if (splits === 1) {
      return { describe: `${tile}, direct`, dispatches: [await matmulDispatch(this.ctx, { ...common, label: 'dx', out: { kind: 'arena', offset: 2 * M * K } })] };
    }
    const partials = this.ctx.allocator.storage('partials', splits * M * N * 4);
    return { describe: `${tile}, split-K ${splits}`, dispatches: [
      await matmulDispatch(this.ctx, { ...common, label: 'dx', out: { kind: 'partials', buffer: partials, splits, kPerSplit } }),
      await reduce(partials, splits),
    ] };
  }

  /** dW = A^T dZ: [M x N] from A [K x M] and dZ [K x N] (K = batch). */
  async weightGradLayer(M: number, N: number, K: number, act: string, force: { tile?: MatmulTile } = {}): Promise<{ dispatches: Dispatch[]; describe: string }> {
    const spec = parseActivation(act);
    const arena = await this.randomBuffer('arena', K * M + 2 * K * N);
    const dW = this.ctx.allocator.storage('dW', M * N * 4);
    const small = this.ctx.allocator.storage('small', 16);
    const dummy = this.ctx.allocator.storage('dummy', 16);
    const dz = { daOffset: K * M, zOffset: K * M + K * N, alphaOffset: 0, units: N, act: spec };
    const chosen = weightGradShape(M, N, K, force.tile ? 'gpu' : this.ctx.target);
    if (chosen.kernel === 'outer') {
      const stored = this.ctx.allocator.storage('stored dZ', K * N * 4);
      return { describe: 'dz store + outer (CPU)', dispatches: [
        await dzStoreDispatch(this.ctx, { label: 'dz', rows: K, dz, arena, small, out: stored, reads: [], writes: [] }),
        await outerDispatch(this.ctx, { label: 'dw', M, N, K, ...outerOperands.weightGrad(M, N, { buffer: arena, offset: 0 }, { buffer: stored, offset: 0 }),
          out: dW, outOffset: 0, reads: [], writes: [] }),
      ] };
    }
    const tile = force.tile ?? chosen.tile;
    return { describe: JSON.stringify(tile), dispatches: [await matmulDispatch(this.ctx, { arena, small, dummy, reads: [], writes: [], label: 'dw', M, N, K, tile,
      lhs: { kind: 'arena', offset: 0, transposed: true }, rhs: { kind: 'dz' }, dz, out: { kind: 'buffer', buffer: dW, offset: 0 } })] };
  }

  release(): void { this.ctx.allocator.releaseAll(); }
}
