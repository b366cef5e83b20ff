// The flags both commands share, parsed with node:util's parseArgs: the net's activation and
// init (with their parameters), numbers checked by name, and one way to refuse a bad command line.
import { parseArgs } from 'node:util';
import type { ActivationOption, InitOption } from '../index';

type FlagSpec = { type: 'string' | 'boolean'; short?: string; multiple?: boolean; default?: string | boolean | string[] };

/** --act NAME with --slope, --alpha, --k; --init NAME with --std, --value; --seed. */
export const NET_FLAGS = {
  act: { type: 'string', default: 'tanh' }, slope: { type: 'string' }, alpha: { type: 'string' }, k: { type: 'string' },
  init: { type: 'string', default: 'xavier' }, std: { type: 'string' }, value: { type: 'string' },
  seed: { type: 'string', default: '0' }, help: { type: 'boolean', short: 'h', default: false },
} as const;

/** Strict parseArgs: an unknown flag or a flag without its value is refused (the message names it). */
export function parseFlags<O extends Record<string, FlagSpec>>(argv: string[], options: O) {
  return parseArgs({ args: argv, options, strict: true, allowPositionals: false }).values;
}

/** The number a flag holds, or an error naming the flag and what it got. */
export function numberFlag(name: string, v: string | boolean | undefined, integer: boolean): number {
  const n = Number(v);
  if (typeof v !== 'string' || v === '' || !Number.isFinite(n) || (integer && !Number.isInteger(n))) {
    throw new Error(`--${name} needs ${integer ? 'an integer' : 'a number'}, got ${JSON.stringify(v)}`);
  }
  return n;
}

const optional = (name: string, v: string | undefined, integer = false) => (v === undefined ? undefined : numberFlag(name, v, integer));

/** The activation option of --act and its parameter flags (a name alone when none is given). */
export function activationOf(v: { act: string; slope?: string; alpha?: string; k?: string }): ActivationOption {
  const params = { slope: optional('slope', v.slope), alpha: optional('alpha', v.alpha), k: optional('k', v.k, true) };
  const given = Object.fromEntries(Object.entries(params).filter(([, p]) => p !== undefined));
  return (Object.keys(given).length ? { name: v.act, ...given } : v.act) as ActivationOption;
}

/** The init option of --init and its parameter flags. */
export function initOf(v: { init: string; std?: string; value?: string }): InitOption {
  const params = { std: optional('std', v.std), value: optional('value', v.value) };
  const given = Object.fromEntries(Object.entries(params).filter(([, p]) => p !== undefined));
  return (Object.keys(given).length ? { name: v.init, ...given } : v.init) as InitOption;
}

/** Runs `parse`; a refusal prints `command: message` and the usage and gives exit code 2. */
export function parseOrUsage<T>(command: string, usage: string, parse: () => T): T | number {
  try {
    return parse();
  } catch (e) {
    console.error(`${command}: ${(e as Error).message}\n\n${usage}`);
    return 2;
  }
}
