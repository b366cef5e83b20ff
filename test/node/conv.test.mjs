// Conv and pool layers (createNet, design.md section 9) on the GPU against float64: forward (Z, A of
// every layer), backward (dW, db, dX of every layer), on both kernel sets, with strides 1 and 2,
// padding 0..2 (also as large as the filter or larger: 1x1, 3x2, 2x3 with padding 2), kh != kw, Cin 1 and 3, batch 1 and 3, sizes that are not tile multiples,
// inputs wide enough for the interior (bounds-free) path beside the border, and every
// output poisoned with NaN first; then three training steps (SGD momentum, Adam) against float64.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createEngine } from 'initscope';
import { createNodeGPU } from 'initscope/node';
import { referenceActivation, referenceLayersBackward, referenceLayersForward, referenceLayersTraining, referenceLayersTrainStep } from 'initscope/reference';
import { poisonForTesting } from '../../dist/testing.js';
import { assertClose, random } from './helpers.mjs';

const gpu = await createNodeGPU();
const engines = { cpu: await createEngine({ gpu, kernels: 'cpu' }), gpu: await createEngine({ gpu, kernels: 'gpu' }) };

/** Two nets of every layer type; shapes written out by hand from design.md's output-size rule. */
const NETS = [
  {
    name: 'Cin 3, 3x2 filter, stride 2, padding 1, max pool, tanh',
    input: [3, 7, 6], activation: 'tanh',
    layers: [
      { type: 'conv', filters: 4, size: [3, 2], stride: 2, padding: 1 },   // [4, 4, 4]
      { type: 'maxpool', size: 2 },                                         // [4, 2, 2]
      { type: 'flatten' },                                                  // [16]
      { type: 'dense', units: 5, activation: 'linear' },
    ],
    shapes: [[4, 4, 4], [4, 2, 2], [16], [5]],
  },
  {
    name: 'Cin 1, 5x5 padding 2, avg pool 3 stride 2, 3x3 conv without padding, relu, no bias',
    input: [1, 9, 9], activation: 'relu', bias: false,
    layers: [
      { type: 'conv', filters: 2, size: 5, padding: 2 },                   // [2, 9, 9]
      { type: 'avgpool', size: 3, stride: 2 },                              // [2, 4, 4]
      { type: 'conv', filters: 3, size: 3, activation: 'gelu' },           // [3, 2, 2]
      { type: 'flatten' },
      { type: 'dense', units: 3, activation: 'linear' },
    ],
    shapes: [[2, 9, 9], [2, 4, 4], [3, 2, 2], [12], [3]],
  },
  {
    name: 'max pool ties (inputs in {-1, 0, 1}, a linear 1x1 conv): the gradient goes to the first arg-max',
    input: [1, 4, 6], activation: 'linear', ties: true,
    layers: [
      { type: 'conv', filters: 2, size: 1 },                               // [2, 4, 6]
      { type: 'maxpool', size: 2 },                                         // [2, 2, 3]
      { type: 'flatten' },
      { type: 'dense', units: 3 },
    ],
    shapes: [[2, 4, 6], [2, 2, 3], [12], [3]],
  },
  {
    name: 'padding 2 with kernels 3x2, 2x3 and 1x1 (windows of only padding give the bias), strides 1 and 2, tanh',
    input: [2, 5, 4], activation: 'tanh',
    layers: [
      { type: 'conv', filters: 3, size: [3, 2], padding: 2 },              // [3, 7, 7]
      { type: 'conv', filters: 2, size: [2, 3], stride: 2, padding: 2 },   // [2, 5, 5]
      { type: 'conv', filters: 3, size: 1, stride: 2, padding: 2 },        // [3, 5, 5]
      { type: 'conv', filters: 2, size: 1, padding: 2 },                   // [2, 9, 9]
      { type: 'flatten' },
      { type: 'dense', units: 3, activation: 'linear' },
    ],
    shapes: [[3, 7, 7], [2, 5, 5], [3, 5, 5], [2, 9, 9], [162], [3]],
  },
  {
    // Wide enough that most threads take conv.wgsl's bounds-free interior path (forward, dX at
    // stride 1, dW) and the rest its guarded border, in the same dispatch.
    name: 'interior and border: 3x3 padding 1 and 5x5 padding 2 on 12 x 13, Cin 3, relu',
    input: [3, 12, 13], activation: 'relu',
    layers: [
      { type: 'conv', filters: 5, size: 3, padding: 1 },                   // [5, 12, 13]
      { type: 'conv', filters: 6, size: 5, padding: 2 },                   // [6, 12, 13]
      { type: 'maxpool', size: 2 },                                         // [6, 6, 6]
      { type: 'flatten' },
      { type: 'dense', units: 3, activation: 'linear' },
    ],
    shapes: [[5, 12, 13], [6, 12, 13], [6, 6, 6], [216], [3]],
  },
  {
    // More than 16 filters and channels: conv_gemm.wgsl's 64 x 64 tile (the 'gpu' set) in the
    // forward, dX and dW of the first conv, and the 16 x 128 tile for the second's dW; on the 'cpu'
    // set conv_padded.wgsl's window at 3 channels a thread over 33 filters (forward) and at one
    // over the third conv's 17 input channels (its dX: no wider group divides 17).
    name: 'wide layers: 33 filters 3x3 padding 1, 17 filters 1x1 stride 2 on 33 channels, 3x3 padding 1 on 17, gelu',
    input: [2, 5, 4], activation: 'gelu',
    layers: [
      { type: 'conv', filters: 33, size: 3, padding: 1 },                  // [33, 5, 4]
      { type: 'conv', filters: 17, size: 1, stride: 2 },                   // [17, 3, 2]
      { type: 'conv', filters: 3, size: 3, padding: 1 },                   // [3, 3, 2]
      { type: 'flatten' },
      { type: 'dense', units: 3, activation: 'linear' },
    ],
    shapes: [[33, 5, 4], [17, 3, 2], [3, 3, 2], [18], [3]],
  },
  {
    // conv_padded.wgsl's window on the 'cpu' set: a 7-wide kernel (its widest) with dX over 4
    // channels a thread, rows of two 8-column segments, the last partly past the row; an 8-wide
    // kernel at stride 1 takes conv.wgsl's forward and dX beside the padded dW.
    name: 'kernels 7 and 8 wide: 2x7 padding 1 on 4 channels, 3x8 padding 1, leaky relu',
    input: [4, 6, 19], activation: 'leaky_relu',
    layers: [
      { type: 'conv', filters: 4, size: [2, 7], padding: 1 },              // [4, 7, 15]
      { type: 'conv', filters: 3, size: [3, 8], padding: 1 },              // [3, 7, 10]
      { type: 'flatten' },
      { type: 'dense', units: 3, activation: 'linear' },
    ],
    shapes: [[4, 7, 15], [3, 7, 10], [210], [3]],
  },
  {
    // conv_padded.wgsl's window at a row's right end ('cpu' set): 49 columns in 12-column segments,
    // the last holding one, so the segment before it also reads past the row (padding 2 > 1); a
    // max pool whose last window row and column leave a row and a column that no window holds.
    name: 'the window at a row\'s end: 5x5 padding 2 on 49 columns, relu; max pool 2 on 3 x 49',
    input: [2, 3, 49], activation: 'relu',
    layers: [
      { type: 'conv', filters: 2, size: 5, padding: 2 },                   // [2, 3, 49]
      { type: 'maxpool', size: 2 },                                         // [2, 1, 24]
      { type: 'flatten' },
      { type: 'dense', units: 3, activation: 'linear' },
    ],
    shapes: [[2, 3, 49], [2, 1, 24], [48], [3]],
  },
  {
    // conv_padded.wgsl's dW ('cpu' set): 4 input channels a thread (3x3 on 8 channels), 4 filters,
    // rows of one quad of positions and two taken one at a time; an average pool of windows that
    // do not overlap, its last row held by none.
    name: 'dW over 4 channels a thread: 3x3 padding 1 on 8 channels, 6 columns, 4 filters, tanh; avg pool 2 on 3 x 6',
    input: [8, 3, 6], activation: 'tanh',
    layers: [
      { type: 'conv', filters: 4, size: 3, padding: 1 },                   // [4, 3, 6]
      { type: 'avgpool', size: 2 },                                         // [4, 1, 3]
      { type: 'flatten' },
      { type: 'dense', units: 3, activation: 'linear' },
    ],
    shapes: [[4, 3, 6], [4, 1, 3], [12], [3]],
  },
  ...['batch', 'layer'].map((norm) => ({
    name: `conv + ${norm === 'batch' ? 'BatchNorm2d' : 'GroupNorm (one group)'} + ReLU, max pool, a conv without norm (the last weighted layer is dense)`,
    input: [3, 6, 5], activation: 'relu', norm,
    layers: [
      { type: 'conv', filters: 4, size: 3, padding: 1 },                   // [4, 6, 5], then the norm
      { type: 'maxpool', size: 2 },                                         // [4, 3, 2]
      { type: 'flatten' },
      { type: 'dense', units: 3, activation: 'linear' },
    ],
    shapes: [[4, 6, 5], [4, 3, 2], [24], [3]],
  })),
];

