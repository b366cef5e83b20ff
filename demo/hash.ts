// The URL hash of both views: each key names a form field and a parser; a value a parser refuses
// becomes the default and a note (text, never HTML). Unknown keys are ignored.

/** Turns the text of one hash value into a setting, or undefined when it is not allowed. */
export type Parse<T> = (raw: string) => T | undefined;

export const oneOf = <T extends string>(values: readonly T[]): Parse<T> => (raw) => ((values as readonly string[]).includes(raw) ? raw as T : undefined);

export const integer = (lo: number, hi: number): Parse<number> => (raw) => {
  if (!/^\d{1,10}$/.test(raw)) return undefined;
  const n = Number(raw);
  return n >= lo && n <= hi ? n : undefined;
};

/** A decimal in [lo, hi] (`exclusiveLo`: above lo); no NaN, Infinity, hex or empty text. */
export const decimal = (lo: number, hi: number, exclusiveLo = false): Parse<number> => (raw) => {
  if (!/^-?\d*\.?\d+(e[-+]?\d+)?$/i.test(raw)) return undefined;
  const n = Number(raw);
  return Number.isFinite(n) && (exclusiveLo ? n > lo : n >= lo) && n <= hi ? n : undefined;
};

export const flag: Parse<boolean> = (raw) => (raw === '1' ? true : raw === '0' ? false : undefined);

/** One hash key: the state field it sets and how its text is read. */
export interface HashField<S> { key: keyof S; parse: Parse<S[keyof S]> }

/** Parses `hash` over `defaults`; returns the state and one note per refused value. */
export function parseFields<S extends object>(hash: string, defaults: S, fields: Record<string, HashField<S>>): { state: S; notes: string[] } {
  const state = { ...defaults };
  const notes: string[] = [];
  for (const [name, raw] of new URLSearchParams(hash.replace(/^#/, ''))) {
    const field = Object.hasOwn(fields, name) ? fields[name] : undefined;
    if (!field) continue;
    const value = field.parse(raw);
    if (value === undefined) {
      notes.push(`"${name}" in the URL was ${JSON.stringify(raw.slice(0, 40))}, which is not allowed; using ${JSON.stringify(defaults[field.key])}.`);
    } else state[field.key] = value;
  }
  return { state, notes };
}
