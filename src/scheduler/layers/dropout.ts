// The dropout layer type (dropout.wgsl): in a training step (StepContext.dropout) the mask keyed
// by (seed, step, layer) scales kept entries by 1 / (1 - p) forward and backward; elsewhere
// (forward(), evaluate()) both directions are copies.
import { dropoutDispatch } from '../../kernels/dropout';
import type { Dispatch } from '../../kernels/program';
import type { DropoutEntry } from '../../model/layers';
import { inputGradUnread, type EntryIO, type LayerType, type StepContext } from '../layerType';

function dispatch(step: StepContext, e: DropoutEntry, label: string, from: number, to: number, reads: string[], writes: string[]): Promise<Dispatch> {
  return dropoutDispatch(step.ctx, { label, count: step.batch * e.outputWidth, p: e.p, step: step.dropout, seed: step.seed, unit: e.layer,
    arena: step.buffers.arena, dummy: step.buffers.dummy, from, to, reads, writes });
}

export const DROPOUT: LayerType<DropoutEntry> = {
  scratch: () => ({ partials: 0, storedDz: 0 }),
  forward: async (step, e, io: EntryIO) => [await dispatch(step, e, `layer ${e.layer} dropout${step.dropout ? ` p=${e.p}` : ' (off: a copy)'}`,
    io.input.offset, io.at.out, [io.input.name], [`A${e.layer}`])],
  backward: async (step, e, io: EntryIO) => (inputGradUnread(step, io) ? [] : [await dispatch(step, e, `layer ${e.layer} dropout backward`,
    io.at.dout, io.inputGrad.offset, [`dA${e.layer}`], [io.inputGrad.name])]),
  stats: (e, batch) => [
    { section: 'forward', field: 'activation', region: 'out', rows: batch, cols: e.outputWidth },
    { section: 'backward', field: 'inputGrad', region: 'inputGrad', rows: batch, cols: e.inputWidth },
  ],
};
