// The one naming of stored runs: bench/results/<date>-<kind>-<adapter>[<suffix>].json, used by the
// Node and browser benchmarks and by the table scripts (scripts/*-table.mjs).
import { mkdirSync, writeFileSync } from 'node:fs';

/** The adapter as a file-name part: its description (else architecture), lower-case, dashed. */
export function adapterSlug(info) {
  return (info.description || info.architecture || 'adapter').replace(/[^a-z0-9]+/gi, '-').toLowerCase();
}

/** Writes `result` as JSON under `dir` and returns the file's path. */
export function saveResult(dir, { date, kind, adapter, suffix = '' }, result) {
  mkdirSync(dir, { recursive: true });
  const file = `${dir}/${date}-${kind}-${adapterSlug(adapter)}${suffix}.json`;
  writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
  return file;
}
