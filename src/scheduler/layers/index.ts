import type { LayerType } from '../layerType';
import { CONV } from './conv';
import { DENSE } from './dense';
import { NORM } from './norm';
import { POOL } from './pool';

/** The layer types the engine runs, by entry type (model/layers.ts). */
export const LAYER_TYPES: Record<string, LayerType> = {
  dense: DENSE,
  norm: NORM,
  conv: CONV,
  pool: POOL,
};
