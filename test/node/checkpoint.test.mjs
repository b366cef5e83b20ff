// Checkpoints (design.md section 9): net.save() as safetensors with PyTorch's names and layouts,
// engine.loadNet(bytes) making the same net again (bit for bit), the header held against the
// format's specification, hostile files refused by name with nothing allocated, and a file written
// by PyTorch (fixtures/torch: the script, the file and its outputs) giving PyTorch's outputs.
import { Buffer } from 'node:buffer';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createEngine } from 'initscope';
import { createNodeGPU } from 'initscope/node';
import { TextDecoder, TextEncoder } from 'node:util';
import { readFile } from 'node:fs/promises';
import { random } from './helpers.mjs';

const gpu = await createNodeGPU();
const engine = await createEngine({ gpu });

const OPTIONS = {
  input: [1, 12, 12], batch: 4, seed: 3, activation: 'relu', init: 'kaiming', bias: true, norm: 'batch',
  layers: [
    { type: 'conv', filters: 3, size: 5, padding: 2 },   // [3, 12, 12] + BatchNorm2d
    { type: 'maxpool', size: 2 },                         // [3, 6, 6]
    { type: 'flatten' },
    { type: 'dense', units: 7 },                          // + BatchNorm1d
    { type: 'dense', units: 4, activation: 'linear' },
  ],
};

/** The header of a safetensors file, read by hand from the specification. */
function readHeader(bytes) {
  const n = Number(new DataView(bytes.buffer, bytes.byteOffset).getBigUint64(0, true));
  return { n, header: JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + n))), dataStart: 8 + n };
}

async function trainedNet() {
  const net = engine.createNet(OPTIONS);
  const trainer = net.trainer({ optimizer: { name: 'sgd', lr: 0.1, momentum: 0.9 } });
  for (let s = 0; s < 2; s++) await trainer.step(random(4 * 144, 10 + s, 1), Int32Array.from([0, 1, 2, 3]));
  return net;
}

