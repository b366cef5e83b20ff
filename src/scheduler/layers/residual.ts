// The residual block's two layer types (residual.wgsl): the fork passes the block's input on (a
// view: no dispatch forward) and sums the branch's and the skip's gradients on the way back; the
// join makes A = act(X + m F) and, on the way back, the skip's dZ, the branch's m dZ and dm.
import type { Dispatch } from '../../kernels/program';
import { residualDispatch, type ResidualRequest } from '../../kernels/residual';
import { LINEAR } from '../../model/activations';
import type { ForkEntry, JoinEntry } from '../../model/layers';
import { inputOffset } from '../../model/layout';
import { inputGradUnread, type EntryIO, type LayerType, type StatsDeclaration, type StepContext } from '../layerType';

const request = (step: StepContext, e: JoinEntry | ForkEntry, rest: Omit<ResidualRequest, 'count' | 'arena' | 'small' | 'act'> & { act?: JoinEntry['activation'] }): ResidualRequest =>
  ({ count: step.batch * e.outputWidth, arena: step.buffers.arena, small: step.buffers.small, act: rest.act ?? LINEAR, ...rest });

async function forkBackward(step: StepContext, e: ForkEntry, io: EntryIO): Promise<Dispatch[]> {
  if (inputGradUnread(step, io)) return [];
  const l = e.layer;
  const dz = step.layout.entries[e.join].at.dz;
  return [await residualDispatch(step.ctx, request(step, e, { label: `block ${l} dX = dX(branch) + dZ(skip)`, entryPoint: 'fork_backward',
    offsets: { dxb_off: io.at.dout, dz_off: dz, dx_off: io.inputGrad.offset }, reads: [`dbranch${l}`, `dZ${l}`], writes: [io.inputGrad.name] }))];
}

export const FORK: LayerType<ForkEntry> = {
  scratch: () => ({ partials: 0, storedDz: 0 }),
  forward: () => Promise.resolve([]),
  backward: forkBackward,
  stats: (e, batch) => [{ section: 'backward', field: 'inputGrad', region: 'inputGrad', rows: batch, cols: e.inputWidth }],
};

/** The block's input X: what its fork reads. */
const skipOffset = (step: StepContext, e: JoinEntry) => inputOffset(step.layout, e.fork);

async function joinForward(step: StepContext, e: JoinEntry, io: EntryIO): Promise<Dispatch[]> {
  const l = e.layer;
  return [await residualDispatch(step.ctx, request(step, e, { label: `block ${l} A = act(X + ${e.multiplier ? 'm ' : ''}F)`, entryPoint: 'join_forward',
    act: e.activation, multiplierOffset: io.at.mult, offsets: { x_off: skipOffset(step, e), f_off: io.input.offset, z_off: io.at.z, a_off: io.at.out },
    reads: ['block input', io.input.name, ...(e.multiplier ? [`multiplier${l}`] : [])], writes: [`Z${l}`, `A${l}`] }))];
}

async function joinBackward(step: StepContext, e: JoinEntry, io: EntryIO): Promise<Dispatch[]> {
  const l = e.layer;
  const out = [await residualDispatch(step.ctx, request(step, e, { label: `block ${l} dZ, dF = ${e.multiplier ? 'm ' : ''}dZ`, entryPoint: 'join_backward',
    act: e.activation, multiplierOffset: io.at.mult, offsets: { da_off: io.at.dout, z_off: io.at.z, dz_off: io.at.dz, df_off: io.inputGrad.offset },
    reads: [`dA${l}`, `Z${l}`], writes: [`dZ${l}`, io.inputGrad.name] }))];
  if (e.multiplier) {
    out.push(await residualDispatch(step.ctx, request(step, e, { label: `block ${l} dm = sum(dZ F)`, entryPoint: 'multiplier_grad',
      offsets: { dz_off: io.at.dz, f_off: io.input.offset, dm_off: io.at.dmult }, reads: [`dZ${l}`, io.input.name], writes: [`dmultiplier${l}`] })));
  }
  return out;
}

function joinStats(e: JoinEntry, batch: number): StatsDeclaration[] {
  const saturation = e.activation.name === 'linear' ? undefined : { act: e.activation, z: 'z' };
  return [
    { section: 'forward', field: 'preactivation', region: 'z', rows: batch, cols: e.outputWidth, saturation },
    { section: 'forward', field: 'activation', region: 'out', rows: batch, cols: e.outputWidth, saturation },
  ];
}

export const JOIN: LayerType<JoinEntry> = {
  scratch: () => ({ partials: 0, storedDz: 0 }),
  forward: joinForward,
  backward: joinBackward,
  stats: joinStats,
  parameters: (e) => (e.multiplier ? [{ param: 'mult', grad: 'dmult' }] : []),
  constants: (e): Record<string, number> => (e.multiplier ? { mult: 1 } : {}),
};
