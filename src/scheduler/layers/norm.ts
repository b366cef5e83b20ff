// The norm layer type: batch norm or layer norm of the previous dense or conv entry's Z (per channel
// over Ho x Wo positions after a conv: BatchNorm2d, one-group GroupNorm), with the
// activation fused into its output (norm.wgsl). Batch norm uses the batch's statistics in train
// mode and the running estimates in eval mode (StepContext.mode).
import { normDispatch, type NormEntryPoint } from '../../kernels/norm';
import type { Dispatch } from '../../kernels/program';
import type { NormEntry } from '../../model/layers';
import type { EntryIO, LayerType, StatsDeclaration, StepContext } from '../layerType';

function dispatch(step: StepContext, e: NormEntry, io: EntryIO, entryPoint: NormEntryPoint, reads: string[], writes: string[]): Promise<Dispatch> {
  const at = io.at;
  return normDispatch(step.ctx, {
    label: `layer ${e.layer} ${e.kind} norm ${entryPoint.split('_').slice(1).join(' ')}`, entryPoint, act: e.activation,
    train: step.mode !== 'eval', rows: step.batch, units: e.channels, plane: e.plane,
    offsets: {
      x_off: io.input.offset, y_off: at.y, a_off: at.out, da_off: at.dout, dx_off: io.inputGrad.offset, stat_off: at.stat,
      gamma_off: at.gamma, beta_off: at.beta, rmean_off: at.rmean ?? 0, rvar_off: at.rvar ?? 0, dgamma_off: at.dgamma, dbeta_off: at.dbeta,
    },
    arena: step.buffers.arena, small: step.buffers.small, reads, writes,
  });
}

async function forward(step: StepContext, e: NormEntry, io: EntryIO): Promise<Dispatch[]> {
  const r = e.regions;
  const params = [r.gamma.label, r.beta.label, ...(r.rmean ? [r.rmean.label, r.rvar.label] : [])];
  return [await dispatch(step, e, io, e.kind === 'batch' ? 'batch_forward' : 'layer_forward', [io.input.name, ...params],
    [r.y.label, r.out.label, r.stat.label, ...(e.kind === 'batch' && step.mode !== 'eval' ? [r.rmean.label, r.rvar.label] : [])])];
}

async function backward(step: StepContext, e: NormEntry, io: EntryIO): Promise<Dispatch[]> {
  const r = e.regions;
  const reads = [r.dout.label, r.y.label, io.input.name, r.stat.label, r.gamma.label];
  if (e.kind === 'batch') return [await dispatch(step, e, io, 'batch_backward', reads, [io.inputGrad.name, r.dgamma.label, r.dbeta.label])];
  return [
    await dispatch(step, e, io, 'layer_param_grads', reads, [r.dgamma.label, r.dbeta.label]),
    await dispatch(step, e, io, 'layer_backward', reads, [io.inputGrad.name]),
  ];
}

function stats(e: NormEntry, batch: number): StatsDeclaration[] {
  const width = e.outputWidth;
  const saturation = { act: e.activation, z: 'y' };
  return [
    { section: 'forward', field: 'normalized', region: 'y', rows: batch, cols: width, group: e.plane },
    { section: 'forward', field: 'activation', region: 'out', rows: batch, cols: width, saturation, group: e.plane },
    { section: 'backward', field: 'gammaGrad', region: 'dgamma', rows: 1, cols: e.channels },
    { section: 'backward', field: 'betaGrad', region: 'dbeta', rows: 1, cols: e.channels },
  ];
}

export const NORM: LayerType<NormEntry> = {
  scratch: () => ({ partials: 0, storedDz: 0 }),
  forward,
  backward,
  stats,
  parameters: () => [{ param: 'gamma', grad: 'dgamma' }, { param: 'beta', grad: 'dbeta' }],
  constants: (e) => ({ gamma: 1, beta: 0, ...(e.kind === 'batch' ? { rmean: 0, rvar: 1 } : {}) }),
};
