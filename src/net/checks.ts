// The refusals of a net's per-layer calls, apart from running them: a layer index or path that
// names a layer with a W, and setParameters' arrays against that layer's shapes. Each names the
// field, the value and what is allowed (model/errors.ts).
import { invalid, refuseUnknownKeys } from '../model/errors';
import { isWeightedLayer, resolveLayer, weightedLayers, type NetSpec, type WeightedLayerSpec } from '../model/net';
import type { EntryLayout } from '../model/layout';
import { checkArray } from '../model/options';
import { weightedOf } from './readers';
import type { NetResources } from './resources';

/** Refuses a layer index or path that is out of range or names a layer without a W (pool, flatten, dropout, a block). */
export function checkWeighted(spec: NetSpec, where: string, l: unknown): WeightedLayerSpec {
  const layer = resolveLayer(where, spec, l);
  if (!isWeightedLayer(layer)) {
    const known = weightedLayers(spec).map((x) => (x.path.length > 1 ? `[${x.path.join(', ')}]` : String(x.index)));
    const what = spec.units.length > spec.layers.length ? 'index or path' : 'index';
    throw invalid(where, 'layer', l, `the ${what} of a dense or conv layer (${known.join(', ')}); layer ${JSON.stringify(l)} is a ${layer.type}`);
  }
  return layer;
}

/** setParameters' layer and arrays checked against its W, b and alpha; the entry's index and where its small parameters are. */
export function checkParameters(spec: NetSpec, res: NetResources, where: string, l: unknown,
  params: { W?: Float32Array; b?: Float32Array; alpha?: Float32Array }): { index: number; at: EntryLayout['at'] } {
  const layer = checkWeighted(spec, where, l);
  const { entry, index } = weightedOf(res, layer.unit);
  const at = res.layout.entries[index].at;
  if (typeof params !== 'object' || params === null) throw invalid(where, 'params', params, 'an object { W?, b?, alpha? }');
  refuseUnknownKeys(where, undefined, params, ['W', 'b', 'alpha']);
  if (params.W !== undefined) {
    const s = entry.type === 'conv' ? entry.shape : undefined;
    checkArray(where, 'W', params.W, entry.regions.W.floats, s
      ? `Cout x Cin x kh x kw = ${s.cout} x ${s.cin} x ${s.kh} x ${s.kw}, row-major (Conv2d.weight)`
      : `dims[l] x ${entry.activation.pieces > 1 ? 'k*' : ''}dims[l+1] = ${entry.inputWidth} x ${entry.cols}, row-major`);
  }
  if (params.b !== undefined) {
    if (at.b === undefined) throw invalid(where, 'b', params.b, 'absent: this net was made with bias: false');
    checkArray(where, 'b', params.b, entry.cols, `${entry.cols} columns`);
  }
  if (params.alpha !== undefined) {
    if (at.alpha === undefined) throw invalid(where, 'alpha', params.alpha, `absent: only prelu has alpha (activation is ${entry.activation.name})`);
    checkArray(where, 'alpha', params.alpha, entry.outputWidth, `one per unit = ${entry.outputWidth}`);
  }
  return { index, at };
}
