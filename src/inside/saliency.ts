// Saliency maps (Simonyan, Vedaldi & Zisserman 2013, "Deep inside convolutional networks"): for a
// row x and a class c, M = |dS_c/dx|, the largest over channels at each pixel, with S_c the class's
// pre-softmax score (net.inputGradient(x, { class })). In the data's units when a preprocessing
// is given (x_net = (x - mean) / std scales each entry's gradient by 1 / std). Captum's name for
// the same is Saliency(model).attribute(x, target).
import type { Net } from '../net/net';
import { checkPreprocessing, toData, toNet, type Preprocessing } from './preprocessing';

/** The class to explain per row (one for all, or one per row), and the map from the data's units. */
export interface SaliencyOptions { class: number | Int32Array | Uint32Array; preprocessing?: Preprocessing }

/** Per row of x: |dS_c/dx| at every pixel, the largest over channels (rows x H x W for a C x H x W
 *  input; rows x features for a flat one). */
export async function saliency(net: Net, x: Float32Array, options: SaliencyOptions): Promise<Float32Array> {
  const input = net.options.input;
  const [channels, plane] = typeof input === 'number' ? [1, input] : [input[0], input[1] * input[2]];
  const features = channels * plane;
  checkPreprocessing('saliency', options.preprocessing, features);
  const g = toData(await net.inputGradient(toNet(x, features, options.preprocessing), { class: options.class }), features, options.preprocessing);
  const rows = g.length / features;
  const out = new Float32Array(rows * plane);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < channels; c++) {
      for (let p = 0; p < plane; p++) out[r * plane + p] = Math.max(out[r * plane + p], Math.abs(g[(r * channels + c) * plane + p]));
    }
  }
  return out;
}
