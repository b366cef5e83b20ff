// Named nets of layers the CLI and the demo offer (design.md section 9).
import type { LayerOption } from './net';

/** LeNet-5 for 28 x 28 digits, as design.md section 9 writes it (without the dropout): two 5x5 conv
 *  layers with 2x2 max pooling, then dense 120, 84 and a linear layer of 10 classes. */
export const LENET5_LAYERS: LayerOption[] = [
  { type: 'conv', filters: 6, size: 5, padding: 2 },
  { type: 'maxpool', size: 2 },
  { type: 'conv', filters: 16, size: 5 },
  { type: 'maxpool', size: 2 },
  { type: 'flatten' },
  { type: 'dense', units: 120 },
  { type: 'dense', units: 84 },
  { type: 'dense', units: 10, activation: 'linear' },
];

/** LeNet-5's input: one channel of 28 x 28. */
export const LENET5_INPUT: [number, number, number] = [1, 28, 28];
