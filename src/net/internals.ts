// What test-only hooks (src/testing.ts) may reach inside a net, kept out of the public class.
import type { NetResources } from './resources';

export interface NetInternals {
  resources: NetResources;
  /** Runs `op` in the net's queue; the forward is stale afterwards. */
  run(where: string, op: () => Promise<void>): Promise<void>;
}

/** Keyed by the MLP object (kept as `object` so this module needs nothing from mlp.ts). */
const INTERNALS = new WeakMap<object, NetInternals>();

export function registerInternals(net: object, internals: NetInternals): void { INTERNALS.set(net, internals); }

export function internalsOf(net: object): NetInternals {
  const found = INTERNALS.get(net);
  if (!found) throw new Error('internalsOf: not a net made by this engine');
  return found;
}
