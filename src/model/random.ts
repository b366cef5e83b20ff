/** A seeded generator of uniforms whose state can be read and set again (a trainer's checkpoint
 *  keeps it, so a resumed run draws the same epochs' orders). */
export interface SeededUniform { (): number; state: number }

/** A generator of uniform numbers in [0, 1) from a 32-bit seed (mulberry32): the CPU side's
 *  seeded randomness (the spiral's noise, a trainer's per-epoch order), the same on every machine. */
export function seededUniform(seed: number): SeededUniform {
  const next = (() => {
    next.state = (next.state + 0x6d2b79f5) >>> 0;
    let t = next.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }) as SeededUniform;
  next.state = seed >>> 0;
  return next;
}
