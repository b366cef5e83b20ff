// Checkpoints (design.md section 9): every parameter of a net in PyTorch's names, layouts and
// dtypes, as a safetensors file with the createNet options in its metadata. `layers.{i}` is the
// i-th entry of the net's layers (a residual block's inner ones `layers.{i}.layers.{j}`): a dense
// weight is nn.Linear.weight (Dout x Din, the transpose of the engine's W), a conv weight
// Conv2d.weight; a norm after it is `layers.{i}.norm.*`, a mask `layers.{i}.weight_mask` (W's
// layout), a block's multiplier `layers.{i}.multiplier`.
import { writeFloats } from '../gpu/buffers';
import { InitscopeError } from '../model/errors';
import { isNorm, type LayerEntry, type NormEntry } from '../model/layers';
import type { NetLayout } from '../model/layout';
import { weightedLayers, type NetSpec } from '../model/net';
import { decodeSafetensors, encodeSafetensors, transposed, type SafeTensor } from '../model/safetensors';
import type { PlanExecutor } from '../scheduler/executor';
import { weightedOf } from './readers';
import type { NetResources } from './resources';

/** One tensor of a checkpoint: where it lives in the net and its PyTorch shape. */
interface Slot {
  name: string;
  shape: number[];
  /** 'W': the weight (a dense one transposed), else a region of `small` by name. */
  region: 'W' | 'mask' | 'b' | 'alpha' | 'gamma' | 'beta' | 'rmean' | 'rvar' | 'count' | 'mult';
  /** The layer's unit. */
  layer: number;
  /** A tensor a file may leave out (num_batches_tracked; a mask the net does not have yet). */
  optional?: boolean;
  /** A dense W of rows x cols (engine) stored as cols x rows. */
  transpose?: { rows: number; cols: number };
}

/** A net's entries and where their regions are: all a checkpoint's names and shapes need (no GPU);
 *  `masked` says which entries have a mask buffer. */
export interface NetShape { entries: LayerEntry[]; layout: NetLayout; masked?: (index: number) => boolean }

/** `layers.{i}` or `layers.{i}.layers.{j}`. */
const prefix = (path: number[]) => path.map((i) => `layers.${i}`).join('.');

/** The tensors a net's checkpoint holds, from its spec and entries (no GPU). `withMasks`: the
 *  masks the net has (saving), or every mask a file may hold (checking a file). */
function slotsOf(spec: NetSpec, res: NetShape, withMasks: 'present' | 'possible'): Slot[] {
  const slots: Slot[] = [];
  for (const layer of weightedLayers(spec)) {
    const l = layer.unit;
    const { entry, index } = weightedOf(res, l);
    const at = res.layout.entries[index].at;
    const p = prefix(layer.path);
    const weight: Omit<Slot, 'name' | 'region' | 'layer'> = entry.type === 'dense'
      ? { shape: [entry.cols, entry.inputWidth], transpose: { rows: entry.inputWidth, cols: entry.cols } }
      : { shape: [entry.shape.cout, entry.shape.cin, entry.shape.kh, entry.shape.kw] };
    slots.push({ name: `${p}.weight`, region: 'W', layer: l, ...weight });
    if (withMasks === 'possible' || res.masked?.(index)) slots.push({ name: `${p}.weight_mask`, region: 'mask', layer: l, optional: true, ...weight });
    if (at.b !== undefined) slots.push({ name: `${p}.bias`, shape: [entry.cols], region: 'b', layer: l });
    if (at.alpha !== undefined) slots.push({ name: `${p}.activation.weight`, shape: [entry.outputWidth], region: 'alpha', layer: l });
    const norm = res.entries.find((e): e is NormEntry => isNorm(e) && e.layer === l);
    if (norm) {
      slots.push({ name: `${p}.norm.weight`, shape: [norm.channels], region: 'gamma', layer: l }, { name: `${p}.norm.bias`, shape: [norm.channels], region: 'beta', layer: l });
      if (norm.kind === 'batch') {
        slots.push({ name: `${p}.norm.running_mean`, shape: [norm.channels], region: 'rmean', layer: l },
          { name: `${p}.norm.running_var`, shape: [norm.channels], region: 'rvar', layer: l },
          { name: `${p}.norm.num_batches_tracked`, shape: [], region: 'count', layer: l, optional: true });
      }
    }
  }
  for (const block of spec.layers) {
    if (block.type === 'residual' && block.multiplier) slots.push({ name: `${prefix(block.path)}.multiplier`, shape: [1], region: 'mult', layer: block.unit });
  }
  return slots;
}

/** Where a slot's floats are: a buffer and an offset. */
function place(res: NetResources, slot: Slot): { buffer: GPUBuffer; offset: number } {
  if (slot.region === 'mult') {
    const join = res.entries.findIndex((e) => e.type === 'join' && e.layer === slot.layer);
    return { buffer: res.buffers.small, offset: res.layout.entries[join].at.mult };
  }
  const { index } = weightedOf(res, slot.layer);
  if (slot.region === 'W') return { buffer: res.buffers.own[index].W, offset: 0 };
  if (slot.region === 'mask') return { buffer: res.buffers.own[index].mask ?? res.ensureMask(index), offset: 0 };
  if (slot.region === 'b' || slot.region === 'alpha') return { buffer: res.buffers.small, offset: res.layout.entries[index].at[slot.region] };
  const norm = res.entries.findIndex((e) => isNorm(e) && e.layer === slot.layer);
  return { buffer: res.buffers.small, offset: res.layout.entries[norm].at[slot.region] };
}

