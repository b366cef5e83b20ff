// The parameters a net starts with: every W from its initialisation rule, biases, PReLU alphas and
// each layer type's constants (norm's gamma, beta), made on the GPU in one submit (Philox keyed
// by the seed and the layer).
import { initDispatch } from '../kernels/init';
import type { Dispatch } from '../kernels/program';
import { initRule } from '../model/initializers';
import type { NetSpec } from '../model/net';
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

export async function initializeParameters(spec: NetSpec, res: NetResources, executor: PlanExecutor): Promise<void> {
  const dispatches: Dispatch[] = [];
  const scratch: GPUBuffer[] = [];
  for (const layer of spec.layers) {
    if (layer.type !== 'dense' && layer.type !== 'conv') continue;
    const l = layer.index;
    const { entry, index } = weightedOf(res, l);
    const at = res.layout.entries[index].at;
    const f = fans(entry);
    dispatches.push(await initDispatch(res.ctx, { label: `init W${l}`, buffer: res.buffers.own[index].W, offset: 0,
      count: entry.regions.W.floats, seed: spec.seed, stream: l, rule: initRule(layer.init, f.fanIn, f.fanOut) }));
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
