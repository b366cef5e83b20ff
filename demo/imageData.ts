// Your own images in the training view: a folder with a folder of images per class (chosen with
// the folder input or dropped on the view) becomes the dataset 'images' (initscope/data's
// fromImages: 28 x 28 grey, the same per-class split as MNIST). Its shape and class counts are
// shown; a broken image gets a note that names the file, and the page goes on with the data it had.
import { fromImages, standardize, type Dataset, type ImageFile, type ImagesDataset } from '../src/data/index';
import { $ } from './dom';

/** The folder in use. */
let current: { name: string; data: ImagesDataset } | undefined;

/** The dataset of the folder in use, standardised (rejects when none was loaded). */
export function imagesDataset(): Promise<Dataset> {
  return current ? Promise.resolve(standardize(current.data))
    : Promise.reject(new Error('dataset images: drop a folder on the page or choose one (a folder of images per class)'));
}

/** Every file under a dropped folder, with its path from the folder's parent. */
async function filesUnder(entry: FileSystemEntry): Promise<ImageFile[]> {
  if (entry.isFile) {
    const file = await new Promise<File>((resolve, reject) => { (entry as FileSystemFileEntry).file(resolve, reject); });
    return [{ path: entry.fullPath.replace(/^\//, ''), data: file }];
  }
  const reader = (entry as FileSystemDirectoryEntry).createReader();
  const children: FileSystemEntry[] = [];
  // readEntries answers in batches (100 in Chromium) until it answers none.
  for (;;) {
    const batch = await new Promise<FileSystemEntry[]>((resolve, reject) => { reader.readEntries(resolve, reject); });
    if (batch.length === 0) break;
    children.push(...batch);
  }
  return (await Promise.all(children.map(filesUnder))).flat();
}

/** Wires the folder input and the folder drop; `use` is called once a folder has loaded. */
export function setupImages(notes: (lines: string[]) => void, use: () => void): void {
  const input = $<HTMLInputElement>('train-images');
  const info = $('train-images-info');
  const load = async (name: string, files: Iterable<File | ImageFile>) => {
    info.textContent = `${name}: reading...`;
    info.className = '';
    try {
      const data = await fromImages(files);
      current = { name, data };
      info.textContent = `${name}: ${data.train.labels.length} training and ${data.test.labels.length} test images, ${data.size} x ${data.size} grey; ` +
        `classes ${data.classNames.map((c, i) => `${c} (${data.counts[i]})`).join(', ')}` + (data.skipped.length ? `; ${data.skipped.length} other file${data.skipped.length === 1 ? '' : 's'} passed over` : '');
      use();
    } catch (e) {
      info.textContent = `${name}: ${(e as Error).message}`;
      info.className = 'error';
      notes([`${name} was not loaded: ${(e as Error).message}`]);
    }
  };
  input.addEventListener('change', () => {
    const files = [...(input.files ?? [])];
    if (files.length) void load(files[0].webkitRelativePath.split('/')[0] || 'the folder', files);
  });
  $('train-view').addEventListener('drop', (e) => {
    const entry = e.dataTransfer?.items[0]?.webkitGetAsEntry();
    if (!entry?.isDirectory) return;
    e.preventDefault();
    void filesUnder(entry).then((files) => load(entry.name, files), (err: unknown) => notes([`${entry.name} was not read: ${(err as Error).message}`]));
  });
}
