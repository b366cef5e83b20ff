// npm run bench [-- --width 4096 --layers 6 --batch 16 --steps 30 --no-peer --sweep] [-- --train] [-- --conv]
//   [-- --kernels gpu|cpu] (the engine's kernel set; default the adapter's: 'cpu' on SwiftShader)
// The benchmark in Node on Dawn (the real GPU when there is one, SwiftShader otherwise). Writes
// bench/results/<date>-<runtime>-<adapter>[-width<N>].json and prints the side-by-side table.
import { createEngine } from '../src/index';
import { createNodeGPU } from '../src/node/index';
import { DEFAULT_OPTIONS, formatBench, runBench, type BenchOptions, type BenchResult } from './run';
import { formatTrainBench, runTrainBench } from './train';
import { formatConvBench, runConvBench } from './conv';
import { matmulPeak } from './peak';
import { saveResult } from './resultFile.mjs';

type KernelsOption = 'auto' | 'gpu' | 'cpu';

export function parseBenchArgs(argv: string[]): BenchOptions & { out: string; train: boolean; conv: boolean; batchGiven: boolean; kernels: KernelsOption } {
  const o = { ...DEFAULT_OPTIONS, out: 'bench/results', train: false, conv: false, batchGiven: false, kernels: 'auto' as KernelsOption };
  for (let i = 0; i < argv.length; i++) {
    const v = () => { const n = Number(argv[++i]); if (!Number.isInteger(n) || n < 0) throw new Error(`${argv[i - 1]} needs a non-negative integer`); return n; };
    switch (argv[i]) {
      case '--width': o.width = v(); break;
      case '--layers': o.layers = v(); break;
      case '--batch': o.batch = v(); o.batchGiven = true; break;
      case '--steps': o.steps = v(); break;
      case '--warmup': o.warmup = v(); break;
      case '--square': o.square = v(); break;
      case '--no-peer': o.peer = false; break;
      case '--sweep': o.sweep = true; break;
      case '--out': o.out = argv[++i]; break;
      case '--train': o.train = true; break;
      case '--conv': o.conv = true; break;
      case '--kernels': {
        const k = argv[++i];
        if (k !== 'auto' && k !== 'gpu' && k !== 'cpu') throw new Error(`--kernels needs auto, gpu or cpu, got ${JSON.stringify(k)}`);
        o.kernels = k;
        break;
      }
      default: throw new Error(`unknown option ${argv[i]} (known: --width --layers --batch --steps --warmup --square --no-peer --sweep --out --train --conv --kernels, and --browser)`);
    }
  }
  return o;
}

export function saveBench(result: BenchResult, out: string): string {
  const suffix = result.options.width === DEFAULT_OPTIONS.width ? '' : `-width${result.options.width}`;
  return saveResult(out, { date: result.date, kind: result.runtime, adapter: result.adapter, suffix }, result);
}

async function main(): Promise<void> {
  const { out, train, conv, batchGiven, kernels, ...options } = parseBenchArgs(process.argv.slice(2));
  const gpu = await createNodeGPU();
  const engine = await createEngine({ gpu, kernels });
  if (conv) {
    const peak = await matmulPeak(engine);
    const result = await runConvBench(engine, gpu, peak, { peer: options.peer, ...(batchGiven ? { batch: options.batch } : {}) }, (line) => console.error(line));
    const info = engine.adapterInfo;
    const date = new Date().toISOString().slice(0, 10);
    const file = saveResult(out, { date, kind: `node-conv${kernels === 'auto' ? '' : `-${kernels}-kernels`}`, adapter: info }, { date, runtime: 'node', adapter: info, kernels: engine.kernelTarget, peer: options.peer ? 'tfjs-backend-webgpu 4.22.0' : undefined, peak, ...result });
    console.log(['', `${date}, node, ${info.vendor} ${info.architecture} ${info.description}`, ...formatConvBench(result, peak), `results: ${file}`].join('\n'));
    engine.destroy();
    return;
  }
  if (train) {
    const peak = await matmulPeak(engine);
    const lines = await runTrainBench(engine, gpu, peak, { layers: options.layers, peer: options.peer }, (line) => console.error(line));
    const info = engine.adapterInfo;
    const date = new Date().toISOString().slice(0, 10);
    const file = saveResult(out, { date, kind: `node-train${kernels === 'auto' ? '' : `-${kernels}-kernels`}`, adapter: info }, { date, runtime: 'node', adapter: info, kernels: engine.kernelTarget, peak, train: lines });
    console.log(['', `${date}, node, ${info.vendor} ${info.architecture} ${info.description}`, ...formatTrainBench(lines, peak), `results: ${file}`].join('\n'));
    engine.destroy();
    return;
  }
  const result = await runBench(engine, gpu, options, 'node', (line) => console.error(line));
  const file = saveBench(result, out);
  console.log(['', ...formatBench(result), `results: ${file}`].join('\n'));
  engine.destroy();
}

main().then(() => process.exit(0), (e: unknown) => { console.error(e); process.exit(1); });
