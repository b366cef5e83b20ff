// The reading list's reproductions by name (`npm run reproduce -- NAME`; the demo's presets).
import { BERGSTRA } from './bergstra';
import { DATA_INIT } from './dataInit';
import { FIXUP } from './fixup';
import { GOODFELLOW } from './goodfellow';
import { LOTTERY } from './lottery';
import { RANDOM_WALK } from './randomWalk';
import { SAXE } from './saxe';
import { SIMONYAN } from './simonyan';
import { SMITH } from './smith';
import { GLOROT, HE, LSUV } from './singlePass';
import type { Reproduction } from './types';

export type { Reproduction, ReproductionResult } from './types';

/** Every reproduction: the reading list's, in its order, then the lecture's Part III (saliency maps,
 *  adversarial examples) and its Hyperparameters (the learning-rate range test, random search). */
export const REPRODUCTIONS: Reproduction[] = [GLOROT, HE, SAXE, LSUV, RANDOM_WALK, DATA_INIT, FIXUP, LOTTERY, SIMONYAN, GOODFELLOW, SMITH, BERGSTRA];
