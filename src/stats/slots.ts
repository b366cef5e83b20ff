// Where each tensor's statistics go in the net's stats buffer (one slot per tensor).
/** Stats slots: forward Z_l = 2l, A_l = 2l + 1; backward from 2L, four per layer; W_l at 6L + l. */
export const forwardSlot = (l: number, which: 'preactivation' | 'activation') => 2 * l + (which === 'activation' ? 1 : 0);
export const BACKWARD_FIELDS = ['weightGrad', 'biasGrad', 'alphaGrad', 'inputGrad'] as const;
export type BackwardField = typeof BACKWARD_FIELDS[number];
export const backwardSlot = (layers: number, l: number, field: BackwardField) => 2 * layers + 4 * l + BACKWARD_FIELDS.indexOf(field);
export const weightSlot = (layers: number, l: number) => 6 * layers + l;
export const slotCount = (layers: number) => 7 * layers;
