import type { LayerType } from '../layerType';
import { DENSE } from './dense';
import { NORM } from './norm';

/** The layer types the engine runs, by entry type (model/layers.ts). */
export const LAYER_TYPES: Record<string, LayerType> = {
  dense: DENSE,
  norm: NORM,
};
