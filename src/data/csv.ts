// Your own data as a dataset (design.md section 7's split rules): a CSV file with a header row,
// one column holding the class and every other column a number. Parsed with papaparse; every
// refusal names the row (1-based, as a spreadsheet shows it, the header being row 1) or the column.
import Papa from 'papaparse';
import { InitscopeError, invalid } from '../model/errors';
import { splitPerClass } from './split';
import type { Dataset } from './types';

/** Options of {@link fromCSV}. */
export interface CSVOptions {
  /** The header name of the column that holds the class (any values: numbers or names). */
  label: string;
  /** Per class, the last fraction of its rows in file order are the test set (default 0.2, as MNIST's). */
  testFraction?: number;
}

/** A dataset from a CSV file, with the class names in the order of their labels. */
export interface CSVDataset extends Dataset {
  classNames: string[];
  /** The feature columns' names, in order. */
  columns: string[];
  /** Rows per class, in the order of classNames. */
  counts: number[];
}

const refuse = (message: string, field: string) => new InitscopeError(`fromCSV: ${message}`, 'invalid-option', field);

/** Parses `text` (a header row, then one row per example) into a dataset: features from every
 *  column but `label`, classes from `label`'s distinct values (sorted: as numbers when all are
 *  numbers, else as text), and per class the last `testFraction` (rounded down) of its rows the
 *  test set. Refuses ragged rows, non-numeric cells, a missing label column and fewer than two classes. */
export function fromCSV(text: string, options: CSVOptions): CSVDataset {
  if (typeof text !== 'string') throw invalid('fromCSV', 'text', text, 'the CSV file as a string');
  if (typeof options !== 'object' || options === null || typeof options.label !== 'string') {
    throw invalid('fromCSV', 'options.label', (options as Partial<CSVOptions> | null)?.label, 'the name of the column that holds the class');
  }
  const testFraction = options.testFraction ?? 0.2;
  if (typeof testFraction !== 'number' || !(testFraction >= 0 && testFraction < 1)) throw invalid('fromCSV', 'testFraction', testFraction, 'a number in [0, 1)');
  const parsed = Papa.parse<string[]>(text.trim(), { skipEmptyLines: true });
  const error = parsed.errors[0];
  if (error) throw refuse(`row ${(error.row ?? 0) + 1}: ${error.message}`, `row ${(error.row ?? 0) + 1}`);
  const [header, ...rows] = parsed.data;
  if (!header || rows.length === 0) throw refuse('the file needs a header row and at least one row of data', 'text');
  const labelAt = header.indexOf(options.label);
  if (labelAt < 0) throw refuse(`no column ${JSON.stringify(options.label)} in the header (columns: ${header.join(', ')})`, 'options.label');
  const columns = header.filter((_, i) => i !== labelAt);
  if (columns.length === 0) throw refuse('the file has no feature column besides the label', 'text');
  const values = new Float32Array(rows.length * columns.length);
  const names: string[] = [];
  rows.forEach((row, r) => {
    if (row.length !== header.length) throw refuse(`row ${r + 2} has ${row.length} cells, the header ${header.length}`, `row ${r + 2}`);
    let f = 0;
    row.forEach((cell, c) => {
      if (c === labelAt) { names.push(cell.trim()); return; }
      const v = cell.trim() === '' ? NaN : Number(cell);
      if (!Number.isFinite(v)) throw refuse(`row ${r + 2}, column ${JSON.stringify(header[c])}: ${JSON.stringify(cell)} is not a number`, `row ${r + 2}`);
      values[r * columns.length + f++] = v;
    });
  });
  const distinct = [...new Set(names)];
  const numeric = distinct.every((n) => n !== '' && Number.isFinite(Number(n)));
  const classNames = distinct.sort(numeric ? (a, b) => Number(a) - Number(b) : undefined);
  if (classNames.length < 2) throw refuse(`column ${JSON.stringify(options.label)} has ${classNames.length} class (${classNames.join(', ')}); a classifier needs at least 2`, 'options.label');
  const labelOf = new Map(classNames.map((n, i) => [n, i]));
  const labels = Int32Array.from(names, (n) => labelOf.get(n)!);
  return { ...splitPerClass(values, labels, columns.length, classNames.length, testFraction), classNames, columns };
}
