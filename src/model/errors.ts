/** What kind of refusal an {@link InitscopeError} is; programs branch on this, people read the message. */
export type ErrorCode =
  /** An option or argument is of the wrong type, out of range or unknown (`field` names it). */
  | 'invalid-option'
  /** A buffer or dispatch would exceed the adapter's limits. */
  | 'too-large'
  /** The call needs something that has not happened yet (no input, stale forward, no gradients). */
  | 'invalid-state'
  /** WebGPU is missing, or no adapter was found. */
  | 'no-webgpu'
  /** The GPU device was lost (driver reset, background tab, `device.destroy()`). */
  | 'device-lost'
  /** The net or the engine was destroyed. */
  | 'destroyed'
  /** The GPU could not allocate a net's buffers; the engine stays usable. */
  | 'out-of-memory'
  /** The GPU reported an error (validation, out of memory) or a kernel failed to compile. */
  | 'gpu-error';

/** Every refusal of the engine: names the field, the value given and what is allowed, and carries
 *  a machine-readable `code` (and `field` for option errors). */
export class InitscopeError extends Error {
  /** What kind of refusal this is. */
  readonly code: ErrorCode;
  /** The option or argument at fault (`dims[1]`, `histogram.bins`, ...), for `invalid-option`. */
  readonly field?: string;

  constructor(message: string, code: ErrorCode, field?: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'InitscopeError';
    this.code = code;
    if (field !== undefined) this.field = field;
  }
}

export function describeValue(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (value instanceof Float32Array) return `Float32Array(${value.length})`;
  if (ArrayBuffer.isView(value)) return `${value.constructor.name}(${(value as unknown as { length: number }).length})`;
  if (Array.isArray(value)) return `[${value.map(describeValue).join(', ')}]`;
  if (value && typeof value === 'object') {
    try { return JSON.stringify(value); } catch { return Object.prototype.toString.call(value); }
  }
  return String(value);
}

/** `where: field must be allowed, got value`, with code 'invalid-option'. */
export function invalid(where: string, field: string, value: unknown, allowed: string): InitscopeError {
  return new InitscopeError(`${where}: ${field} must be ${allowed}, got ${describeValue(value)}`, 'invalid-option', field);
}

/** Runs `validate` now; a refusal becomes a rejected promise, never a synchronous throw (design.md
 *  section 2), and `then` runs with what validate returned. */
export function validated<V, T>(validate: () => V, then: (v: V) => Promise<T>): Promise<T> {
  let v: V;
  try { v = validate(); } catch (e) { return Promise.reject(e instanceof Error ? e : new Error(String(e))); }
  return then(v);
}

/** Refuses the first key of `o` not in `known`: `where: field.key must be absent (known: ...)`;
 *  `field` prefixes the key when the object is an option's value (`optimizer.lr`). */
export function refuseUnknownKeys(where: string, field: string | undefined, o: object, known: readonly string[], allowed = `absent (known: ${known.join(', ')})`): void {
  for (const [key, value] of Object.entries(o)) {
    if (!known.includes(key)) throw invalid(where, field === undefined ? key : `${field}.${key}`, value, allowed);
  }
}

export function isPositiveInteger(v: unknown): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v > 0;
}