/** The net's float64 twin with random parameters written into the engine's net. */
async function randomConvNet(engine, spec, batch, seed) {
  const net = engine.createNet({ input: spec.input, batch, activation: spec.activation, bias: spec.bias ?? true, norm: spec.norm ?? 'none', layers: spec.layers, seed });
  const ref = [];
  let shape = spec.input;
  // The net's norm goes after every dense and conv layer but the last; gamma 1, beta 0 at start.
  const lastWeighted = spec.layers.findLastIndex((l) => l.type === 'dense' || l.type === 'conv');
  for (const [l, layer] of spec.layers.entries()) {
    const out = spec.shapes[l];
    const activation = referenceActivation(layer.activation ?? spec.activation);
    const bias = spec.bias ?? true;
    if (layer.type === 'conv') {
      const [kh, kw] = Array.isArray(layer.size) ? layer.size : [layer.size, layer.size];
      const fanIn = shape[0] * kh * kw;
      const W = random(layer.filters * fanIn, seed + 10 + l, 1.5 / Math.sqrt(fanIn));
      const b = bias ? random(layer.filters, seed + 20 + l, 0.3) : undefined;
      await net.setParameters(l, { W, ...(b ? { b } : {}) });
      const norm = spec.norm && l !== lastWeighted ? { kind: spec.norm, gamma: new Float64Array(layer.filters).fill(1), beta: new Float64Array(layer.filters),
        runningMean: new Float64Array(layer.filters), runningVar: new Float64Array(layer.filters).fill(1), mode: 'train' } : undefined;
      ref.push({ type: 'conv', activation, W, b, ...(norm ? { norm } : {}), shape: { cin: shape[0], h: shape[1], w: shape[2], cout: layer.filters, kh, kw,
        stride: layer.stride ?? 1, padding: layer.padding ?? 0 } });
    } else if (layer.type === 'dense') {
      const W = random(shape[0] * layer.units, seed + 10 + l, 1.5 / Math.sqrt(shape[0]));
      const b = bias ? random(layer.units, seed + 20 + l, 0.3) : undefined;
      await net.setParameters(l, { W, ...(b ? { b } : {}) });
      ref.push({ type: 'dense', din: shape[0], units: layer.units, activation, W, b });
    } else if (layer.type === 'flatten') {
      ref.push({ type: 'flatten' });
    } else {
      ref.push({ type: layer.type, shape: { c: shape[0], h: shape[1], w: shape[2], size: layer.size, stride: layer.stride ?? layer.size } });
    }
    shape = out;
  }
  return { net, ref };
}

