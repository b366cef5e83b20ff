// The parameters a net starts with: every W from its initialisation rule, biases, PReLU alphas and
// each layer type's constants (norm's gamma, beta), made on the GPU in one submit (Philox keyed
// by the seed and the layer).
import { initDispatch } from '../kernels/init';
import type { Dispatch } from '../kernels/program';
import { initRule } from '../model/initializers';
import type { MLPSpec } from '../model/options';
import type { PlanExecutor } from '../scheduler/executor';
import { orthogonalDispatches } from '../scheduler/orthogonal';
import { denseOf } from './readers';
import type { NetResources } from './resources';

export async function initializeParameters(spec: MLPSpec, res: NetResources, executor: PlanExecutor): Promise<void> {
  const dispatches: Dispatch[] = [];
  const scratch: GPUBuffer[] = [];
  for (let l = 0; l < spec.layers; l++) {
    const { entry, index } = denseOf(res, l);
    const at = res.layout.entries[index].at;
    dispatches.push(await initDispatch(res.ctx, { label: `init W${l}`, buffer: res.buffers.own[index].W, offset: 0,
      count: entry.regions.W.floats, seed: spec.seed, stream: l, rule: initRule(spec.init, entry.inputWidth, entry.cols) }));
    if (spec.init.name === 'orthogonal' || spec.init.name === 'lsuv') {
      const n = Math.min(entry.inputWidth, entry.cols);
      const gram = res.allocator.storage(`W${l} orthogonal Gram`, n * n * 4);
      const product = res.allocator.storage(`W${l} orthogonal product`, entry.regions.W.floats * 4);
      scratch.push(gram, product);
      dispatches.push(...await orthogonalDispatches(res.ctx, { label: `W${l}`, W: res.buffers.own[index].W, rows: entry.inputWidth,
        cols: entry.cols, gain: spec.init.gain ?? 1, gram, product, dummy: res.buffers.dummy }));
    }
    if (at.b !== undefined) {
      dispatches.push(await initDispatch(res.ctx, { label: `init b${l}`, buffer: res.buffers.small, offset: at.b,
        count: entry.cols, seed: spec.seed, stream: 0, rule: { mode: 0, scale: 0, value: spec.biasInit ?? 0 } }));
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
