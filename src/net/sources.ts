// What a net is made from: createMLP's options (a net of dense layers, with the too-large hint
// that names a batch and width that fit) or createNet's list of layers, each turned into the
// spec and the layer entries the scheduler runs.
import { LINEAR } from '../model/activations';
import { describeLayers, fuseLayers, type LayerEntry } from '../model/layers';
import { parseNetOptions, type NetOptions, type NetSpec } from '../model/net';
import { mlpAsNetOptions, mlpNetSpec, parseMLPOptions, type MLPOptions } from '../model/options';
import type { KernelContext } from '../kernels/program';
import type { LayerType } from '../scheduler/layerType';
import type { LayerExtension } from './core';
import { fitHint } from './fit';

export interface NetSource {
  where: 'createMLP' | 'createNet';
  spec: NetSpec;
  entries: LayerEntry[];
  /** Layer types beyond the engine's (a test's extension). */
  types?: Record<string, LayerType>;
  /** What fits, for a net too large for the adapter. */
  hint?: (ctx: KernelContext) => string;
  /** The createNet options of the net (a checkpoint's metadata), as plain JSON data. */
  options: unknown;
}

/** The layer entries of a net (also sized, without a GPU, for a too-large net's hint). */
export const netEntries = (spec: NetSpec): LayerEntry[] => fuseLayers(describeLayers(spec), spec.batch, LINEAR);

export function mlpSource(options: MLPOptions, extension?: LayerExtension): NetSource {
  const mlp = parseMLPOptions(options);
  const spec = mlpNetSpec(mlp);
  const base = netEntries(spec);
  const netOptions = mlpAsNetOptions(options);
  if (extension) return { where: 'createMLP', spec, entries: extension.entries(base, mlp), types: extension.types, options: netOptions };
  return { where: 'createMLP', spec, entries: base, hint: (ctx) => fitHint(mlp, ctx, (m) => netEntries(mlpNetSpec(m))), options: netOptions };
}

export function netSource(options: NetOptions): NetSource {
  const spec = parseNetOptions(options);
  return { where: 'createNet', spec, entries: netEntries(spec), options: JSON.parse(JSON.stringify(options)) as unknown };
}
