// A net's built plans (a PlanCache keyed by kind and histogram bin count), and the histogram settings
// the next step uses. A new bin count remakes the stats buffer and drops the plans built for the old one.
import type { Dispatch } from '../kernels/program';
import type { HistogramRange, HistogramSpec } from '../model/histogram';
import { buildPlan, buildWeightStatsPlan, type BuiltPlan, type PlanKind } from '../scheduler/build';
import type { PlanExecutor } from '../scheduler/executor';
import { PlanCache } from '../scheduler/planCache';
import { statsSlotWords } from '../stats/layout';
import type { NetResources } from './resources';

export class NetPlans {
  private plans: PlanCache;
  private dispatches = new Map<string, Promise<Dispatch>>();
  /** The histogram range of the next step (written into the stats descriptors, no rebuild). */
  range: HistogramRange = 'auto';

  constructor(private res: NetResources, private executor: PlanExecutor) {
    this.plans = new PlanCache(res.allocator);
  }

  /** A dispatch made once and kept (the input's randn fill). */
  dispatch(key: string, make: () => Promise<Dispatch>): Promise<Dispatch> {
    let d = this.dispatches.get(key);
    if (!d) { d = make(); this.dispatches.set(key, d); }
    return d;
  }

  /** The plan of a step; a backward makes the gradient buffers first. */
  async get(kind: PlanKind): Promise<BuiltPlan> {
    if (kind.backward) await this.res.ensure('backward');
    const bins = this.res.histogramBins;
    return this.plans.get(`${kind.forward}|${kind.backward ?? ''}|${kind.stats}|${kind.eval === true}|${bins}`,
      () => buildPlan(this.res.step(), this.res.graph, kind, bins, this.range));
  }

  /** The plan of weightStats(). */
  weights(): Promise<BuiltPlan> {
    const bins = this.res.histogramBins;
    return this.plans.get(`weights|${bins}`, () => buildWeightStatsPlan(this.res.step(), this.res.graph, bins, this.range));
  }

  /** Switches to the histogram settings of a call. */
  async useHistogram({ bins, range }: HistogramSpec): Promise<void> {
    if (bins !== this.res.histogramBins) {
      this.res.resizeStats(bins);
      await this.plans.drop();
      this.executor.resizeSlots(statsSlotWords(bins) * 4);
    }
    this.range = range;
  }

  /** Forgets everything (the net's allocator frees the buffers). */
  clear(): void {
    this.plans.clear();
    this.dispatches.clear();
  }
}
