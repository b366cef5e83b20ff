// What a trainer reports: per-step records decoded from the metrics words, and per-layer
// statistics of a step with statistics (forward, gradients, the weights before the update, the update).
import type { LossName } from '../model/train';
import type { NetSpec } from '../model/net';
import { decodeLayerStats, nestLayerStats, type NestedStats } from '../stats/layers';
import type { SlotTable } from '../stats/slots';
import type { TensorStats } from '../stats/types';

/** Statistics of one layer on a training step (a pool, flatten, dropout layer or a residual block
 *  of a createNet net has its activation only, and updateRatio NaN; a block's inner layers are
 *  its `layers`): the update:data ratio is std(update) / std(W)
 *  of that step (W before the update, design.md section 6), with the update as applied
 *  (learning rate, momentum or Adam included). */
export interface TrainLayerStats {
  layer: number;
  preactivation: TensorStats;
  activation: TensorStats;
  weightGrad: TensorStats;
  /** The change the optimiser applied to W on this step. */
  update: TensorStats;
  /** std(update) / std(W before the update); about 1e-3 is healthy. */
  updateRatio: number;
}

/** One training step: the batch's mean loss and accuracy, the learning rate used, and (on a
 *  step with statistics) every layer's statistics. */
export interface TrainRecord { step: number; loss: number; accuracy: number; lr: number; layers?: Array<NestedStats<TrainLayerStats>> }

/** What `trainer.train()` resolves to: the last step's numbers and every step's record (a call
 *  aborted before its first step: `step` = steps taken before it, NaN loss, accuracy and lr, no records). */
export interface TrainResult {
  step: number;
  loss: number;
  accuracy: number;
  lr: number;
  history: TrainRecord[];
  /** Why training ended before `steps`: the signal aborted it, or the loss became NaN or infinite. */
  stopped?: 'aborted' | 'diverged';
}

/** The loss and accuracy of a batch from its metrics words (loss sum as f32 bits, correct count). */
export function decodeMetrics(words: Uint32Array, slot: number, loss: LossName, validRows: number, cols: number): { lossSum: number; correct: number; loss: number; accuracy: number } {
  const lossSum = new Float32Array(words.buffer, words.byteOffset, words.length)[2 * slot];
  const correct = words[2 * slot + 1];
  const divisor = loss === 'cross_entropy' ? validRows : validRows * cols;
  return { lossSum, correct, loss: lossSum / divisor, accuracy: correct / validRows };
}

/** Per-layer training statistics from the words of every stats slot (slot 0 onwards), arranged
 *  as the net's layers. */
export function decodeTrainStats(words: Uint32Array, bins: number, table: SlotTable, spec: NetSpec): Array<NestedStats<TrainLayerStats>> {
  const section = (name: 'forward' | 'backward' | 'update' | 'weights') => decodeLayerStats(words, 0, bins, table, name, spec.units.length);
  const [forward, backward, update, weights] = [section('forward'), section('backward'), section('update'), section('weights')];
  // Layers without a W report their activation only and a NaN ratio (a flatten's is its input's).
  const perUnit = forward.map((f, l) => {
    const w = weights[l].weight as TensorStats | undefined;
    const u = update[l].update as TensorStats | undefined;
    return {
      layer: l,
      preactivation: f.preactivation,
      activation: f.activation,
      weightGrad: backward[l].weightGrad,
      update: update[l].update,
      updateRatio: w && u && w.std > 0 ? u.std / w.std : NaN,
    };
  });
  return nestLayerStats(spec, perUnit, true);
}
