/** Every refusal of the engine: names the field, the value given and what is allowed. */
export class InitscopeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InitscopeError';
  }
}

export function describeValue(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (value instanceof Float32Array) return `Float32Array(${value.length})`;
  if (ArrayBuffer.isView(value)) return `${value.constructor.name}(${(value as unknown as { length: number }).length})`;
  if (Array.isArray(value)) return `[${value.map(describeValue).join(', ')}]`;
  if (value && typeof value === 'object') {
    try { return JSON.stringify(value); } catch { return String(value); }
  }
  return String(value);
}

/** `where: field must be allowed, got value` */
export function invalid(where: string, field: string, value: unknown, allowed: string): InitscopeError {
  return new InitscopeError(`${where}: ${field} must be ${allowed}, got ${describeValue(value)}`);
}

export function isPositiveInteger(v: unknown): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v > 0;
}
