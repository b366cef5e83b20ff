// The reading list's reproductions by name (`npm run reproduce -- NAME`; the demo's presets).
import { FIXUP } from './fixup';
import { LOTTERY } from './lottery';
import { RANDOM_WALK } from './randomWalk';
import { GLOROT, HE, LSUV } from './singlePass';
import type { Reproduction } from './types';

export type { Reproduction, ReproductionResult } from './types';

/** Every reproduction, in the reading list's order. */
export const REPRODUCTIONS: Reproduction[] = [GLOROT, HE, LSUV, RANDOM_WALK, FIXUP, LOTTERY];