test('save gives safetensors with PyTorch names, layouts and dtypes; loadNet makes the same net, bit for bit', async () => {
  const net = await trainedNet();
  const bytes = await net.save();
  const { n, header, dataStart } = readHeader(bytes);
  assert.equal(dataStart % 8, 0, 'data starts 8-byte aligned');
  assert.equal(JSON.parse(header.__metadata__.initscope).layers.length, 5);
  const names = Object.keys(header).filter((k) => k !== '__metadata__');
  assert.deepEqual(names.sort(), [
    'layers.0.bias', 'layers.0.norm.bias', 'layers.0.norm.num_batches_tracked', 'layers.0.norm.running_mean', 'layers.0.norm.running_var',
    'layers.0.norm.weight', 'layers.0.weight', 'layers.3.bias', 'layers.3.norm.bias', 'layers.3.norm.num_batches_tracked',
    'layers.3.norm.running_mean', 'layers.3.norm.running_var', 'layers.3.norm.weight', 'layers.3.weight', 'layers.4.bias', 'layers.4.weight'].sort());
  assert.deepEqual(header['layers.0.weight'].shape, [3, 1, 5, 5], 'Conv2d.weight');
  assert.deepEqual(header['layers.3.weight'].shape, [7, 108], 'nn.Linear.weight: Dout x Din');
  assert.equal(header['layers.0.norm.num_batches_tracked'].dtype, 'I64');
  assert.deepEqual(header['layers.0.norm.num_batches_tracked'].shape, []);
  // Offsets tile the data exactly, in order, each tensor its dtype's size.
  let end = 0;
  for (const name of names.sort((a, b) => header[a].data_offsets[0] - header[b].data_offsets[0])) {
    const t = header[name];
    assert.equal(t.data_offsets[0], end, `${name} starts where the one before ends`);
    end = t.data_offsets[1];
    assert.equal(end - t.data_offsets[0], t.shape.reduce((a, b) => a * b, 1) * (t.dtype === 'F32' ? 4 : 8), `${name}: bytes`);
  }
  assert.equal(8 + n + end, bytes.length, 'nothing after the last tensor');
  const count = new DataView(bytes.buffer, bytes.byteOffset + dataStart + header['layers.0.norm.num_batches_tracked'].data_offsets[0]).getBigInt64(0, true);
  assert.equal(count, 2n, 'num_batches_tracked counts the two training steps');
  // The dense weight is stored transposed: file[j][k] = W[k][j].
  const p3 = await net.readParameters(3);
  const [begin] = header['layers.3.weight'].data_offsets;
  const stored = new Float32Array(bytes.slice(dataStart + begin, dataStart + begin + 7 * 108 * 4).buffer);
  for (let k = 0; k < 108; k++) for (let j = 0; j < 7; j++) assert.equal(stored[j * 108 + k], p3.W[k * 7 + j]);

  const loaded = await engine.loadNet(bytes);
  const X = random(4 * 144, 20, 1);
  for (const n2 of [net, loaded]) await n2.setInput(X);
  const [a, b] = [await net.forward(), await loaded.forward()];
  assert.deepEqual(b.layers, a.layers, 'the same statistics');
  for (const l of [0, 3, 4]) {
    const [pa, pb] = [await net.readParameters(l), await loaded.readParameters(l)];
    for (const key of Object.keys(pa)) assert.deepEqual(Array.from(pb[key]), Array.from(pa[key]), `layer ${l} ${key}`);
  }
  assert.deepEqual(Array.from(await loaded.readActivations(4)), Array.from(await net.readActivations(4)), 'the same outputs');
  // The bytes as a view into a larger buffer (a Node Buffer from readFileSync is one): the same net.
  const padded = new Uint8Array(bytes.length + 24);
  padded.set(bytes, 16);
  const viewed = await engine.loadNet(Buffer.from(padded.buffer, 16, bytes.length));
  assert.deepEqual(Array.from((await viewed.readParameters(3)).W), Array.from(p3.W), 'loaded from a view at an offset');
  viewed.destroy();
  // A spec given to loadNet wins over the metadata (here: the same net, another batch).
  const other = await engine.loadNet(bytes, { spec: { ...OPTIONS, batch: 2 } });
  assert.deepEqual(Array.from((await other.readParameters(0)).W), Array.from((await net.readParameters(0)).W));
  // createMLP's nets save too: their metadata is the createNet options of the same dense net.
  const mlp = engine.createMLP({ dims: [5, 6, 3], batch: 2, activation: 'tanh', output: 'linear', bias: true, seed: 1 });
  const again = await engine.loadNet(await mlp.save());
  await mlp.setInput(random(10, 3, 1));
  await again.setInput(random(10, 3, 1));
  assert.deepEqual(Array.from(await (await again.forward(), again.readActivations(1))), Array.from(await (await mlp.forward(), mlp.readActivations(1))));
  // net.options: the createNet options it was made from (a copy); createNet of them is the same
  // net at its initialisation, bit for bit, for a loaded net as for a created one.
  assert.deepEqual(loaded.options, OPTIONS);
  assert.deepEqual(again.options.layers, [{ type: 'dense', units: 6 }, { type: 'dense', units: 3, activation: 'linear' }]);
  const copy = mlp.options;
  copy.seed = 99;
  assert.equal(mlp.options.seed, 1, 'a copy: changing it changes nothing');
  const fresh = engine.createNet(again.options);
  const made = engine.createMLP({ dims: [5, 6, 3], batch: 2, activation: 'tanh', output: 'linear', bias: true, seed: 1 });
  for (const l of [0, 1]) assert.deepEqual(Array.from((await fresh.readParameters(l)).W), Array.from((await made.readParameters(l)).W), `layer ${l}: the initial W`);
  for (const n2 of [net, loaded, other, mlp, again, fresh, made]) n2.destroy();
});

test('a checkpoint written by PyTorch (fixtures/torch/make_checkpoint.py) loads with { spec }, gives PyTorch\'s eval-mode outputs and saves back PyTorch\'s tensors byte for byte', async () => {
  const dir = new URL('./fixtures/torch/', import.meta.url);
  const bytes = new Uint8Array(await readFile(new URL('conv_bn_dense.safetensors', dir)));
  const expected = JSON.parse(await readFile(new URL('conv_bn_dense.json', dir), 'utf8'));
  const net = await engine.loadNet(bytes, { spec: expected.spec });
  const trainer = net.trainer({ loss: 'cross_entropy' });
  const x = Float32Array.from(expected.x);
  const { loss } = await trainer.evaluate(x, Int32Array.from(expected.labels));
  console.log(`PyTorch's file: eval loss ${loss} here, ${expected.eval_loss} in PyTorch`);
  assert.ok(Math.abs(loss - expected.eval_loss) <= 1e-5 * expected.eval_loss, `eval loss ${loss} vs PyTorch's ${expected.eval_loss}`);
  // Every example against every class: the cross-entropy of (example i, class c) is
  // logsumexp(logits_i) - logits_ic, which gives PyTorch's logits up to each row's constant.
  const classes = 4;
  for (let i = 0; i < 4; i++) {
    const logits = expected.eval_logits.slice(i * classes, (i + 1) * classes);
    const top = Math.max(...logits);
    const lse = top + Math.log(logits.reduce((s, z) => s + Math.exp(z - top), 0));
    for (let c = 0; c < classes; c++) {
      const got = (await trainer.evaluate(x.slice(i * 64, (i + 1) * 64), Int32Array.of(c))).loss;
      assert.ok(Math.abs(got - (lse - logits[c])) <= 1e-5 + 1e-5 * (lse - logits[c]), `example ${i}, class ${c}: ${got} vs PyTorch's ${lse - logits[c]}`);
    }
  }
  // Saved again by the engine: every tensor PyTorch wrote, with its name, dtype, shape and bytes
  // (evaluation leaves the running statistics alone), so PyTorch reads the engine's file as its own.
  const torchFile = readHeader(bytes);
  const saved = await net.save();
  const ours = readHeader(saved);
  for (const [name, t] of Object.entries(torchFile.header)) {
    if (name === '__metadata__') continue;
    const o = ours.header[name];
    assert.ok(o, `${name} is in the engine's file`);
    assert.deepEqual([o.dtype, o.shape], [t.dtype, t.shape], name);
    const data = (h, file, at) => file.subarray(h.dataStart + at.data_offsets[0], h.dataStart + at.data_offsets[1]);
    assert.deepEqual(data(ours, saved, o), data(torchFile, bytes, t), `${name}: the same bytes`);
  }
  net.destroy();
});

