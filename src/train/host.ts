// What a trainer is given by its net (TrainerResources, TrainerHost: named here so that src/train
// imports nothing from src/net; the net makes trainers, not the other way) and the options its
// calls take (design.md section 6).
import type { BufferAllocator } from '../gpu/buffers';
import type { KernelContext } from '../kernels/program';
import type { LayerEntry } from '../model/layers';
import type { NetLayout } from '../model/layout';
import type { NetSpec } from '../model/net';
import type { NetGraph } from '../scheduler/build';
import type { NetBuffers, StepContext } from '../scheduler/layerType';
import type { SlotTable } from '../stats/slots';
import type { CheckpointHost } from './resume';
import type { TrainRecord } from './records';

/** The GPU side of a net that a trainer uses (net/resources.ts' NetResources is one). */
export interface TrainerResources {
  readonly ctx: KernelContext;
  readonly allocator: BufferAllocator;
  readonly batch: number;
  readonly buffers: NetBuffers;
  readonly layout: NetLayout;
  readonly graph: NetGraph;
  readonly entries: LayerEntry[];
  readonly slots: SlotTable;
  readonly histogramBins: number;
  readonly maskCount: number;
  readonly onRestore: Set<() => void>;
  trainModePasses: number;
  ensure(when: 'backward' | 'update'): Promise<void>;
  step(): StepContext;
}

/** What a trainer needs from its net: the GPU side, the net's queue, and a way to say the
 *  net's forward activations are stale. */
export interface TrainerHost {
  res: TrainerResources;
  spec: NetSpec;
  /** The net's checkpoint, for trainer.save() / load(). */
  checkpoint: CheckpointHost;
  serial<T>(where: string, op: () => Promise<T>): Promise<T>;
  markStale(): void;
}

/** Options of `trainer.train(steps, options)`. */
export interface TrainOptions {
  /** Steps per readback window (default 50): records arrive, and statistics are taken, once per window. */
  every?: number;
  /** Per-layer statistics on the last step of every window. */
  stats?: boolean;
  /** Called after every window with the steps done so far. */
  onProgress?: (progress: TrainProgress) => void;
  /** Stops training after the step in flight when aborted. */
  signal?: AbortSignal;
}

/** What onProgress receives: steps done in this call (`step` of `steps`), the last record and every record of the window just read, the time so far and an estimate of the rest. */
export interface TrainProgress { step: number; steps: number; record: TrainRecord; records: TrainRecord[]; elapsedMs: number; etaMs: number }

/** Options of `trainer.setData(x, labels, options)`. */
export interface DataOptions { shuffle?: boolean; seed?: number }
