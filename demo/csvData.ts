// Your own data in the training view: a CSV file dropped on the view or chosen with the file
// input becomes the dataset 'csv' (initscope/data's fromCSV, the same per-class split as MNIST).
// Its shape and class counts are shown; a broken file gets a note that names the row, and the
// page goes on with the data it had.
import { fromCSV, standardize, type CSVDataset } from '../src/data/index';
import { $ } from './dom';

/** The CSV file in use: its text and the label column chosen. */
let current: { name: string; text: string; label: string; data: CSVDataset } | undefined;

/** The dataset of the file in use, standardised (rejects when none was loaded). */
export function csvDataset(): Promise<CSVDataset> {
  return current ? Promise.resolve({ ...current.data, ...standardize(current.data) })
    : Promise.reject(new Error('dataset csv: drop a CSV file on the page or choose one (a header row, one column the class)'));
}

/** Header cells of a CSV text (the first line, split on commas, quotes stripped). */
const headerOf = (text: string) => (text.split(/\r?\n/, 1)[0] ?? '').split(',').map((c) => c.trim().replace(/^"|"$/g, ''));

/** Wires the file input, the drop target and the label select; `use` is called with a loaded file. */
export function setupCSV(notes: (lines: string[]) => void, use: () => void): void {
  const input = $<HTMLInputElement>('train-csv');
  const label = $<HTMLSelectElement>('train-csv-label');
  const info = $('train-csv-info');
  const load = (name: string, text: string, column?: string) => {
    const header = headerOf(text);
    const chosen = column && header.includes(column) ? column : header[header.length - 1];
    try {
      const data = fromCSV(text, { label: chosen });
      current = { name, text, label: chosen, data };
      label.replaceChildren(...header.map((h) => Object.assign(document.createElement('option'), { value: h, textContent: h, selected: h === chosen })));
      info.textContent = `${name}: ${data.train.labels.length} training and ${data.test.labels.length} test rows, ${data.features} features; ` +
        `classes ${data.classNames.map((c, i) => `${c} (${data.counts[i]})`).join(', ')}`;
      info.className = '';
      use();
    } catch (e) {
      info.textContent = `${name}: ${(e as Error).message}`;
      info.className = 'error';
      notes([`${name} was not loaded: ${(e as Error).message}`]);
    }
  };
  const read = (file: File) => { void file.text().then((text) => load(file.name, text)); };
  input.addEventListener('change', () => { if (input.files?.[0]) read(input.files[0]); });
  label.addEventListener('change', () => { if (current) load(current.name, current.text, label.value); });
  const view = $('train-view');
  view.addEventListener('dragover', (e) => e.preventDefault());
  view.addEventListener('drop', (e) => {
    const file = e.dataTransfer?.files[0];
    // A .json file is a saved run (train.ts opens it), a folder is images (imageData.ts).
    if (!file || file.name.endsWith('.json') || e.dataTransfer?.items[0]?.webkitGetAsEntry()?.isDirectory) return;
    e.preventDefault();
    read(file);
  });
}
