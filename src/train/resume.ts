// A trainer's checkpoint: the net's tensors (design.md section 9's names), the optimiser's state
// per parameter in PyTorch's names and layouts (`optimizer.{tensor}.exp_avg` and `.exp_avg_sq`
// for Adam and AdamW, `.momentum_buffer` for SGD with momentum), and under the metadata key
// `initscope_trainer` the step count (Adam's t, the schedule's position, dropout's step index) and
// the data order (the epoch's permutation, the position in it and the generator's state), so a
// run resumed from it takes the same steps as one that never stopped.
import { InitscopeError } from '../model/errors';
import { decodeSafetensors, encodeSafetensors, transposed, type SafeTensor } from '../model/safetensors';
import type { TrainerSpec } from '../model/train';
import type { SeededUniform } from '../model/random';
import type { DeviceDataset } from './data';

/** What a trainer's host gives for checkpoints: the net's tensors and where each parameter is in them. */
export interface CheckpointHost {
  tensors(): Promise<Map<string, SafeTensor>>;
  /** The tensor of entry `index`'s parameter region, and whether it is stored transposed (a dense W). */
  slot(index: number, param: string): { name: string; shape: number[]; transpose?: { rows: number; cols: number } } | undefined;
  check(tensors: Map<string, SafeTensor>, where: string): void;
  write(tensors: Map<string, SafeTensor>): void;
  /** The net's createNet options (the metadata `initscope`). */
  options: unknown;
  read(buffer: GPUBuffer, floats: number, label: string): Promise<Float32Array>;
  write32(buffer: GPUBuffer, values: Float32Array): void;
}

/** The trainer's side of a checkpoint. */
export interface ResumableTrainer {
  spec: TrainerSpec;
  /** Optimiser state per entry and parameter region; `unused` are the stand-ins of state an optimiser does not keep. */
  state: Array<Record<string, { m: GPUBuffer; v: GPUBuffer }>>;
  unused: GPUBuffer[];
  t: number;
  data?: { set: DeviceDataset; shuffle: boolean; uniform: SeededUniform; position: number };
}

interface TrainerMeta { t: number; optimizer: string; loss: string; data?: { rows: number; fingerprint?: string; position: number; shuffle: boolean; rng: number; order: number[] } }

const WHERE = 'trainer.load';

/** The state tensors an optimiser keeps for one parameter, by PyTorch's name. */
function stateNames(tr: ResumableTrainer, s: { m: GPUBuffer; v: GPUBuffer }): Array<[string, GPUBuffer]> {
  const adam = tr.spec.optimizer.name !== 'sgd';
  return ([[adam ? 'exp_avg' : 'momentum_buffer', s.m], ['exp_avg_sq', s.v]] as Array<[string, GPUBuffer]>).filter(([, b]) => !tr.unused.includes(b));
}

/** Every (slot, state name, buffer) of the trainer's optimiser. */
function stateSlots(host: CheckpointHost, tr: ResumableTrainer) {
  return tr.state.flatMap((params, index) => Object.entries(params).flatMap(([param, s]) => {
    const slot = host.slot(index, param);
    return slot ? stateNames(tr, s).map(([key, buffer]) => ({ slot, name: `optimizer.${slot.name}.${key}`, buffer })) : [];
  }));
}

export async function saveTrainer(host: CheckpointHost, tr: ResumableTrainer): Promise<Uint8Array<ArrayBuffer>> {
  const tensors = await host.tensors();
  for (const { slot, name, buffer } of stateSlots(host, tr)) {
    const count = slot.shape.reduce((a, b) => a * b, 1);
    const values = await host.read(buffer, count, name);
    tensors.set(name, { dtype: 'F32', shape: slot.shape, data: slot.transpose ? transposed(values, slot.transpose.rows, slot.transpose.cols) : values });
  }
  const d = tr.data;
  const meta: TrainerMeta = { t: tr.t, optimizer: tr.spec.optimizer.name, loss: tr.spec.loss,
    ...(d ? { data: { rows: d.set.gpu.rows, fingerprint: d.set.fingerprint, position: d.position, shuffle: d.shuffle, rng: d.uniform.state, order: Array.from(d.set.rowOrder) } } : {}) };
  return encodeSafetensors(tensors, { initscope: JSON.stringify(host.options), initscope_trainer: JSON.stringify(meta), format: 'pt' });
}

