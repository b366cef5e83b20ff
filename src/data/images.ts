// Your own images as a dataset (browser or worker: createImageBitmap and OffscreenCanvas): a
// folder per class, the folder's name the class, as a directory input or a dropped folder gives
// them. Each image is resized to size x size (stretched, not cropped) and read as grey in [0, 1]
// (ITU-R 601 weights, as MNIST's digits and PIL's 'L') or as RGB planes (channels x H x W,
// PyTorch's layout). design.md section 7's split: per class, the last 20% in file-name order.
import { InitscopeError, invalid } from '../model/errors';
import { splitPerClass } from './split';
import type { Dataset } from './types';

/** One image and its path: the folder above the file's name is its class ("cats/001.png"). */
export interface ImageFile { path: string; data: Blob }

/** Options of {@link fromImages}. */
export interface ImagesOptions {
  /** Side of the square every image is resized to (default 28, as MNIST's). */
  size?: number;
  /** 1: grey (default); 3: red, green and blue planes. */
  channels?: 1 | 3;
  /** Per class, the last fraction of its images in file-name order are the test set (default 0.2). */
  testFraction?: number;
}

/** A dataset from a folder of images per class. */
export interface ImagesDataset extends Dataset {
  /** The folders' names, sorted; label i is classNames[i]. */
  classNames: string[];
  /** Images per class, in the order of classNames. */
  counts: number[];
  size: number;
  channels: 1 | 3;
  /** Paths passed over: hidden files and names without an image extension. */
  skipped: string[];
}

const IMAGE_EXTENSION = /\.(png|jpe?g|gif|webp|bmp|avif)$/i;
const MAX_SIZE = 256;

const refuse = (message: string, field: string) => new InitscopeError(`fromImages: ${message}`, 'invalid-option', field);
const pathOf = (f: File | ImageFile): string => ('path' in f ? f.path : f.webkitRelativePath || f.name);
const blobOf = (f: File | ImageFile): Blob => ('data' in f ? f.data : f);

/** Decodes every image (a broken one is refused by its path), resizes it and splits per class.
 *  Files are `File`s (their webkitRelativePath gives the folder) or `{ path, data }`. */
export async function fromImages(files: Iterable<File | ImageFile>, options: ImagesOptions = {}): Promise<ImagesDataset> {
  const size = options.size ?? 28;
  const channels = options.channels ?? 1;
  const testFraction = options.testFraction ?? 0.2;
  if (!Number.isInteger(size) || size < 1 || size > MAX_SIZE) throw invalid('fromImages', 'size', size, `an integer from 1 to ${MAX_SIZE}`);
  if (channels !== 1 && channels !== 3) throw invalid('fromImages', 'channels', channels, '1 (grey) or 3 (RGB)');
  if (typeof testFraction !== 'number' || !(testFraction >= 0 && testFraction < 1)) throw invalid('fromImages', 'testFraction', testFraction, 'a number in [0, 1)');
  if (typeof createImageBitmap !== 'function' || typeof OffscreenCanvas !== 'function') {
    throw new InitscopeError('fromImages: needs createImageBitmap and OffscreenCanvas (a browser or a worker); in Node, decode the images yourself and build a Dataset', 'invalid-state');
  }
  const images: Array<{ path: string; className: string; data: Blob }> = [];
  const skipped: string[] = [];
  for (const f of files) {
    const path = pathOf(f);
    const parts = path.split('/').filter(Boolean);
    const name = parts.at(-1) ?? '';
    if (name.startsWith('.') || !IMAGE_EXTENSION.test(name)) { skipped.push(path); continue; }
    if (parts.length < 2) throw refuse(`${path} is not in a folder: put each class's images in a folder named after the class`, path);
    images.push({ path, className: parts[parts.length - 2], data: blobOf(f) });
  }
  const classNames = [...new Set(images.map((i) => i.className))].sort();
  if (classNames.length < 2) throw refuse(`found ${classNames.length} class folder${classNames.length === 1 ? ` (${classNames[0]})` : 's'} with images; a classifier needs at least 2`, 'files');
  images.sort((a, b) => a.path.localeCompare(b.path, 'en', { numeric: true }));
  const features = channels * size * size;
  const values = new Float32Array(images.length * features);
  const ctx = new OffscreenCanvas(size, size).getContext('2d', { willReadFrequently: true });
  if (!ctx) throw new InitscopeError('fromImages: no 2d context on an OffscreenCanvas', 'invalid-state');
  ctx.imageSmoothingQuality = 'high';
  for (const [i, image] of images.entries()) {
    let bitmap: ImageBitmap;
    try {
      bitmap = await createImageBitmap(image.data);
    } catch (e) {
      throw new InitscopeError(`fromImages: ${image.path} could not be decoded as an image (${(e as Error).message})`, 'invalid-option', image.path, { cause: e });
    }
    ctx.clearRect(0, 0, size, size);
    ctx.drawImage(bitmap, 0, 0, size, size);
    bitmap.close();
    const rgba = ctx.getImageData(0, 0, size, size).data;
    const row = values.subarray(i * features, (i + 1) * features);
    for (let p = 0; p < size * size; p++) {
      const [r, g, b] = [rgba[4 * p], rgba[4 * p + 1], rgba[4 * p + 2]];
      if (channels === 1) row[p] = (0.299 * r + 0.587 * g + 0.114 * b) / 255;
      else { row[p] = r / 255; row[size * size + p] = g / 255; row[2 * size * size + p] = b / 255; }
    }
  }
  const labelOf = new Map(classNames.map((n, i) => [n, i]));
  const labels = Int32Array.from(images, (i) => labelOf.get(i.className)!);
  return { ...splitPerClass(values, labels, features, classNames.length, testFraction), classNames, size, channels, skipped };
}
