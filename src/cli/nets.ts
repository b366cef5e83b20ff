// --net: 'mlp' (the MLP of --layers and --width), 'lenet5', or a JSON file holding a `layers`
// list (and optionally `input`), as createNet takes them (design.md section 9).
import { readFileSync } from 'node:fs';
import { LENET5_INPUT, LENET5_LAYERS, type LayerOption } from '../index';

/** The layers (and input, where the file or the name gives one) that --net names; undefined for 'mlp'. */
export function netFlag(value: string): { layers: LayerOption[]; input?: number | [number, number, number] } | undefined {
  if (value === 'mlp') return undefined;
  if (value === 'lenet5') return { layers: LENET5_LAYERS, input: LENET5_INPUT };
  let text: string;
  try { text = readFileSync(value, 'utf8'); } catch (e) {
    throw new Error(`--net must be mlp, lenet5 or a JSON file of layers; cannot read ${JSON.stringify(value)}: ${(e as Error).message}`, { cause: e });
  }
  let parsed: unknown;
  try { parsed = JSON.parse(text); } catch (e) { throw new Error(`--net ${value}: not JSON (${(e as Error).message})`, { cause: e }); }
  const o = parsed as { layers?: unknown; input?: unknown } | null;
  if (typeof o !== 'object' || o === null || !Array.isArray(o.layers)) throw new Error(`--net ${value}: must hold an object { layers: [...], input? }`);
  return { layers: o.layers as LayerOption[], ...(o.input !== undefined ? { input: o.input as number | [number, number, number] } : {}) };
}
