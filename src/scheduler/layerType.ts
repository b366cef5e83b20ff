// What a layer type contributes to a step. The scheduler's core (build.ts) walks the net's entries
// and asks each entry's type for its dispatches and its statistics; adding a layer type is a WGSL
// file, a kernel program, and one module implementing this interface (src/scheduler/layers/).
import type { Dispatch, KernelContext } from '../kernels/program';
import type { ActivationSpec } from '../model/activations';
import type { LayerEntry } from '../model/layers';
import type { NetLayout } from '../model/layout';
import type { StatsSection } from '../stats/slots';

/** The GPU buffers a net owns, which plans bind. */
export interface NetBuffers {
  arena: GPUBuffer;
  small: GPUBuffer;
  /** Per entry, its 'own' regions (W; dW once a backward has been asked for; the update buffer
   *  once a training step with statistics ran). */
  own: Array<Record<string, GPUBuffer>>;
  /** Split-K partial sums, shared by every entry (the largest need). */
  partials: GPUBuffer;
  /** dZ of one entry, for the CPU adapters' outer-product dW and dX. */
  storedDz: GPUBuffer;
  /** Bound where a kernel's binding is unused (WebGPU needs every binding). */
  dummy: GPUBuffer;
  stats: GPUBuffer;
  statsPartials: GPUBuffer;
  statsFlags: GPUBuffer;
}

/** What every entry's dispatches may use. */
export interface StepContext {
  ctx: KernelContext;
  batch: number;
  seed: number;
  layout: NetLayout;
  buffers: NetBuffers;
  /** 'eval': batch norm uses its running estimates (an evaluation); default 'train'. */
  mode?: 'train' | 'eval';
  /** A training step: nothing reads dL/dX of the net's input, so the first entry may skip it. */
  training?: boolean;
  /** A training step's step words: dropout drops, its mask keyed by the step index in them. */
  dropout?: GPUBuffer;
}

/** Where entry `index` reads and writes: its regions' offsets, its own buffers, its input and
 *  the gradient of its input (X / dX for the first entry, else the previous entry's out / dout). */
export interface EntryIO {
  index: number;
  at: Record<string, number>;
  own: Record<string, GPUBuffer>;
  input: { offset: number; name: string };
  inputGrad: { offset: number; name: string };
}

/** True where nobody reads the entry's dL/d(input): the net's first entry in a training step (the
 *  input is data). Every layer type skips its input-gradient dispatch there. */
export const inputGradUnread = (step: StepContext, io: EntryIO): boolean => step.training === true && io.index === 0;

/** A tensor an entry reports statistics of, as `layers[entry.layer][field]` of a step's result.
 *  `region` is one of the entry's regions, or 'inputGrad' for the gradient of its input. */
export interface StatsDeclaration {
  section: StatsSection;
  field: string;
  region: string;
  rows: number;
  cols: number;
  /** Columns per unit for `deadUnitFraction` (a conv's channel spans Ho x Wo columns); default 1. */
  group?: number;
  /** Count saturated entries (|f'(z)| < 1% of the largest slope) with z from region `z`. */
  saturation?: { act: ActivationSpec; z: string; alpha?: string };
}

export interface LayerType<E extends LayerEntry = LayerEntry> {
  /** Floats of shared scratch the entry's dispatches need. */
  scratch(entry: E, batch: number, ctx: KernelContext): { partials: number; storedDz: number };
  forward(step: StepContext, entry: E, io: EntryIO): Promise<Dispatch[]>;
  /** Given dL/d(out) in `dout`: gradients of the entry's parameters and dL/d(input) into io.inputGrad. */
  backward(step: StepContext, entry: E, io: EntryIO): Promise<Dispatch[]>;
  stats(entry: E, batch: number): StatsDeclaration[];
  /** The learnable tensors an optimiser updates: parameter region, gradient region, and the
   *  region that receives the applied update on a training step with statistics (if any). */
  parameters?(entry: E): Array<{ param: string; grad: string; update?: string }>;
  /** Regions filled with a constant when the net is made (norm's gamma = 1, beta = 0). */
  constants?(entry: E): Record<string, number>;
}
