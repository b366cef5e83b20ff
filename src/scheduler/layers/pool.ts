// The pool layer type: max or average pooling of the previous entry's output (pool.wgsl); it has
// no parameters and reports its activation only.
import { poolBackwardDispatch, poolForwardDispatch } from '../../kernels/pool';
import type { Dispatch } from '../../kernels/program';
import type { PoolEntry } from '../../model/layers';
import type { EntryIO, LayerType, StatsDeclaration, StepContext } from '../layerType';

function request(step: StepContext, e: PoolEntry, io: EntryIO) {
  return { kind: e.kind, shape: e.shape, arena: step.buffers.arena, xOffset: io.input.offset, yOffset: io.at.out };
}

async function forward(step: StepContext, e: PoolEntry, io: EntryIO): Promise<Dispatch[]> {
  return [await poolForwardDispatch(step.ctx, { ...request(step, e, io), label: `layer ${e.layer} ${e.kind} pool forward`,
    reads: [io.input.name], writes: [`A${e.layer}`] })];
}

async function backward(step: StepContext, e: PoolEntry, io: EntryIO): Promise<Dispatch[]> {
  return [await poolBackwardDispatch(step.ctx, { ...request(step, e, io), label: `layer ${e.layer} ${e.kind} pool backward`,
    dyOffset: io.at.dout, dxOffset: io.inputGrad.offset, reads: [`dA${e.layer}`, io.input.name], writes: [io.inputGrad.name] })];
}

function stats(e: PoolEntry, batch: number): StatsDeclaration[] {
  return [
    { section: 'forward', field: 'activation', region: 'out', rows: batch, cols: e.outputWidth, group: e.shape.ho * e.shape.wo },
    { section: 'backward', field: 'inputGrad', region: 'inputGrad', rows: batch, cols: e.inputWidth },
  ];
}

export const POOL: LayerType<PoolEntry> = {
  scratch: () => ({ partials: 0, storedDz: 0 }),
  forward,
  backward,
  stats,
};