for (const spec of NETS) {
  test(`conv net (${spec.name}): every layer's A, Z, dW, db and dX equal float64; types and shapes reported; both kernel sets`, async () => {
    for (const [kernels, engine] of Object.entries(engines)) {
      for (const batch of [1, 3]) {
        const { net, ref } = await randomConvNet(engine, spec, batch, 7 * batch);
        const inputWidth = spec.input.reduce((a, b) => a * b, 1);
        const X = random(batch * inputWidth, 40 + batch, 1).map((x) => (spec.ties ? Math.round(1.4 * x) : x));
        await net.setInput(X);
        await poisonForTesting(net);
        const top = spec.shapes.at(-1).reduce((a, b) => a * b, 1);
        const G = random(batch * top, 50 + batch, 1);
        const r = await net.forwardBackward(G);
        const fwd = referenceLayersForward(ref, batch, X);
        const grads = referenceLayersBackward(ref, batch, X, fwd, G);
        for (const [l, layer] of spec.layers.entries()) {
          const name = `${kernels} batch ${batch} layer ${l} (${layer.type})`;
          assert.equal(r.forward.layers[l].type, layer.type, `${name}: type`);
          assert.deepEqual(r.forward.layers[l].shape, spec.shapes[l], `${name}: shape`);
          assertClose(`${name} A`, await net.readActivations(l), fwd.A[l], 1e-5, 1e-4);
          if (layer.type === 'conv' || layer.type === 'dense') {
            assertClose(`${name} Z`, await net.readPreactivations(l), fwd.Z[l], 1e-5, 1e-4);
            const g = await net.readGradients(l);
            assertClose(`${name} dW`, g.W, grads[l].dW, 2e-5, 2e-4);
            if (spec.bias ?? true) assertClose(`${name} db`, g.b, grads[l].db, 2e-5, 2e-4);
            else assert.equal(g.b, undefined, `${name}: no b`);
            assertClose(`${name} dInput`, g.input, grads[l].dInput, 2e-5, 2e-4);
            if (ref[l].norm) {
              assertClose(`${name} dgamma`, g.gamma, grads[l].dgamma, 2e-5, 2e-4);
              assertClose(`${name} dbeta`, g.beta, grads[l].dbeta, 2e-5, 2e-4);
            }
            const std = Math.sqrt(fwd.Z[l].reduce((s, z) => s + z * z, 0) / fwd.Z[l].length - (fwd.Z[l].reduce((s, z) => s + z, 0) / fwd.Z[l].length) ** 2);
            assert.ok(Math.abs(r.forward.layers[l].preactivation.std - std) <= 1e-4 * std + 1e-6, `${name}: std of Z ${r.forward.layers[l].preactivation.std} vs ${std}`);
          }
        }
        net.destroy();
      }
    }
  });
}

