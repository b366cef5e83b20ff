// A layer type added from outside the engine: a WGSL file (fixtures/scale.wgsl), a program
// descriptor and a layer type, inserted into the layer list with no change to the scheduler. The
// net dense -> scale(s) -> dense must match the float64 reference of the same composition,
// forward and backward, and report the new entry's statistics.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createEngine } from 'initscope';
import { createNodeGPU } from 'initscope/node';
import { referenceActivation, referenceBackward, referenceForward, referenceStats } from 'initscope/reference';
import { createMLPWithLayers, defineProgram, foldWorkgroups, makeDispatch } from '../../dist/testing.js';
import { assertClose, random } from './helpers.mjs';

const SCALE = 0.5;
const program = defineProgram({
  name: 'scale',
  shader: { file: 'scale.wgsl', code: readFileSync(new URL('./fixtures/scale.wgsl', import.meta.url), 'utf8'), includes: [] },
  bindings: { params: 'uniform', arena: 'storage' },
  uniform: { struct: 'ScaleParams', fields: { count: 'u32', src_off: 'u32', dst_off: 'u32', s: 'f32' } },
});

const scaleDispatch = (step, label, count, src, dst, reads, writes) => makeDispatch(step.ctx, program, {
  label, constants: {}, buffers: { arena: step.buffers.arena }, uniforms: { count, src_off: src, dst_off: dst, s: SCALE },
  workgroups: foldWorkgroups(step.ctx, Math.ceil(count / 64)), reads, writes,
});

/** The layer type: forward y = s x, backward dx = s dy, and statistics of y as `scaled`. */
const scaleType = {
  scratch: () => ({ partials: 0, storedDz: 0 }),
  forward: async (step, e, io) => [await scaleDispatch(step, `scale ${e.layer}`, step.batch * e.outputWidth, io.input.offset, io.at.out,
    [io.input.name], [e.regions.out.label])],
  backward: async (step, e, io) => [await scaleDispatch(step, `scale ${e.layer} backward`, step.batch * e.outputWidth, io.at.dout,
    io.inputGrad.offset, [e.regions.dout.label], [io.inputGrad.name])],
  stats: (e, batch) => [{ section: 'forward', field: 'scaled', region: 'out', rows: batch, cols: e.outputWidth }],
};

test('a layer type added in a test (scale) runs inside the plan, forward and backward, against float64', async () => {
  const gpu = await createNodeGPU();
  for (const kernels of ['cpu', 'gpu']) {
    const engine = await createEngine({ gpu, kernels });
    const dims = [13, 17, 6];
    const batch = 5;
    const net = createMLPWithLayers(engine, { dims, batch, activation: 'tanh', bias: true }, {
      entries: (base) => [base[0], {
        type: 'scale', layer: 0, inputWidth: dims[1], outputWidth: dims[1], regions: {
          out: { buffer: 'arena', floats: batch * dims[1], label: 'S0' },
          dout: { buffer: 'arena', floats: batch * dims[1], label: 'dS0' },
        },
      }, ...base.slice(1)],
      types: { scale: scaleType },
    });
    const W = [random(dims[0] * dims[1], 1, 0.5), random(dims[1] * dims[2], 2, 0.5)];
    const b = [random(dims[1], 3, 0.2), random(dims[2], 4, 0.2)];
    const X = random(batch * dims[0], 5, 1);
    const G = random(batch * dims[2], 6, 1);
    for (let l = 0; l < 2; l++) await net.setParameters(l, { W: W[l], b: b[l] });
    await net.setInput(X);
    const { forward } = await net.forwardBackward(G);
    const plan = await net.describePlan('forwardBackward');
    assert.match(plan, /scale 0 .*A0 -> S0/, 'the scale dispatch reads A0 and writes S0');
    assert.match(plan, /scale 0 backward .*dS0 -> dA0/, 'its backward reads dS0 and writes dA0');

    // float64: layer 0, then S = s A0, then layer 1 on S; backward through the same chain.
    const act = referenceActivation('tanh');
    const net0 = { dims: dims.slice(0, 2), batch, activation: act, W: [W[0]], b: [b[0]] };
    const net1 = { dims: dims.slice(1), batch, activation: act, W: [W[1]], b: [b[1]] };
    const f0 = referenceForward(net0, X);
    const S = f0.A[0].map((v) => SCALE * v);
    const f1 = referenceForward(net1, S);
    const g1 = referenceBackward(net1, S, f1, G);
    const g0 = referenceBackward(net0, X, f0, g1.dInput[0].map((v) => SCALE * v));

    assertClose(`${kernels} A1`, await net.readActivations(1), f1.A[0], 2e-5, 1e-5);
    const grads = [await net.readGradients(0), await net.readGradients(1)];
    assertClose(`${kernels} dW1`, grads[1].W, g1.dW[0], 1e-5, 1e-4);
    assertClose(`${kernels} dW0`, grads[0].W, g0.dW[0], 1e-5, 1e-4);
    assertClose(`${kernels} dX`, grads[0].input, g0.dInput[0], 1e-5, 1e-4);
    const scaled = forward.layers[0].scaled;
    assert.ok(scaled, 'the new entry reports its statistics as layers[0].scaled');
    const ref = referenceStats(S, batch, dims[1]);
    assert.ok(Math.abs(scaled.std - ref.std) <= 1e-5 + 1e-4 * ref.std, `std of S: ${scaled.std} vs ${ref.std}`);
    net.destroy();
    engine.destroy();
  }
});
