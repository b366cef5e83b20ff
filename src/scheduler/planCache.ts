import type { BufferAllocator } from '../gpu/buffers';
import type { BuiltPlan } from './build';

/** Built plans by key, each built once: a failed build is forgotten (a later call builds again).
 *  Each plan belongs to a group (a trainer's dataset, say), and drop(group) forgets exactly that
 *  group's plans, or all of them, and frees the buffers their dispatches own (uniforms, stats
 *  descriptors). A net's passes and each trainer keep one. */
export class PlanCache {
  private plans = new Map<string, { group: string; built: Promise<BuiltPlan> }>();

  constructor(private allocator: BufferAllocator) {}

  get(key: string, build: () => Promise<BuiltPlan>, group = ''): Promise<BuiltPlan> {
    const found = this.plans.get(key);
    if (found) return found.built;
    const built = build();
    this.plans.set(key, { group, built });
    built.catch(() => this.plans.delete(key));
    return built;
  }

  /** Forgets the plans of `group` (every plan when absent) and frees what they own. */
  async drop(group?: string): Promise<void> {
    const dropped = [...this.plans].filter(([, p]) => group === undefined || p.group === group);
    for (const [key] of dropped) this.plans.delete(key);
    for (const [, { built }] of dropped) {
      (await built.catch(() => undefined))?.plan.dispatches.forEach((d) => d.owned.forEach((b) => this.allocator.release(b)));
    }
  }

  /** Forgets every plan without freeing (the owner's allocator frees everything at once). */
  clear(): void {
    this.plans.clear();
  }
}
