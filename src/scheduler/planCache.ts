import type { BufferPool } from '../gpu/buffers';
import type { BuiltPlan } from './build';

/** Built plans by key, each built once: a failed build is forgotten (a later call builds again),
 *  and drop() forgets the plans a predicate picks and frees the buffers their dispatches own
 *  (uniforms, stats descriptors). A net's passes and its trainer each keep one. */
export class PlanCache {
  private plans = new Map<string, Promise<BuiltPlan>>();

  constructor(private pool: BufferPool) {}

  get(key: string, build: () => Promise<BuiltPlan>): Promise<BuiltPlan> {
    let built = this.plans.get(key);
    if (!built) {
      built = build();
      this.plans.set(key, built);
      built.catch(() => this.plans.delete(key));
    }
    return built;
  }

  async drop(match: (key: string) => boolean = () => true): Promise<void> {
    const dropped = [...this.plans].filter(([key]) => match(key));
    for (const [key] of dropped) this.plans.delete(key);
    for (const [, built] of dropped) {
      (await built.catch(() => undefined))?.plan.dispatches.forEach((d) => d.owned.forEach((b) => this.pool.release(b)));
    }
  }

  /** Forgets every plan without freeing (the owner's pool frees everything at once). */
  clear(): void {
    this.plans.clear();
  }
}
