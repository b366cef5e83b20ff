// The dense layer type: Z = A W (+ b), A = act(Z) (maxout: max over pieces), forward and backward,
// with the kernels its shapes call for (shapes.ts): skinny or tiled matmuls with split-K on GPUs,
// outer products on CPU adapters.
import { biasGradDispatch } from '../../kernels/biasGrad';
import { dzStoreDispatch } from '../../kernels/dzStore';
import { epilogueDispatch } from '../../kernels/epilogue';
import { matmulDispatch, type DzOperand } from '../../kernels/matmul';
import { outerDispatch, outerOperands } from '../../kernels/matmulOuter';
import { skinnyDispatch, skinnyTransposedDispatch } from '../../kernels/matmulSkinny';
import type { Dispatch } from '../../kernels/program';
import { LINEAR } from '../../model/activations';
import type { DenseEntry } from '../../model/layers';
import { inputGradUnread, type EntryIO, type LayerType, type StatsDeclaration, type StepContext } from '../layerType';
import { denseScratch, denseShapes } from '../shapes';


async function forward(step: StepContext, e: DenseEntry, io: EntryIO): Promise<Dispatch[]> {
  const { ctx, batch, buffers } = step;
  const l = e.layer;
  const s = denseShapes(e, batch, ctx.target).forward;
  const W = io.own.W;
  const common = { arena: buffers.arena, small: buffers.small };
  const lhs = { kind: 'arena' as const, offset: io.input.offset, transposed: false };
  const rhs = { kind: 'weights' as const, buffer: W, offset: 0, transposed: false };
  const reads = [io.input.name, `W${l}`, ...(e.bias ? [`b${l}`] : [])];
  const bias = io.at.b;
  const alpha = io.at.alpha ?? 0;
  if (s.kernel === 'tiled' && s.splits === 1 && e.activation.pieces === 1) {
    return [await matmulDispatch(ctx, { ...common, label: `layer ${l} forward matmul+act`, M: s.M, N: s.N, K: s.K, lhs, rhs,
      out: { kind: 'activation', zOffset: io.at.z, aOffset: io.at.out, act: e.activation, biasOffset: bias, alphaOffset: alpha },
      tile: s.tile, dummy: buffers.dummy, reads, writes: [`Z${l}`, `A${l}`] })];
  }
  const matmul = s.kernel === 'outer'
    ? outerDispatch(ctx, { label: `layer ${l} forward matmul (outer)`, M: s.M, N: s.N, K: s.K,
      ...outerOperands.forward(s.N, s.K, { buffer: buffers.arena, offset: lhs.offset }, { buffer: W, offset: 0 }),
      out: buffers.partials, outOffset: 0, reads: [io.input.name, `W${l}`], writes: ['partials'] })
    : s.kernel === 'skinny'
    ? skinnyDispatch(ctx, { label: `layer ${l} forward matmul (skinny)`, M: s.M, N: s.N, K: s.K, lhsOffset: lhs.offset,
      weights: W, partials: buffers.partials, splits: s.splits, kPerSplit: s.kPerSplit, arena: buffers.arena,
      reads: [io.input.name, `W${l}`], writes: ['partials'] })
    : matmulDispatch(ctx, { ...common, label: `layer ${l} forward matmul`, M: s.M, N: s.N, K: s.K, lhs, rhs,
      out: { kind: 'partials', buffer: buffers.partials, splits: s.splits, kPerSplit: s.kPerSplit }, tile: s.tile,
      dummy: buffers.dummy, reads: [io.input.name, `W${l}`], writes: ['partials'] });
  return [await matmul, await epilogueDispatch(ctx, { ...common, label: `layer ${l} forward epilogue`, rows: batch,
    units: e.outputWidth, splits: s.splits, partials: buffers.partials, act: e.activation, zOffset: io.at.z, aOffset: io.at.out,
    biasOffset: bias, alphaOffset: alpha, reads: ['partials', ...reads.slice(2)], writes: [`Z${l}`, `A${l}`] })];
}

