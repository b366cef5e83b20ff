// The conv layer type: Z = conv(X, W) (+ b), A = act(Z) in one kernel; backward stores dZ = dA f'(Z)
// once (dz_store.wgsl), then dW and db (split-K, then a reduction) and dX (the flipped kernel) read
// it. Which kernels (conv_gemm.wgsl on GPUs; on CPU adapters conv_padded.wgsl at stride 1, each
// after a padded copy of its input, else conv.wgsl) is kernels/conv.ts's choice.
import { convForwardDispatches, convInputGradDispatches, convPartialFloats, convWeightGradDispatches } from '../../kernels/conv';
import { dzStoreDispatch } from '../../kernels/dzStore';
import type { Dispatch } from '../../kernels/program';
import type { ConvEntry } from '../../model/layers';
import { inputGradUnread, type EntryIO, type LayerType, type StatsDeclaration, type StepContext } from '../layerType';

async function forward(step: StepContext, e: ConvEntry, io: EntryIO): Promise<Dispatch[]> {
  const { ctx, buffers } = step;
  const l = e.layer;
  return convForwardDispatches(ctx, {
    label: `layer ${l} conv forward+act`, shape: e.shape, act: e.activation, arena: buffers.arena, small: buffers.small,
    dummy: buffers.dummy, partials: buffers.partials, weights: io.own.W, xOffset: io.input.offset, zOffset: io.at.z, aOffset: io.at.out, biasOffset: io.at.b,
    reads: [io.input.name, `W${l}`, ...(e.bias ? [`b${l}`] : [])], writes: [`Z${l}`, `A${l}`],
  });
}

async function backward(step: StepContext, e: ConvEntry, io: EntryIO): Promise<Dispatch[]> {
  const { ctx, batch, buffers } = step;
  const l = e.layer;
  const common = { shape: e.shape, arena: buffers.arena, small: buffers.small, dummy: buffers.dummy, partials: buffers.partials };
  const inputGrad = inputGradUnread(step, io) ? [] : await convInputGradDispatches(ctx, { ...common, label: `layer ${l} conv dX`,
    weights: io.own.W, dz: buffers.storedDz, dxOffset: io.inputGrad.offset, reads: [`dZ${l}`, `W${l}`], writes: [io.inputGrad.name] });
  return [
    await dzStoreDispatch(ctx, { label: `layer ${l} dZ store`, rows: batch,
      dz: { daOffset: io.at.dout, zOffset: io.at.z, alphaOffset: 0, units: e.outputWidth, act: e.activation },
      arena: buffers.arena, small: buffers.small, out: buffers.storedDz, reads: [`dA${l}`, `Z${l}`], writes: [`dZ${l}`] }),
    ...await convWeightGradDispatches(ctx, { ...common, label: `layer ${l} conv dW, db`, dW: io.own.dW, dz: buffers.storedDz,
      xOffset: io.input.offset, dbOffset: io.at.db,
      reads: [io.input.name, `dZ${l}`], writes: [`dW${l}`, ...(e.bias ? [`db${l}`] : [])] }),
    ...inputGrad,
  ];
}

function stats(e: ConvEntry, batch: number): StatsDeclaration[] {
  const saturation = e.activation.name === 'linear' ? undefined : { act: e.activation, z: 'z' };
  const s = e.shape;
  // A channel is dead when it is 0 at every position of every example: columns group by Ho x Wo.
  const positions = s.ho * s.wo;
  const taps = s.cin * s.kh * s.kw;
  const declared: StatsDeclaration[] = [
    { section: 'forward', field: 'preactivation', region: 'z', rows: batch, cols: e.outputWidth, saturation, group: positions },
    ...(e.reportsActivation ? [{ section: 'forward', field: 'activation', region: 'out', rows: batch, cols: e.outputWidth, saturation, group: positions } as const] : []),
    { section: 'backward', field: 'weightGrad', region: 'dW', rows: s.cout, cols: taps },
  ];
  if (e.regions.db) declared.push({ section: 'backward', field: 'biasGrad', region: 'db', rows: 1, cols: s.cout });
  declared.push({ section: 'backward', field: 'inputGrad', region: 'inputGrad', rows: batch, cols: e.inputWidth });
  declared.push({ section: 'weights', field: 'weight', region: 'W', rows: s.cout, cols: taps });
  declared.push({ section: 'update', field: 'update', region: 'update', rows: s.cout, cols: taps });
  return declared;
}

export const CONV: LayerType<ConvEntry> = {
  scratch: (e, batch, ctx) => ({ partials: convPartialFloats(e.shape, ctx), storedDz: batch * e.outputWidth }),
  forward,
  backward,
  stats,
  parameters: (e) => [{ param: 'W', grad: 'dW', update: 'update' }, ...(e.regions.b ? [{ param: 'b', grad: 'db' }] : [])],
};