test('padding as large as the filter equals PyTorch (fixtures/torch/make_conv_padding.py: kernel 3x2, padding 2, stride 2): Z, dX, dW, db; both kernel sets', async () => {
  const fx = JSON.parse(readFileSync(new URL('./fixtures/torch/conv_padding.json', import.meta.url), 'utf8'));
  const s = fx.shape;
  for (const [kernels, engine] of Object.entries(engines)) {
    const net = engine.createNet({ input: [s.cin, s.h, s.w], batch: s.batch, activation: 'linear', bias: true,
      layers: [{ type: 'conv', filters: s.cout, size: [s.kh, s.kw], stride: s.stride, padding: s.padding }] });
    await net.setParameters(0, { W: Float32Array.from(fx.weight), b: Float32Array.from(fx.bias) });
    await net.setInput(Float32Array.from(fx.x));
    await poisonForTesting(net);
    const r = await net.forwardBackward(Float32Array.from(fx.g));
    assert.deepEqual(r.forward.layers[0].shape, fx.output, `${kernels}: output shape`);
    assertClose(`${kernels} Z`, await net.readActivations(0), fx.z, 1e-5, 1e-5);
    const g = await net.readGradients(0);
    assertClose(`${kernels} dX`, g.input, fx.dx, 1e-5, 1e-5);
    assertClose(`${kernels} dW`, g.W, fx.dweight, 1e-5, 1e-5);
    assertClose(`${kernels} db`, g.b, fx.dbias, 1e-5, 1e-5);
    net.destroy();
  }
});

test('conv statistics: a dead channel counts once over its Ho x Wo positions (deadUnitFraction of channels)', async () => {
  for (const [kernels, engine] of Object.entries(engines)) {
    const net = engine.createNet({ input: [1, 6, 6], batch: 2, activation: 'relu', bias: true,
      layers: [{ type: 'conv', filters: 4, size: 3, padding: 1 }, { type: 'flatten' }, { type: 'dense', units: 2, activation: 'linear' }] });
    // Filters 0 and 2 all zero with bias -1: after ReLU they are 0 everywhere; filters 1 and 3 pass the input.
    const W = new Float32Array(4 * 9);
    W[1 * 9 + 4] = 1; W[3 * 9 + 4] = -1;
    await net.setParameters(0, { W, b: Float32Array.from([-1, 0.5, -1, 0.5]) });
    await net.setInput(random(2 * 36, 3, 1));
    const f = await net.forward();
    assert.equal(f.layers[0].activation.deadUnitFraction, 0.5, `${kernels}: 2 of 4 channels dead`);
    assert.ok(f.layers[0].activation.zeroFraction > 0.5, `${kernels}: more than half the entries are 0`);
    net.destroy();
  }
});

