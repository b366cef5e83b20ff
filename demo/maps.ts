// The lecture's "new image": a conv layer's activation maps for one example, each channel a small
// grey-scale picture (black = the layer's smallest value, white = its largest, one scale per layer
// so channels compare).
import { $ } from './dom';

export interface MapLayer { title: string; data: Float32Array; channels: number; height: number; width: number }

/** Draws each layer's first `maxChannels` maps of example 0 into the element `id`. */
export function drawMaps(id: string, layers: MapLayer[], maxChannels = 8): void {
  const rows = layers.map((layer) => {
    const row = document.createElement('figure');
    const caption = Object.assign(document.createElement('figcaption'), { textContent: layer.title });
    const plane = layer.height * layer.width;
    const shown = Math.min(layer.channels, maxChannels);
    const values = layer.data.subarray(0, layer.channels * plane);
    let lo = Infinity;
    let hi = -Infinity;
    for (const v of values) { lo = Math.min(lo, v); hi = Math.max(hi, v); }
    const scale = hi > lo ? 255 / (hi - lo) : 0;
    const canvases = Array.from({ length: shown }, (_, c) => {
      const canvas = Object.assign(document.createElement('canvas'), { width: layer.width, height: layer.height, title: `channel ${c + 1}` });
      canvas.style.width = `${Math.max(layer.width, 56)}px`;
      canvas.style.imageRendering = 'pixelated';
      const ctx = canvas.getContext('2d');
      if (!ctx) return canvas;
      const image = ctx.createImageData(layer.width, layer.height);
      for (let i = 0; i < plane; i++) {
        const g = Math.round((values[c * plane + i] - lo) * scale);
        image.data.set([g, g, g, 255], 4 * i);
      }
      ctx.putImageData(image, 0, 0);
      return canvas;
    });
    row.append(caption, ...canvases);
    return row;
  });
  $(id).replaceChildren(...rows);
}