test('hostile files are refused by name (invalid-option) before anything is allocated', async () => {
  const net = await trainedNet();
  const good = await net.save();
  net.destroy();
  const { n, header, dataStart } = readHeader(good);
  const withHeader = (h) => {
    let json = JSON.stringify(h);
    json += ' '.repeat((8 - ((8 + json.length) % 8)) % 8);
    const head = new TextEncoder().encode(json);
    const out = new Uint8Array(8 + head.length + good.length - dataStart);
    new DataView(out.buffer).setBigUint64(0, BigInt(head.length), true);
    out.set(head, 8);
    out.set(good.subarray(dataStart), 8 + head.length);
    return out;
  };
  const edit = (name, change) => withHeader({ ...header, [name]: { ...header[name], ...change } });
  const without = (name) => withHeader(Object.fromEntries(Object.entries(header).filter(([k]) => k !== name)));
  const tooLong = new Uint8Array(good);
  new DataView(tooLong.buffer).setBigUint64(0, 200_000_000n, true);
  const notJson = new Uint8Array(good);
  notJson[8] = 0x7b + 1;
  const cases = [
    [good.slice(0, 5), /shorter than its 8-byte header length/],
    [good.slice(0, 8 + n - 3), /truncated/],
    [tooLong, /more than the 100000000 allowed/],
    [notJson, /the header is not JSON/],
    [edit('layers.3.bias', { data_offsets: [0, 1 << 30] }), /tensor layers.3.bias: data_offsets .* run past the end/],
    [edit('layers.0.weight', { dtype: 'F16' }), /tensor layers.0.weight: dtype must be F32/],
    [edit('layers.4.weight', { shape: [4, 6] }), /tensor layers.4.weight: shape \[4, 6\] needs 96 bytes of F32, its offsets hold 112/],
    [without('layers.3.weight'), /tensor layers.3.weight is missing \(shape \[7, 108\], F32\)/],
    [withHeader({ ...header, 'layers.9.weight': { dtype: 'F32', shape: [0], data_offsets: [good.length - dataStart, good.length - dataStart] } }), /tensor layers.9.weight has no place in this net/],
    [withHeader({ ...header, 'layers.9.weight': header['layers.4.bias'] }), /tensors layers.4.bias and layers.9.weight overlap in the data/],
    [edit('layers.4.weight', { shape: [7, 4] }), /tensor layers.4.weight must be F32 of shape \[4, 7\], got F32 \[7, 4\]/],
  ];
  const before = engine.memory();
  for (const [bytes, message] of cases) {
    await assert.rejects(engine.loadNet(bytes), (e) => {
      assert.equal(e.code, 'invalid-option', e.message);
      assert.match(e.message, message);
      return true;
    });
  }
  assert.deepEqual(engine.memory(), before, 'nothing allocated by a refused file');
  // Without metadata and without a spec there is nothing to make the net from.
  const bare = withHeader(Object.fromEntries(Object.entries(header).filter(([k]) => k !== '__metadata__')));
  await assert.rejects(engine.loadNet(bare), /loadNet: spec must be createNet options: the file has no "initscope" metadata/);
  const fromSpec = await engine.loadNet(bare, { spec: OPTIONS });
  fromSpec.destroy();
});

/** A net with batch norm, dropout and a residual block: every kind of state a resumed run needs
 *  (running estimates, dropout's step index, a multiplier and its optimiser state). */
const RESUME = {
  input: 6, batch: 4, activation: 'relu', norm: 'batch', layers: [
    { type: 'dense', units: 9 }, { type: 'dropout', p: 0.25 },
    { type: 'residual', multiplier: true, layers: [{ type: 'dense', units: 9, norm: 'none' }] },
    { type: 'dense', units: 3, activation: 'linear' }],
};

