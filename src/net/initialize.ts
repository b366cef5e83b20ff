// The parameters a net starts with: every W from its initialisation rule, biases, PReLU alphas and
// each layer type's constants (norm's gamma, beta), made on the GPU in one submit (Philox keyed
// by the seed and the layer).
import { initDispatch } from '../kernels/init';
import type { Dispatch } from '../kernels/program';
import { initRule, type InitRule } from '../model/initializers';
import { isWeightedLayer, weightedLayers, type NetSpec, type WeightedLayerSpec } from '../model/net';
import type { PlanExecutor } from '../scheduler/executor';
import { orthogonalDispatches } from '../scheduler/orthogonal';
import { weightedOf } from './readers';
import type { NetResources } from './resources';

/** The fans of a weight tensor and its matrix for orthogonalising: a dense W is Din x Dout; a conv
 *  W [Cout, Cin, kh, kw] has Din = Cin kh kw (the lecture's rule), Dout = Cout kh kw, and is
 *  orthogonalised as the Cout x (Cin kh kw) matrix it is in memory (design.md section 9). */
function fans(entry: ReturnType<typeof weightedOf>['entry']): { fanIn: number; fanOut: number; rows: number; cols: number } {
  if (entry.type === 'dense') return { fanIn: entry.inputWidth, fanOut: entry.cols, rows: entry.inputWidth, cols: entry.cols };
  const s = entry.shape;
  const taps = s.kh * s.kw;
  return { fanIn: s.cin * taps, fanOut: s.cout * taps, rows: s.cout, cols: s.cin * taps };
}

/** Fixup's factor on a layer's kaiming draw (Zhang et al. 2019, design.md section 9): in each of
 *  the L residual blocks of m weighted layers, the branch's last layer is 0 and the others are
 *  scaled by L^(-1/(2m-2)); the net's output layer is 0; every other layer stays kaiming (1). */
export function fixupFactors(spec: NetSpec): Map<number, number> {
  const factors = new Map<number, number>();
  const blocks = spec.layers.filter((l) => l.type === 'residual');
  for (const block of blocks) {
    const branch = block.layers.filter(isWeightedLayer);
    const m = branch.length;
    branch.forEach((layer, j) => factors.set(layer.unit, j === m - 1 ? 0 : blocks.length ** (-1 / (2 * m - 2))));
  }
  const top = spec.layers.filter(isWeightedLayer);
  if (top.length) factors.set(top[top.length - 1].unit, 0);
  return factors;
}

function weightRule(layer: WeightedLayerSpec, fanIn: number, fanOut: number, fixup: Map<number, number>): InitRule {
  const rule = initRule(layer.init, fanIn, fanOut, layer.activation.name);
  if (layer.init.name !== 'fixup') return rule;
  const factor = fixup.get(layer.unit) ?? 1;
  return factor === 0 ? { mode: 0, scale: 0, value: 0 } : { ...rule, scale: rule.scale * factor };
}

export async function initializeParameters(spec: NetSpec, res: NetResources, executor: PlanExecutor): Promise<void> {
  const dispatches: Dispatch[] = [];
  const scratch: GPUBuffer[] = [];
  const fixup = fixupFactors(spec);
  for (const layer of weightedLayers(spec)) {
    const l = layer.unit;
    const { entry, index } = weightedOf(res, l);
    const at = res.layout.entries[index].at;
    const f = fans(entry);
    dispatches.push(await initDispatch(res.ctx, { label: `init W${l}`, buffer: res.buffers.own[index].W, offset: 0,
      count: entry.regions.W.floats, seed: spec.seed, stream: l, rule: weightRule(layer, f.fanIn, f.fanOut, fixup) }));
    if (layer.init.name === 'orthogonal' || layer.init.name === 'lsuv') {
      const n = Math.min(f.rows, f.cols);
      const gram = res.allocator.storage(`W${l} orthogonal Gram`, n * n * 4);
      const product = res.allocator.storage(`W${l} orthogonal product`, entry.regions.W.floats * 4);
      scratch.push(gram, product);
      dispatches.push(...await orthogonalDispatches(res.ctx, { label: `W${l}`, W: res.buffers.own[index].W, rows: f.rows,
        cols: f.cols, gain: layer.init.gain ?? 1, gram, product, dummy: res.buffers.dummy }));
    }
    if (at.b !== undefined) {
      dispatches.push(await initDispatch(res.ctx, { label: `init b${l}`, buffer: res.buffers.small, offset: at.b,
        count: entry.cols, seed: spec.seed, stream: 0, rule: { mode: 0, scale: 0, value: layer.biasInit ?? 0 } }));
    }
    if (at.alpha !== undefined) {
      dispatches.push(await initDispatch(res.ctx, { label: `init alpha${l}`, buffer: res.buffers.small, offset: at.alpha,
        count: entry.outputWidth, seed: spec.seed, stream: 0, rule: { mode: 0, scale: 0, value: entry.activation.param } }));
    }
  }
  for (const [i, entry] of res.entries.entries()) {
    for (const [name, value] of Object.entries(res.graph.types[i].constants?.(entry) ?? {})) {
      const region = entry.regions[name];
      dispatches.push(await initDispatch(res.ctx, { label: `init ${region.label}`, buffer: region.buffer === 'small' ? res.buffers.small : res.buffers.arena,
        offset: res.layout.entries[i].at[name], count: region.floats, seed: spec.seed, stream: 0, rule: { mode: 0, scale: 0, value } }));
    }
  }
  await executor.submitOnce({ name: 'initialise parameters', dispatches });
  dispatches.forEach((d) => d.owned.forEach((b) => res.allocator.release(b)));
  scratch.forEach((b) => res.allocator.release(b));
}
