// LSUV (Mishkin & Matas 2015): after an orthogonal start, each layer in turn is rescaled on a
// data batch until the variance of its Z is within `tolerance` of 1, measured with the engine's
// own forward statistics; W_l <- W_l / std(Z_l) on the GPU (scale_add.wgsl).
import { scaleAddDispatch } from '../kernels/scaleAdd';
import { invalid, refuseUnknownKeys } from '../model/errors';
import type { WeightedLayerSpec } from '../model/net';
import type { PlanExecutor } from '../scheduler/executor';
import type { ForwardLayerStats } from '../stats/types';
import { weightedOf } from './readers';
import type { NetResources } from './resources';

/** Options of `net.lsuv()`. */
export interface LsuvOptions { tolerance?: number; maxIterations?: number }

/** What `net.lsuv()` resolves to, per dense or conv layer in order: the factor W was multiplied by, the passes it took
 *  and Var(Z) at the end (a layer whose Z has variance 0 cannot be rescaled and is left as is). */
export interface LsuvResult { scales: number[]; iterations: number[]; variances: number[] }

export function parseLsuvOptions(o: unknown): { tolerance: number; maxIterations: number } {
  if (typeof o !== 'object' || o === null) throw invalid('lsuv', 'options', o, 'an object { tolerance?, maxIterations? }');
  const { tolerance = 0.1, maxIterations = 10, ...rest } = o as Record<string, unknown>;
  refuseUnknownKeys('lsuv', undefined, rest, [], 'absent (known: tolerance, maxIterations)');
  if (typeof tolerance !== 'number' || !(tolerance > 0 && tolerance < 1)) throw invalid('lsuv', 'tolerance', tolerance, 'a number in (0, 1)');
  if (typeof maxIterations !== 'number' || !Number.isInteger(maxIterations) || maxIterations < 1 || maxIterations > 100) {
    throw invalid('lsuv', 'maxIterations', maxIterations, 'an integer from 1 to 100');
  }
  return { tolerance, maxIterations };
}

type Nested = ForwardLayerStats & { layers?: ForwardLayerStats[] };

/** Var(Z) of a layer (by its path) in a forward's result. */
const varianceAt = (layers: Nested[], path: number[]) => (path.length > 1 ? layers[path[0]].layers![path[1]] : layers[path[0]]).preactivation.std ** 2;

/** Rescales the W of each layer in `layers` (the dense and conv layers, in the order the net runs them). */
export async function lsuv(res: NetResources, executor: PlanExecutor, layers: WeightedLayerSpec[], forward: () => Promise<Nested[]>,
  o: { tolerance: number; maxIterations: number }): Promise<LsuvResult> {
  const result: LsuvResult = { scales: [], iterations: [], variances: [] };
  for (const layer of layers) {
    const l = layer.unit;
    let scale = 1;
    let iterations = 0;
    let variance = varianceAt(await forward(), layer.path);
    while (Math.abs(variance - 1) >= o.tolerance && variance > 0 && Number.isFinite(variance) && iterations < o.maxIterations) {
      const factor = 1 / Math.sqrt(variance);
      const { entry, index } = weightedOf(res, l);
      const d = await scaleAddDispatch(res.ctx, { label: `lsuv W${l}`, count: entry.regions.W.floats, x: res.buffers.own[index].W, xOffset: 0,
        a: factor, dummy: res.buffers.dummy, reads: [`W${l}`], writes: [`W${l}`] });
      await executor.submitOnce({ name: `lsuv W${l}`, dispatches: [d] });
      d.owned.forEach((b) => res.allocator.release(b));
      scale *= factor;
      iterations++;
      variance = varianceAt(await forward(), layer.path);
    }
    result.scales.push(scale);
    result.iterations.push(iterations);
    result.variances.push(variance);
  }
  return result;
}
