/** An adapter as a file-name part. */
export function adapterSlug(info: { description?: string; architecture?: string }): string;
/** Writes `result` as JSON to `dir`/<date>-<kind>-<adapter><suffix>.json and returns the path. */
export function saveResult(dir: string, name: { date: string; kind: string; adapter: { description?: string; architecture?: string }; suffix?: string }, result: unknown): string;
