// The Inside the net view's pictures: 28 x 28 images as small canvases with a caption under each,
// in grey (a digit, a weight, a class model), grey with a red overlay (a saliency map over its
// digit) or blue/red (a perturbation or a weight with its sign).

export type Rgb = [number, number, number];

/** Values mapped to colours by a function of the value scaled to [0, 1] over [lo, hi]. */
export interface Palette { lo: number; hi: number; colour: (t: number) => Rgb }

const SIDE = 28;

/** Black (lo) to white (hi). */
export const grey = (lo: number, hi: number): Palette => ({ lo, hi, colour: (t) => [255 * t, 255 * t, 255 * t] });

/** Blue (-m) through white (0) to red (+m): the sign and size of a perturbation or a weight. */
export function diverging(values: ArrayLike<number>): Palette {
  let m = 0;
  for (let i = 0; i < values.length; i++) m = Math.max(m, Math.abs(values[i]));
  return {
    lo: -m || -1, hi: m || 1,
    colour: (t) => (t < 0.5 ? [255 * 2 * t, 255 * 2 * t, 255] : [255, 255 * 2 * (1 - t), 255 * 2 * (1 - t)]),
  };
}

/** The smallest and largest of the values (the range a per-image grey scale spans). */
export function range(values: ArrayLike<number>): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < values.length; i++) { lo = Math.min(lo, values[i]); hi = Math.max(hi, values[i]); }
  return hi > lo ? [lo, hi] : [lo - 1, lo + 1];
}

function canvasOf(pixels: (i: number) => Rgb, width: number, height: number, scale: number): HTMLCanvasElement {
  const canvas = Object.assign(document.createElement('canvas'), { width, height });
  canvas.style.width = `${width * scale}px`;
  canvas.style.imageRendering = 'pixelated';
  const ctx = canvas.getContext('2d');
  if (!ctx) return canvas;
  const image = ctx.createImageData(width, height);
  for (let i = 0; i < width * height; i++) image.data.set([...pixels(i).map(Math.round), 255], 4 * i);
  ctx.putImageData(image, 0, 0);
  return canvas;
}

const unit = (p: Palette, v: number) => Math.min(1, Math.max(0, (v - p.lo) / (p.hi - p.lo)));

/** An image (28 x 28 unless `size` says otherwise) with its caption; `scale` screen pixels per image pixel. */
export function figure(values: ArrayLike<number>, palette: Palette, caption: string, scale = 3, size: [number, number] = [SIDE, SIDE]): HTMLElement {
  const fig = document.createElement('figure');
  fig.append(canvasOf((i) => palette.colour(unit(palette, values[i])), size[1], size[0], scale),
    Object.assign(document.createElement('figcaption'), { textContent: caption }));
  return fig;
}

/** A digit (pixels in [0, 1], grey) with a saliency map over it: red, as opaque as the map is large. */
export function overlay(digit: ArrayLike<number>, map: ArrayLike<number>, caption: string, scale = 3): HTMLElement {
  const [, top] = range(map);
  const fig = document.createElement('figure');
  fig.append(canvasOf((i) => {
    const g = 255 * Math.min(1, Math.max(0, digit[i])) * 0.6;
    const a = top > 0 ? Math.min(1, map[i] / top) : 0;
    return [g + (255 - g) * a, g * (1 - a), g * (1 - a)];
  }, SIDE, SIDE, scale), Object.assign(document.createElement('figcaption'), { textContent: caption }));
  return fig;
}
