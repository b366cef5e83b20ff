import type { LayerType } from '../layerType';
import { CONV } from './conv';
import { DENSE } from './dense';
import { DROPOUT } from './dropout';
import { NORM } from './norm';
import { POOL } from './pool';
import { FORK, JOIN } from './residual';

/** The layer types the engine runs, by entry type (model/layers.ts). */
export const LAYER_TYPES: Record<string, LayerType> = {
  dense: DENSE,
  norm: NORM,
  conv: CONV,
  pool: POOL,
  fork: FORK,
  join: JOIN,
  dropout: DROPOUT,
};