/** How load treats the rows: `otherData: true` resumes on rows other than the saved run's (same count). */
export interface LoadOptions { otherData?: boolean }

/** Checks a trainer checkpoint against this trainer and its net (refusing by name, nothing
 *  written), then writes the net's tensors, the optimiser's state, the step count and the data order. */
export function loadTrainer(host: CheckpointHost, tr: ResumableTrainer, bytes: Uint8Array, options: LoadOptions = {}): { t: number } {
  const { tensors, metadata } = decodeSafetensors(bytes, WHERE);
  let meta: TrainerMeta;
  try { meta = JSON.parse(metadata.initscope_trainer ?? 'null') as TrainerMeta; } catch (e) {
    throw new InitscopeError(`${WHERE}: the metadata "initscope_trainer" is not JSON`, 'invalid-option', '__metadata__', { cause: e });
  }
  if (meta === null || typeof meta.t !== 'number') {
    throw new InitscopeError(`${WHERE}: no "initscope_trainer" metadata: this is a net's checkpoint (engine.loadNet reads it), not a trainer's (trainer.save())`, 'invalid-option', '__metadata__');
  }
  if (meta.optimizer !== tr.spec.optimizer.name || meta.loss !== tr.spec.loss) {
    throw new InitscopeError(`${WHERE}: the file was saved by a ${meta.optimizer} trainer with loss ${meta.loss}; this one is ${tr.spec.optimizer.name} with ${tr.spec.loss}`, 'invalid-option', 'optimizer');
  }
  const slots = stateSlots(host, tr);
  for (const { slot, name } of slots) {
    const t = tensors.get(name);
    if (!t || t.dtype !== 'F32' || t.shape.join() !== slot.shape.join()) {
      throw new InitscopeError(`${WHERE}: tensor ${name} must be F32 of shape [${slot.shape.join(', ')}]${t ? `, got ${t.dtype} [${t.shape.join(', ')}]` : ', and is missing'}`, 'invalid-option', name);
    }
  }
  const net = new Map([...tensors].filter(([name]) => !name.startsWith('optimizer.')));
  host.check(net, WHERE);
  const d = tr.data;
  if (meta.data && (!d || d.set.gpu.rows !== meta.data.rows)) {
    throw new InitscopeError(`${WHERE}: the run trained on ${meta.data.rows} rows; call setData with the same rows first${d ? ` (this trainer has ${d.set.gpu.rows})` : ''}`, 'invalid-state', 'data');
  }
  // A file saved before fingerprints were kept has none: only its row count is checked.
  if (meta.data?.fingerprint !== undefined && d && meta.data.fingerprint !== d.set.fingerprint && options.otherData !== true) {
    throw new InitscopeError(`${WHERE}: the run trained on other rows (fingerprint ${meta.data.fingerprint}; setData's rows have ${d.set.fingerprint}): ` +
      'call setData with the same x and labels, or load(bytes, { otherData: true }) to resume on these rows', 'invalid-state', 'data');
  }
  host.write(net);
  for (const { slot, name, buffer } of slots) {
    const values = tensors.get(name)!.data as Float32Array;
    host.write32(buffer, slot.transpose ? transposed(values, slot.transpose.cols, slot.transpose.rows) : values);
  }
  if (meta.data && d) {
    d.set.setOrder(meta.data.order);
    d.position = meta.data.position;
    d.shuffle = meta.data.shuffle;
    d.uniform.state = meta.data.rng;
  }
  return { t: meta.t };
}