async function backward(step: StepContext, e: DenseEntry, io: EntryIO): Promise<Dispatch[]> {
  const { ctx, batch, buffers } = step;
  const l = e.layer;
  const shapes = denseShapes(e, batch, ctx.target);
  const out: Dispatch[] = [];
  const W = io.own.W;
  const alpha = io.at.alpha;
  const dz: DzOperand = { daOffset: io.at.dout, zOffset: io.at.z, alphaOffset: alpha ?? 0, units: e.outputWidth, act: e.activation };
  const dzReads = [`dA${l}`, `Z${l}`, ...(alpha !== undefined ? [`alpha${l}`] : [])];
  const common = { arena: buffers.arena, small: buffers.small, dummy: buffers.dummy };
  const w = shapes.dw;
  const x = shapes.dx;
  // For MNIST's 784 inputs the skipped dX is as large as the layer's dW.
  const wantsInputGrad = !inputGradUnread(step, io);
  if (w.kernel === 'outer' || (wantsInputGrad && x.kernel === 'outer')) {
    out.push(await dzStoreDispatch(ctx, { label: `layer ${l} dZ store`, rows: batch, dz, arena: buffers.arena,
      small: buffers.small, out: buffers.storedDz, reads: dzReads, writes: [`dZ${l}`] }));
  }
  if (w.kernel === 'outer') {
    out.push(await outerDispatch(ctx, { label: `layer ${l} dW = A^T dZ (outer)`, M: w.M, N: w.N, K: w.K,
      ...outerOperands.weightGrad(w.M, w.N, { buffer: buffers.arena, offset: io.input.offset }, { buffer: buffers.storedDz, offset: 0 }),
      out: io.own.dW, outOffset: 0, reads: [io.input.name, `dZ${l}`], writes: [`dW${l}`] }));
  } else {
    out.push(await matmulDispatch(ctx, { ...common, label: `layer ${l} dW = A^T dZ`, M: w.M, N: w.N, K: w.K,
      lhs: { kind: 'arena', offset: io.input.offset, transposed: true }, rhs: { kind: 'dz' }, dz,
      out: { kind: 'buffer', buffer: io.own.dW, offset: 0 }, tile: w.tile, reads: [io.input.name, ...dzReads], writes: [`dW${l}`] }));
  }
  if (io.at.db !== undefined || io.at.dalpha !== undefined) {
    out.push(await biasGradDispatch(ctx, { ...common, label: `layer ${l} db, dalpha`, rows: batch, units: e.outputWidth,
      act: e.activation, daOffset: io.at.dout, zOffset: io.at.z, alphaOffset: alpha ?? 0, dbOffset: io.at.db,
      dalphaOffset: io.at.dalpha, reads: dzReads,
      writes: [...(io.at.db !== undefined ? [`db${l}`] : []), ...(io.at.dalpha !== undefined ? [`dalpha${l}`] : [])] }));
  }
  const rhs = { kind: 'weights' as const, buffer: W, offset: 0, transposed: true };
  const inputGrad = io.inputGrad;
  if (!wantsInputGrad) return out;
  if (x.kernel === 'outer') {
    out.push(await outerDispatch(ctx, { label: `layer ${l} dX = dZ W^T (outer)`, M: x.M, N: x.N, K: x.K,
      ...outerOperands.inputGrad(x.K, { buffer: buffers.storedDz, offset: 0 }, { buffer: W, offset: 0 }),
      out: buffers.arena, outOffset: inputGrad.offset, reads: [`dZ${l}`, `W${l}`], writes: [inputGrad.name] }));
  } else if (x.kernel === 'skinny' || x.splits > 1) {
    out.push(x.kernel === 'skinny'
      ? await skinnyTransposedDispatch(ctx, { label: `layer ${l} dX = dZ W^T (skinny)`, M: x.M, N: x.N, K: x.K, dz,
        weights: W, partials: buffers.partials, splits: x.splits, kPerSplit: x.kPerSplit, arena: buffers.arena,
        small: buffers.small, reads: [...dzReads, `W${l}`], writes: ['partials'] })
      : await matmulDispatch(ctx, { ...common, label: `layer ${l} dX = dZ W^T`, M: x.M, N: x.N, K: x.K, lhs: { kind: 'dz' },
        rhs, dz, out: { kind: 'partials', buffer: buffers.partials, splits: x.splits, kPerSplit: x.kPerSplit }, tile: x.tile,
        reads: [...dzReads, `W${l}`], writes: ['partials'] }));
    out.push(await epilogueDispatch(ctx, { arena: buffers.arena, small: buffers.small, label: `layer ${l} dX reduce`,
      rows: batch, units: e.inputWidth, splits: x.splits, partials: buffers.partials, act: LINEAR,
      aOffset: inputGrad.offset, alphaOffset: 0, reads: ['partials'], writes: [inputGrad.name] }));
  } else {
    out.push(await matmulDispatch(ctx, { ...common, label: `layer ${l} dX = dZ W^T`, M: x.M, N: x.N, K: x.K, lhs: { kind: 'dz' },
      rhs, dz, out: { kind: 'arena', offset: inputGrad.offset }, tile: x.tile,
      reads: [...dzReads, `W${l}`], writes: [inputGrad.name] }));
  }
  return out;
}

function stats(e: DenseEntry, batch: number): StatsDeclaration[] {
  const saturation = e.activation.pieces > 1 || e.activation.name === 'linear' ? undefined
    : { act: e.activation, z: 'z', ...(e.regions.alpha ? { alpha: 'alpha' } : {}) };
  const cols = e.cols;
  const declared: StatsDeclaration[] = [
    { section: 'forward', field: 'preactivation', region: 'z', rows: batch, cols, saturation },
    ...(e.reportsActivation ? [{ section: 'forward', field: 'activation', region: 'out', rows: batch, cols: e.outputWidth, saturation } as const] : []),
    { section: 'backward', field: 'weightGrad', region: 'dW', rows: e.inputWidth, cols },
  ];
  if (e.regions.db) declared.push({ section: 'backward', field: 'biasGrad', region: 'db', rows: 1, cols });
  if (e.regions.dalpha) declared.push({ section: 'backward', field: 'alphaGrad', region: 'dalpha', rows: 1, cols: e.outputWidth });
  declared.push({ section: 'backward', field: 'inputGrad', region: 'inputGrad', rows: batch, cols: e.inputWidth });
  declared.push({ section: 'weights', field: 'weight', region: 'W', rows: e.inputWidth, cols });
  declared.push({ section: 'update', field: 'update', region: 'update', rows: e.inputWidth, cols });
  return declared;
}

export const DENSE: LayerType<DenseEntry> = {
  scratch: (e, batch, ctx) => denseScratch(e, denseShapes(e, batch, ctx.target)),
  forward,
  backward,
  stats,
  parameters: (e) => [
    { param: 'W', grad: 'dW', update: 'update' },
    ...(e.regions.b ? [{ param: 'b', grad: 'db' }] : []),
    ...(e.regions.alpha ? [{ param: 'alpha', grad: 'dalpha' }] : []),
  ],
};
