// What a net gets from its engine, and the hook tests use to add layer types.
import type { BufferAllocator } from '../gpu/buffers';
import type { KernelContext } from '../kernels/program';
import type { LayerEntry } from '../model/layers';
import type { MLPSpec } from '../model/options';
import type { LayerType } from '../scheduler/layerType';

/** What the net needs from its engine. */
export interface EngineCore {
  ctx: KernelContext;
  allocator: BufferAllocator;
  timestamps: boolean;
  /** Throws if the device was lost, an uncaptured GPU error happened or the engine was destroyed. */
  assertHealthy(where: string): void;
  /** After an operation failed: waits briefly for the device's lost promise, so a failure caused
   *  by a lost device is reported as that (code 'device-lost') rather than as a mapping error. */
  settle(): Promise<void>;
}

/** Entries and layer types beyond the options' own (tests add a layer type this way). */
export interface LayerExtension {
  entries(base: LayerEntry[], spec: MLPSpec): LayerEntry[];
  types: Record<string, LayerType>;
}
