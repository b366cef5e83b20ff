// Your own data: fromCSV (initscope/data) splits per class as MNIST does (the last 20% of each
// class's rows in file order are the test set), maps class names to labels, and refuses broken
// files by row and column; the dataset trains.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createEngine } from 'initscope';
import { createNodeGPU } from 'initscope/node';
import { fromCSV, fromImages, standardize } from 'initscope/data';

test('fromCSV: features from every column but the label, classes sorted, per class the last 20% the test set', () => {
  // 7 rows of "b", 5 of "a" (interleaved), with quoted cells and a CRLF line end.
  const lines = ['x,"y",species'];
  for (let i = 0; i < 12; i++) lines.push(`${i},${-i / 2},${i % 2 === 0 || i === 11 ? 'b' : 'a'}`);
  const d = fromCSV(lines.join('\r\n'), { label: 'species' });
  assert.deepEqual(d.classNames, ['a', 'b']);
  assert.deepEqual(d.columns, ['x', 'y']);
  assert.deepEqual(d.counts, [5, 7]);
  assert.equal(d.features, 2);
  // a: rows 1,3,5,7,9 -> floor(5 * 0.2) = 1 test row (9); b: rows 0,2,4,6,8,10,11 -> 1 test row (11).
  assert.deepEqual(Array.from(d.test.x), [9, -4.5, 11, -5.5]);
  assert.deepEqual(Array.from(d.test.labels), [0, 1]);
  assert.equal(d.train.labels.length, 10);
  assert.deepEqual(Array.from(d.train.x.subarray(0, 4)), [0, 0, 1, -0.5]);
  const numeric = fromCSV('label,f\n10,1\n2,2\n10,3\n2,4', { label: 'label', testFraction: 0 });
  assert.deepEqual(numeric.classNames, ['2', '10'], 'numeric class names sort as numbers');
  assert.deepEqual(Array.from(numeric.train.labels), [1, 0, 1, 0]);
});

test('fromCSV refuses broken files, naming the row (1-based, header = row 1) or the column', () => {
  const refuse = (text, options, pattern) => assert.throws(() => fromCSV(text, options), (e) => {
    assert.equal(e.code, 'invalid-option');
    assert.match(e.message, pattern);
    return true;
  });
  refuse('a,b,c\n1,2,x\n3,4', { label: 'c' }, /row 3 has 2 cells, the header 3/);
  refuse('a,b,c\n1,2,x\n3,oops,y', { label: 'c' }, /row 3, column "b": "oops" is not a number/);
  refuse('a,b,c\n1,,x', { label: 'c' }, /row 2, column "b": "" is not a number/);
  refuse('a,b\n1,x\n2,x', { label: 'b' }, /column "b" has 1 class \(x\); a classifier needs at least 2/);
  refuse('a,b\n1,x', { label: 'class' }, /no column "class" in the header \(columns: a, b\)/);
  refuse('a,b', { label: 'b' }, /a header row and at least one row of data/);
  assert.throws(() => fromCSV('a,b\n1,2', {}), (e) => e.field === 'options.label');
});

test('a CSV dataset trains: two separable blobs reach test accuracy 1', async () => {
  const lines = ['u,v,side'];
  for (let i = 0; i < 60; i++) lines.push(`${(i % 2 ? 1 : -1) * (2 + (i % 7) / 7)},${(i % 5) / 5},${i % 2 ? 'right' : 'left'}`);
  const d = standardize(fromCSV(lines.join('\n'), { label: 'side' }));
  const engine = await createEngine({ gpu: await createNodeGPU() });
  const net = engine.createNet({ input: d.features, batch: 8, seed: 1, activation: 'tanh', layers: [{ type: 'dense', units: 8 }, { type: 'dense', units: d.classes, activation: 'linear' }] });
  const trainer = net.trainer({ optimizer: { name: 'sgd', lr: 0.2 } });
  await trainer.setData(d.train.x, d.train.labels);
  await trainer.train(60, { every: 30 });
  const { accuracy } = await trainer.evaluate(d.test.x, d.test.labels);
  assert.equal(accuracy, 1);
  engine.destroy();
});

test('fromImages in Node: options refused by field, then a clear refusal (no image decoder here), as rejected promises', async () => {
  await assert.rejects(fromImages([], { size: 0 }), { code: 'invalid-option', field: 'size' });
  await assert.rejects(fromImages([], { channels: 2 }), { code: 'invalid-option', field: 'channels' });
  await assert.rejects(fromImages([]), { code: 'invalid-state', message: /needs createImageBitmap and OffscreenCanvas/ });
});