const size = (shape: number[]) => shape.reduce((a, b) => a * b, 1);

/** Where a parameter region of entry `index` is in a checkpoint (its tensor name, PyTorch shape
 *  and transpose), for an optimiser's state of that parameter; undefined where none is. */
export function parameterSlot(spec: NetSpec, res: NetShape, index: number, param: string): { name: string; shape: number[]; transpose?: Slot['transpose'] } | undefined {
  const unit = res.entries[index].layer;
  return slotsOf(spec, res, 'present').find((s) => s.layer === unit && s.region === param);
}

/** The net's parameters read back as checkpoint tensors. */
export async function checkpointTensors(spec: NetSpec, res: NetResources, exec: PlanExecutor): Promise<Map<string, SafeTensor>> {
  const tensors = new Map<string, SafeTensor>();
  for (const slot of slotsOf(spec, res, 'present')) {
    if (slot.region === 'count') {
      tensors.set(slot.name, { dtype: 'I64', shape: [], data: BigInt64Array.of(BigInt(res.trainModePasses)) });
      continue;
    }
    const { buffer, offset } = place(res, slot);
    const values = await exec.readRegion(buffer, offset, size(slot.shape), slot.name);
    tensors.set(slot.name, { dtype: 'F32', shape: slot.shape, data: slot.transpose ? transposed(values, slot.transpose.rows, slot.transpose.cols) : values });
  }
  return tensors;
}

/** The checkpoint of a net: its parameters read back, the createNet options in the metadata. */
export async function saveCheckpoint(spec: NetSpec, res: NetResources, exec: PlanExecutor, options: unknown): Promise<Uint8Array<ArrayBuffer>> {
  return encodeSafetensors(await checkpointTensors(spec, res, exec), { initscope: JSON.stringify(options), format: 'pt' });
}

/** The createNet options a file carries in its metadata (`initscope`), and its net's tensors (a
 *  trainer's checkpoint is a net's too: its `optimizer.*` tensors are the trainer's, left out here). */
export function checkpointOptions(bytes: Uint8Array): { options: unknown; tensors: Map<string, SafeTensor> } {
  const decoded = decodeSafetensors(bytes);
  const metadata = decoded.metadata;
  const tensors = new Map([...decoded.tensors].filter(([name]) => !name.startsWith('optimizer.')));
  let options: unknown;
  if (metadata.initscope !== undefined) {
    try { options = JSON.parse(metadata.initscope); } catch (e) {
      throw new InitscopeError(`loadNet: the metadata "initscope" is not JSON (${(e as Error).message})`, 'invalid-option', '__metadata__', { cause: e });
    }
  }
  return { options, tensors };
}

/** Refuses a file whose tensors do not fit the net: a missing tensor (num_batches_tracked may be
 *  absent), a tensor of another shape or dtype, or a tensor the net has no place for. */
export function checkCheckpoint(spec: NetSpec, res: NetShape, tensors: Map<string, SafeTensor>, where = 'loadNet'): void {
  const slots = slotsOf(spec, res, 'possible');
  const known = new Set(slots.map((s) => s.name));
  for (const name of tensors.keys()) {
    if (!known.has(name)) throw new InitscopeError(`${where}: tensor ${name} has no place in this net (its tensors: ${[...known].join(', ')})`, 'invalid-option', name);
  }
  for (const slot of slots) {
    const t = tensors.get(slot.name);
    if (!t) {
      if (slot.optional) continue;
      throw new InitscopeError(`${where}: tensor ${slot.name} is missing (shape [${slot.shape.join(', ')}], F32)`, 'invalid-option', slot.name);
    }
    const dtype = slot.region === 'count' ? 'I64' : 'F32';
    if (t.dtype !== dtype || t.shape.length !== slot.shape.length || t.shape.some((d, i) => d !== slot.shape[i])) {
      throw new InitscopeError(`${where}: tensor ${slot.name} must be ${dtype} of shape [${slot.shape.join(', ')}], got ${t.dtype} [${t.shape.join(', ')}]`, 'invalid-option', slot.name);
    }
  }
}

/** Writes a checked file's tensors into the net's buffers (a mask makes the layer's mask buffer). */
export function writeCheckpoint(spec: NetSpec, res: NetResources, queue: GPUQueue, tensors: Map<string, SafeTensor>): void {
  for (const slot of slotsOf(spec, res, 'possible')) {
    const t = tensors.get(slot.name);
    if (!t) continue;
    if (slot.region === 'count') { res.trainModePasses = Number((t.data as BigInt64Array)[0]); continue; }
    const values = t.data as Float32Array;
    const { buffer, offset } = place(res, slot);
    writeFloats(queue, buffer, offset, slot.transpose ? transposed(values, slot.transpose.cols, slot.transpose.rows) : values);
  }
}