test('trainer.save() / load(): a run resumed mid-epoch takes the same steps as the run that never stopped, bit for bit (Adam, SGD momentum + cosine)', async () => {
  const rows = 22;
  const x = random(rows * 6, 1, 1);
  const labels = Int32Array.from({ length: rows }, (_, i) => (i * 7) % 3);
  for (const options of [{ optimizer: { name: 'adam', lr: 0.01 } }, { optimizer: { name: 'sgd', lr: 0.1, momentum: 0.9 }, schedule: { name: 'cosine', steps: 20 } }]) {
    const make = async (net, dataSeed) => {
      const trainer = net.trainer(options);
      await trainer.setData(x, labels, { seed: dataSeed });
      return { net, trainer };
    };
    const straight = await make(engine.createNet({ ...RESUME, seed: 3 }), 5);
    const all = (await straight.trainer.train(13, { every: 13 })).history;
    const first = await make(engine.createNet({ ...RESUME, seed: 3 }), 5);
    await first.trainer.train(7, { every: 7 });
    const bytes = await first.trainer.save();
    // The net made again from the file (its seed keys dropout's masks), a trainer whose data order
    // has another seed: load must put the saved order, position and generator back.
    const resumed = await make(await engine.loadNet(bytes), 77);
    await resumed.trainer.load(bytes);
    const rest = (await resumed.trainer.train(6, { every: 6 })).history;
    assert.deepEqual(rest.map((r) => [r.loss, r.lr]), all.slice(7).map((r) => [r.loss, r.lr]), `${options.optimizer.name}: steps 7..12 resumed = steps 7..12 straight`);
    for (const l of [0, [2, 0], 3]) {
      assert.deepEqual((await resumed.net.readParameters(l)).W, (await straight.net.readParameters(l)).W, `${options.optimizer.name}: W ${JSON.stringify(l)}`);
    }
    const { header } = readHeader(bytes);
    const state = options.optimizer.name === 'adam' ? ['exp_avg', 'exp_avg_sq'] : ['momentum_buffer'];
    for (const key of state) assert.deepEqual(header[`optimizer.layers.0.weight.${key}`].shape, [9, 6], `optimizer.layers.0.weight.${key} in PyTorch's layout`);
    assert.deepEqual(header['optimizer.layers.2.multiplier.' + state[0]].shape, [1]);
    assert.equal(JSON.parse(header.__metadata__.initscope_trainer).t, 7);
    for (const r of [straight, first, resumed]) r.net.destroy();
  }
});

test('trainer.load refuses a net checkpoint, another optimiser, another row count and other rows of the same count, by name, before writing anything', async () => {
  const x = random(12 * 6, 2, 1);
  const labels = Int32Array.from({ length: 12 }, (_, i) => i % 3);
  const net = engine.createNet({ ...RESUME, seed: 1 });
  const adam = net.trainer({ optimizer: { name: 'adam', lr: 0.01 } });
  await adam.setData(x, labels);
  await adam.train(2);
  const bytes = await adam.save();
  const before = (await net.readParameters(0)).W;
  const sgd = net.trainer({ optimizer: { name: 'sgd', lr: 0.1 } });
  await assert.rejects(sgd.load(bytes), (e) => e.code === 'invalid-option' && /saved by a adam trainer with loss cross_entropy; this one is sgd/.test(e.message));
  await assert.rejects(adam.load(await net.save()), (e) => e.field === '__metadata__' && /a net's checkpoint \(engine.loadNet reads it\)/.test(e.message));
  const other = net.trainer({ optimizer: { name: 'adam', lr: 0.01 } });
  await other.setData(random(8 * 6, 3, 1), Int32Array.from({ length: 8 }, (_, i) => i % 3));
  await assert.rejects(other.load(bytes), (e) => e.code === 'invalid-state' && /trained on 12 rows; call setData with the same rows first \(this trainer has 8\)/.test(e.message));
  // The same row count, other rows: the fingerprint refuses them; { otherData: true } resumes on them.
  const same = net.trainer({ optimizer: { name: 'adam', lr: 0.01 } });
  const moved = x.slice();
  moved[5] += 0.25;
  await same.setData(moved, labels);
  await assert.rejects(same.load(bytes), (e) => e.code === 'invalid-state' && e.field === 'data' && /trained on other rows \(fingerprint [0-9a-f]{16}; setData's rows have [0-9a-f]{16}\)/.test(e.message));
  await same.setData(x, Int32Array.from(labels, (c, i) => (i === 11 ? (c + 1) % 3 : c)));
  await assert.rejects(same.load(bytes), (e) => e.field === 'data', 'one label changed is other rows too');
  await assert.rejects(same.load(bytes, { otherData: 'yes' }), (e) => e.code === 'invalid-option' && e.field === 'otherData');
  assert.deepEqual((await net.readParameters(0)).W, before, 'nothing written by a refused load');
  await same.load(bytes, { otherData: true });
  net.destroy();
});
