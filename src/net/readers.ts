// Reading tensors of a net back to the CPU, by the user's layer index.
import { InitscopeError } from '../model/errors';
import { isNorm, isWeighted, type ConvEntry, type DenseEntry, type LayerEntry, type NormEntry } from '../model/layers';
import { inputGradOffset } from '../model/layout';
import { pathName, type LayerSpec, type NetSpec } from '../model/net';
import type { PlanExecutor } from '../scheduler/executor';
import type { NetResources } from './resources';

/** The dense or conv entry of the layer with unit `unit` (the one with its W), and its index in the entry list. */
export function weightedOf(res: { entries: LayerEntry[] }, unit: number): { entry: DenseEntry | ConvEntry; index: number } {
  const index = res.entries.findIndex((e) => isWeighted(e) && e.layer === unit);
  return { entry: res.entries[index] as DenseEntry | ConvEntry, index };
}

/** The entry whose output is a layer's activation: its last entry (a block's: its join); a
 *  flatten, a view, has none of its own: the layer's before it (-1: the input X). */
function activationEntry(res: NetResources, spec: NetSpec, layer: LayerSpec): number {
  if (layer.path.length > 1) return res.entries.reduce((found, e, i) => (e.layer === layer.unit ? i : found), -1);
  const top = (unit: number) => spec.units[unit].path[0];
  return res.entries.reduce((found, e, i) => (top(e.layer) <= layer.index ? i : found), -1);
}

/** A_l (the output of the layer's last entry; a flatten's is its input's) or Z_l (its dense or
 *  conv entry's linear output). */
export function readRegion(res: NetResources, exec: PlanExecutor, spec: NetSpec, layer: LayerSpec, region: 'out' | 'z'): Promise<Float32Array> {
  if (region === 'z') {
    const { entry, index } = weightedOf(res, layer.unit);
    return exec.readRegion(res.buffers.arena, res.layout.entries[index].at.z, entry.regions.z.floats, entry.regions.z.label);
  }
  const last = activationEntry(res, spec, layer);
  if (last < 0) return exec.readRegion(res.buffers.arena, res.layout.x, res.batch * res.entries[0].inputWidth, 'X');
  const out = res.entries[last];
  return exec.readRegion(res.buffers.arena, res.layout.entries[last].at.out, res.batch * out.outputWidth, `A${pathName(layer.path)}`);
}

/** The parameters of one layer: W (dims[l] x pieces*dims[l+1]), and b, PReLU alpha and the
 *  norm's gamma and beta where the net has them. */
export interface LayerParameters { W: Float32Array; b?: Float32Array; alpha?: Float32Array; gamma?: Float32Array; beta?: Float32Array }

/** The norm entry of user layer l's, if the net has one there. */
function normOf(res: NetResources, l: number): { at: Record<string, number>; units: number } | undefined {
  const index = res.entries.findIndex((e) => isNorm(e) && e.layer === l);
  return index < 0 ? undefined : { at: res.layout.entries[index].at, units: (res.entries[index] as NormEntry).channels };
}

export async function readParameters(res: NetResources, exec: PlanExecutor, l: number): Promise<LayerParameters> {
  // l: the layer's unit (entries and labels key layers by it).
  const { entry, index } = weightedOf(res, l);
  const at = res.layout.entries[index].at;
  const W = await exec.readRegion(res.buffers.own[index].W, 0, entry.regions.W.floats, `W${l}`);
  const b = at.b !== undefined ? await exec.readRegion(res.buffers.small, at.b, entry.cols, `b${l}`) : undefined;
  const alpha = at.alpha !== undefined ? await exec.readRegion(res.buffers.small, at.alpha, entry.outputWidth, `alpha${l}`) : undefined;
  const norm = normOf(res, l);
  const gamma = norm && await exec.readRegion(res.buffers.small, norm.at.gamma, norm.units, `gamma${l}`);
  const beta = norm && await exec.readRegion(res.buffers.small, norm.at.beta, norm.units, `beta${l}`);
  return { W, ...(b ? { b } : {}), ...(alpha ? { alpha } : {}), ...(gamma && beta ? { gamma, beta } : {}) };
}

/** Gradients of one layer after a backward: dL/dW, dL/db, dL/dalpha, the norm's dL/dgamma and
 *  dL/dbeta, and dL/d(input) (dL/dX for layer 0; for the first layer of a residual block's branch,
 *  the part of the block input's gradient that flows through the branch). */
export interface LayerGradients { W: Float32Array; b?: Float32Array; alpha?: Float32Array; gamma?: Float32Array; beta?: Float32Array; input: Float32Array }

export async function readGradients(res: NetResources, exec: PlanExecutor, l: number): Promise<LayerGradients> {
  if (!res.hasGradients) throw new InitscopeError('readGradients: no gradients yet; call net.backward() first', 'invalid-state');
  const { entry, index } = weightedOf(res, l);
  const at = res.layout.entries[index].at;
  const arena = res.buffers.arena;
  const W = await exec.readRegion(res.buffers.own[index].dW, 0, entry.regions.dW.floats, `dW${l}`);
  const b = at.db !== undefined ? await exec.readRegion(arena, at.db, entry.cols, `db${l}`) : undefined;
  const alpha = at.dalpha !== undefined ? await exec.readRegion(arena, at.dalpha, entry.outputWidth, `dalpha${l}`) : undefined;
  const input = await exec.readRegion(arena, inputGradOffset(res.layout, index), res.batch * entry.inputWidth, `dL/d(input of ${entry.regions.W.label})`);
  const norm = normOf(res, l);
  const gamma = norm && await exec.readRegion(arena, norm.at.dgamma, norm.units, `dgamma${l}`);
  const beta = norm && await exec.readRegion(arena, norm.at.dbeta, norm.units, `dbeta${l}`);
  return { W, ...(b ? { b } : {}), ...(alpha ? { alpha } : {}), ...(gamma && beta ? { gamma, beta } : {}), input };
}