test('createNet refuses layers that do not fit, naming the layer, the field and the shape', () => {
  const engine = engines.cpu;
  const refuse = (options, pattern) => assert.throws(() => engine.createNet({ input: [1, 8, 8], batch: 2, ...options }), (e) => {
    assert.equal(e.code, 'invalid-option');
    assert.match(e.message, pattern);
    return true;
  });
  refuse({ layers: [{ type: 'dense', units: 3 }] }, /layers\[0\] \(dense\) needs a flat input, got an input of shape \[1, 8, 8\]; put \{ type: 'flatten' \} before it/);
  refuse({ layers: [{ type: 'conv', filters: 2, size: 9 }, { type: 'flatten' }, { type: 'dense', units: 2 }] }, /layers\[0\] \(conv\) needs an input at least 9 x 9 .*got an input of shape \[1, 8, 8\]/);
  refuse({ layers: [{ type: 'flatten' }, { type: 'conv', filters: 2, size: 3 }] }, /layers\[1\] \(conv\) needs an input of \[channels, height, width\], got an input of shape \[64\]/);
  refuse({ layers: [{ type: 'maxpool', size: 9 }, { type: 'flatten' }, { type: 'dense', units: 2 }] }, /layers\[0\] \(maxpool\) needs an input of at least 9 x 9/);
  refuse({ layers: [{ type: 'conv', filters: 2, size: 3, strides: 2 }] }, /layers\[0\]\.strides must be absent \(a conv layer takes type, filters, size, stride, padding/);
  refuse({ layers: [{ type: 'conv', filters: 0, size: 3 }] }, /layers\[0\]\.filters must be a positive integer, got 0/);
  refuse({ layers: [{ type: 'pool', size: 2 }] }, /layers\[0\]\.type must be one of dense, conv, maxpool, avgpool, flatten/);
  refuse({ layers: [{ type: 'conv', filters: 2, size: 3, activation: 'swish' }] }, /layers\[0\]\.activation must be one of/);
  refuse({ layers: [{ type: 'conv', filters: 2, size: [3, 0] }] }, /layers\[0\]\.size must be a positive integer or \[kh, kw\], got \[3, 0\]/);
  refuse({ input: [1, 8], layers: [{ type: 'flatten' }] }, /input must be a positive integer \(flat features\) or \[channels, height, width\]/);
  refuse({ layers: [{ type: 'flatten' }] }, /layers must be a list with at least one dense or conv layer/);
});

test('a conv net trains: three steps of SGD momentum and Adam move every W and b as float64 does; both kernel sets', async () => {
  const spec = NETS[0];
  const batch = 5;
  for (const [kernels, engine] of Object.entries(engines)) {
    for (const optimizer of [{ name: 'sgd', lr: 0.1, momentum: 0.9 }, { name: 'adam', lr: 0.01 }]) {
      const { net, ref } = await randomConvNet(engine, spec, batch, 3);
      const trainer = net.trainer({ loss: 'cross_entropy', optimizer });
      const training = referenceLayersTraining(ref, batch, optimizer);
      for (let s = 0; s < 3; s++) {
        const X = random(batch * 3 * 7 * 6, 80 + s, 1);
        const labels = Int32Array.from({ length: batch }, (_, i) => (i + s) % 5);
        const record = await trainer.step(X, labels);
        const want = referenceLayersTrainStep(training, X, labels, optimizer.lr);
        assert.ok(Math.abs(record.loss - want.loss) <= 1e-5 + 1e-4 * want.loss, `${kernels} ${optimizer.name} step ${s}: loss ${record.loss} vs ${want.loss}`);
      }
      for (const l of [0, 3]) {
        const p = await net.readParameters(l);
        assertClose(`${kernels} ${optimizer.name} layer ${l} W`, p.W, training.layers[l].W, 3e-5, 3e-4);
        assertClose(`${kernels} ${optimizer.name} layer ${l} b`, p.b, training.layers[l].b, 3e-5, 3e-4);
      }
      net.destroy();
    }
  }
});

test('createMLP is createNet of dense layers: the same weights, activations, gradients and statistics, bit for bit', async () => {
  for (const [kernels, engine] of Object.entries(engines)) {
    for (const norm of ['none', 'batch']) {
      const common = { batch: 6, init: 'xavier', seed: 11, norm };
      const mlp = engine.createMLP({ ...common, dims: [13, 17, 9, 5], activation: 'tanh', output: 'linear', bias: true });
      const net = engine.createNet({ ...common, input: 13, activation: 'tanh', bias: true,
        layers: [{ type: 'dense', units: 17 }, { type: 'dense', units: 9 }, { type: 'dense', units: 5, activation: 'linear' }] });
      const X = random(6 * 13, 5, 1);
      const results = [];
      for (const n of [mlp, net]) {
        await n.setInput(X);
        const r = await n.forwardBackward('randn');
        results.push({ r, A: await n.readActivations(1), W: (await n.readParameters(2)).W, dW: (await n.readGradients(0)).W });
      }
      const [a, b] = results;
      const name = `${kernels} norm ${norm}`;
      assert.deepEqual(Array.from(b.W), Array.from(a.W), `${name}: W of layer 2`);
      assert.deepEqual(Array.from(b.A), Array.from(a.A), `${name}: A of layer 1`);
      assert.deepEqual(Array.from(b.dW), Array.from(a.dW), `${name}: dW of layer 0`);
      assert.deepEqual(b.r.forward.layers, a.r.forward.layers, `${name}: forward statistics`);
      assert.deepEqual(b.r.backward.layers, a.r.backward.layers, `${name}: backward statistics`);
      mlp.destroy();
      net.destroy();
    }
  }
});

test("the lecture's conv rule at init: Din = k^2 C keeps the std of 8 ReLU conv layers flat; Din = C grows it ~3x per layer", async () => {
  const engine = engines.cpu;
  const stack = (init) => engine.createNet({ input: [16, 8, 8], batch: 8, activation: 'relu', seed: 1, layers: [
    ...Array.from({ length: 8 }, () => ({ type: 'conv', filters: 16, size: 3, padding: 1, ...(init ? { init } : {}) })),
    { type: 'flatten' }, { type: 'dense', units: 10, activation: 'linear' }] });
  const std = async (net) => {
    await net.setInput('randn');
    const f = await net.forward();
    net.destroy();
    return f.layers.slice(0, 8).map((l) => l.activation.std);
  };
  const rule = await std(stack());                                     // kaiming: std sqrt(2 / (16 * 9))
  const forgot = await std(stack({ name: 'normal', std: Math.sqrt(2 / 16) }));  // the k^2 forgotten: 3x larger
  console.log(`# std of A per layer, Din = k^2 C: ${rule.map((s) => s.toFixed(3)).join(' ')}`);
  console.log(`# std of A per layer, Din = C:     ${forgot.map((s) => s.toPrecision(3)).join(' ')}`);
  for (const s of rule) assert.ok(s > 0.3 && s < 3, `Din = k^2 C: std ${s} stays near its start`);
  const growth = (forgot[7] / forgot[0]) ** (1 / 7);
  assert.ok(growth > 2.5 && growth < 3.5, `Din = C: std grows ${growth.toFixed(2)}x per layer (sqrt(9) = 3 expected)`);
});

test('a conv net with BatchNorm2d trains: three SGD-momentum and Adam steps move W, b, gamma and beta as float64 does; both kernel sets', async () => {
  const spec = NETS.find((n) => n.norm === 'batch');
  const batch = 4;
  for (const [kernels, engine] of Object.entries(engines)) {
    // The conv bias before a batch norm has a zero gradient: Adam's eps 1e-4 keeps its float32 noise from becoming steps.
    for (const optimizer of [{ name: 'sgd', lr: 0.1, momentum: 0.9 }, { name: 'adam', lr: 0.01, eps: 1e-4 }]) {
      const { net, ref } = await randomConvNet(engine, spec, batch, 5);
      const trainer = net.trainer({ loss: 'cross_entropy', optimizer });
      const training = referenceLayersTraining(ref, batch, optimizer);
      for (let s = 0; s < 3; s++) {
        const X = random(batch * 3 * 6 * 5, 90 + s, 1);
        const labels = Int32Array.from({ length: batch }, (_, i) => (i + s) % 3);
        const record = await trainer.step(X, labels);
        const want = referenceLayersTrainStep(training, X, labels, optimizer.lr);
        assert.ok(Math.abs(record.loss - want.loss) <= 1e-5 + 1e-4 * want.loss, `${kernels} ${optimizer.name} step ${s}: loss ${record.loss} vs ${want.loss}`);
      }
      const p = await net.readParameters(0);
      const name = `${kernels} ${optimizer.name} conv`;
      assertClose(`${name} W`, p.W, training.layers[0].W, 3e-5, 3e-4);
      assertClose(`${name} b`, p.b, training.layers[0].b, 3e-5, 3e-4);
      assertClose(`${name} gamma`, p.gamma, training.layers[0].norm.gamma, 3e-5, 3e-4);
      assertClose(`${name} beta`, p.beta, training.layers[0].norm.beta, 3e-5, 3e-4);
      assertClose(`${name} dense W`, (await net.readParameters(3)).W, training.layers[3].W, 3e-5, 3e-4);
      net.destroy();
    }
  }
});

test('conv initialisation: std from Din = Cin kh kw (glorot with Dout = Cout kh kw), orthogonal on Cout x (Cin kh kw), LSUV over conv layers', async () => {
  const engine = engines.cpu;
  const [cin, cout, kh, kw] = [6, 20, 3, 5];
  const conv = (init) => engine.createNet({ input: [cin, 9, 9], batch: 8, seed: 4, activation: 'tanh', init, layers: [
    { type: 'conv', filters: cout, size: [kh, kw], padding: 1 }, { type: 'conv', filters: cout, size: 3, padding: 1 },
    { type: 'flatten' }, { type: 'dense', units: 4, activation: 'linear' }] });
  const fanIn = cin * kh * kw;
  const fanOut = cout * kh * kw;
  for (const [init, want] of [['kaiming', Math.sqrt(2 / fanIn)], ['xavier', Math.sqrt(1 / fanIn)], ['lecun', Math.sqrt(1 / fanIn)], ['glorot', Math.sqrt(2 / (fanIn + fanOut))]]) {
    const net = conv(init);
    const { W } = await net.readParameters(0);
    const std = Math.sqrt(W.reduce((s, w) => s + w * w, 0) / W.length);
    // 1800 draws: the sample std is within 5% of the rule's with overwhelming probability.
    assert.ok(Math.abs(std / want - 1) < 0.05, `${init}: std ${std} vs ${want}`);
    net.destroy();
  }
  const net = conv('orthogonal');
  const { W } = await net.readParameters(0);
  // Cout = 20 rows of Cin kh kw = 90: orthonormal rows.
  for (let i = 0; i < cout; i++) {
    for (let j = 0; j < cout; j++) {
      let dot = 0;
      for (let k = 0; k < fanIn; k++) dot += W[i * fanIn + k] * W[j * fanIn + k];
      assert.ok(Math.abs(dot - (i === j ? 1 : 0)) < 2e-3, `orthogonal: row ${i} . row ${j} = ${dot}`);
    }
  }
  net.destroy();
  const lsuvNet = conv('lsuv');
  await lsuvNet.setInput('randn');
  const r = await lsuvNet.lsuv();
  assert.equal(r.scales.length, 3, 'one scale per conv and dense layer');
  const f = await lsuvNet.forward();
  for (const l of [0, 1, 3]) assert.ok(Math.abs(f.layers[l].preactivation.std ** 2 - 1) < 0.1, `lsuv: layer ${l} Var(Z) = ${f.layers[l].preactivation.std ** 2}`);
  lsuvNet.destroy();
});

test('a net of layers refuses an input of the wrong size with its shape, and parameters of a layer without W by its type', async () => {
  const net = engines.cpu.createNet({ input: [1, 8, 8], batch: 2, layers: [{ type: 'conv', filters: 2, size: 3 }, { type: 'maxpool', size: 2 },
    { type: 'flatten' }, { type: 'dense', units: 3 }] });
  await assert.rejects(net.setInput(new Float32Array(5)), /setInput: input must have length 128 \(batch x C x H x W = 2 x 1 x 8 x 8, row-major\), got Float32Array\(5\)/);
  await assert.rejects(net.readParameters(1), /readParameters: layer must be the index of a dense or conv layer \(0, 3\); layer 1 is a maxpool, got 1/);
  await assert.rejects(net.setParameters(0, { W: new Float32Array(3) }), /setParameters: W must have length 18 \(Cout x Cin x kh x kw = 2 x 1 x 3 x 3, row-major \(Conv2d.weight\)\)/);
  net.destroy();
});
