// The benchmark itself, the same in Node (bench.ts) and in the browser (browser.ts): the engine's
// kernels and the lecture's step, then tfjs-backend-webgpu on the same adapter, warmed up the same way.
import type { Engine } from '../src/index';
import { KernelBench, type Timing } from './kernels';
import { benchTfjs, type PeerTimings } from './peer-tfjs';
import { formatTable } from './steps';

export interface BenchOptions { width: number; layers: number; batch: number; steps: number; warmup: number; square: number; peer: boolean; sweep: boolean }

export const DEFAULT_OPTIONS: BenchOptions = { width: 4096, layers: 6, batch: 16, steps: 30, warmup: 3, square: 0, peer: true, sweep: false };

export interface KernelLine { name: string; ms: number; gpu: boolean; flops: number; bytes: number; peerMs?: number; detail: string }
export interface StepLine { name: string; ms: number; gpuMs?: number; peerMs?: number; bytes: number }
export interface BenchResult {
  date: string;
  runtime: 'node' | 'browser';
  adapter: Engine['adapterInfo'];
  options: BenchOptions;
  kernels: KernelLine[];
  steps: StepLine[];
  memory: { buffers: number; bytes: number };
  peer?: string;
}

const ms = (t: Timing) => t.gpuMs ?? t.wallMs;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

export async function runBench(engine: Engine, gpu: GPU, options: BenchOptions, runtime: 'node' | 'browser', log: (line: string) => void): Promise<BenchResult> {
  const o = { ...options };
  const info = engine.adapterInfo;
  const slow = info.isFallbackAdapter;
  if (!o.square) o.square = slow ? Math.min(o.width, 512) : o.width;
  if (slow && o.steps > 5) o.steps = 3;
  if (slow) o.warmup = 1;
  const adapter = `${info.vendor} ${info.architecture} ${info.description}`.trim();
  log(`adapter: ${adapter}${slow ? ' (software; few steps)' : ''}; width ${o.width}, layers ${o.layers}, batch ${o.batch}, steps ${o.steps}`);
  const n = o.width, B = o.batch;
  const kb = new KernelBench(engine.device, engine.kernelTarget);
  const lines: KernelLine[] = [];
  const kernel = async (name: string, made: { dispatches: Parameters<KernelBench['time']>[0]; describe: string }, flops: number, bytes: number) => {
    const t = await kb.time(made.dispatches, o.steps, slow ? 1 : 10);
    lines.push({ name, ms: ms(t), gpu: t.gpuMs !== undefined, flops, bytes, detail: made.describe });
    log(`  ${name}: ${ms(t).toFixed(4)} ms (${made.describe})`);
  };
  await kernel(`forward layer ${B}x${n}x${n} +relu`, await kb.forwardLayer(B, n, n, 'relu'), 2 * B * n * n, 4 * (n * n + 3 * B * n));
  await kernel(`dX ${B}x${n} from ${n}x${n}`, await kb.inputGradLayer(B, n, n, 'tanh'), 2 * B * n * n, 4 * (n * n + 3 * B * n));
  await kernel(`dW ${n}x${n} from batch ${B}`, await kb.weightGradLayer(n, n, B, 'tanh'), 2 * B * n * n, 4 * (n * n + 3 * B * n));
  if (o.sweep) {
    await kernel(`sweep tiled dX ${B}x${n} from ${n}x${n}`, await kb.inputGradLayer(B, n, n, 'tanh', { tiled: true }), 2 * B * n * n, 4 * (n * n + 3 * B * n));
    for (const splits of [8, 16, 24, 32, 48, 64]) {
      await kernel(`sweep skinny forward ${B}x${n}x${n}`, await kb.forwardLayer(B, n, n, 'relu', { splits }), 2 * B * n * n, 4 * (n * n + 3 * B * n));
    }
    for (const tile of [{ wgX: 64, wgY: 4, tm: 4, tn: 2, bk: 16 }, { wgX: 32, wgY: 8, tm: 2, tn: 4, bk: 16 }]) {
      await kernel(`sweep tiled forward ${B}x${n}x${n}`, await kb.forwardLayer(B, n, n, 'relu', { tile, splits: 32 }), 2 * B * n * n, 4 * (n * n + 3 * B * n));
    }
    for (const tile of [{ wgX: 16, wgY: 16, tm: 8, tn: 8, bk: 8 }, { wgX: 16, wgY: 16, tm: 4, tn: 4, bk: 16 }, { wgX: 16, wgY: 16, tm: 4, tn: 8, bk: 16 }, { wgX: 16, wgY: 16, tm: 4, tn: 8, bk: 8 }]) {
      await kernel(`sweep square ${n}^3`, await kb.forwardLayer(n, n, n, 'linear', { tile, splits: 1 }), 2 * n ** 3, 4 * 3 * n * n);
      await kernel(`sweep dW ${n}x${n} from batch ${B}`, await kb.weightGradLayer(n, n, B, 'tanh', { tile }), 2 * B * n * n, 4 * (n * n + 3 * B * n));
    }
  }
  const sq = o.square;
  await kernel(`square ${sq}^3`, await kb.forwardLayer(sq, sq, sq, 'linear'), 2 * sq ** 3, 4 * 3 * sq * sq);
  kb.release();

  const net = engine.createMLP({ dims: Array.from({ length: o.layers + 1 }, () => n), batch: B, activation: 'tanh', init: 'xavier' });
  await net.setInput('randn');
  const step = async (run: () => Promise<{ gpuTimeMs?: number }>) => {
    for (let i = 0; i < o.warmup; i++) await run();
    const wall: number[] = [], gpuT: number[] = [];
    for (let i = 0; i < o.steps; i++) {
      const t = performance.now();
      const r = await run();
      wall.push(performance.now() - t);
      if (r.gpuTimeMs !== undefined) gpuT.push(r.gpuTimeMs);
    }
    return { wallMs: median(wall), gpuMs: gpuT.length ? median(gpuT) : undefined };
  };
  const fwd = await step(() => net.forward());
  log(`  lecture forward + stats: ${fwd.wallMs.toFixed(3)} ms wall, ${fwd.gpuMs?.toFixed(3)} ms GPU`);
  // forwardBackward times its two passes apart; the step's GPU time is their sum.
  const fb = await step(async () => {
    const { forward, backward } = await net.forwardBackward('randn');
    const both = forward.gpuTimeMs !== undefined && backward.gpuTimeMs !== undefined;
    return { gpuTimeMs: both ? forward.gpuTimeMs! + backward.gpuTimeMs! : undefined };
  });
  log(`  lecture forward + backward + stats: ${fb.wallMs.toFixed(3)} ms wall, ${fb.gpuMs?.toFixed(3)} ms GPU`);
  const memory = engine.memory();
  const forwardPlan = (await net.planSummary('forward')).dispatchCount;
  const stepPlan = (await net.planSummary('forwardBackward')).dispatchCount;
  net.destroy();

  let peer: PeerTimings | undefined;
  if (o.peer) {
    try {
      peer = await benchTfjs(gpu, { width: n, layers: o.layers, batch: B, steps: o.steps, warmup: o.warmup, square: sq });
    } catch (e) {
      log(`tfjs peer failed: ${(e as Error).message}`);
    }
  }
  if (peer) {
    lines.find((l) => l.name.startsWith('forward layer'))!.peerMs = peer.layerMs;
    lines.find((l) => l.name.startsWith('square'))!.peerMs = peer.squareMs;
  }
  const stepLines: StepLine[] = [
    { name: `lecture forward + stats (${forwardPlan} dispatches), wall`, ms: fwd.wallMs, gpuMs: fwd.gpuMs, peerMs: peer?.forwardStatsMs, bytes: 4 * o.layers * n * n },
    { name: `lecture forward + backward + stats (${stepPlan} dispatches), wall`, ms: fb.wallMs, gpuMs: fb.gpuMs, peerMs: peer?.forwardBackwardStatsMs, bytes: 3 * 4 * o.layers * n * n },
  ];
  return {
    date: new Date().toISOString().slice(0, 10), runtime, adapter: info, options: o, kernels: lines, steps: stepLines, memory,
    peer: peer ? 'tfjs-backend-webgpu 4.22.0' : undefined,
  };
}

/** The side-by-side table, as lines of text. */
export function formatBench(r: BenchResult): string[] {
  const rows = [['line', 'initscope ms', 'GFLOP/s', 'GB/s', 'tfjs ms', 'speedup']];
  for (const l of r.kernels) {
    rows.push([`${l.name} [${l.detail}]`, `${l.ms.toFixed(4)}${l.gpu ? '' : ' (wall)'}`, (l.flops / l.ms / 1e6).toFixed(1),
      (l.bytes / l.ms / 1e6).toFixed(1), l.peerMs?.toFixed(4) ?? '-', l.peerMs ? `${(l.peerMs / l.ms).toFixed(1)}x` : '-']);
  }
  for (const s of r.steps) {
    rows.push([s.name, `${s.ms.toFixed(3)} (GPU ${s.gpuMs?.toFixed(3) ?? '-'})`, '-', (s.bytes / s.ms / 1e6).toFixed(1), s.peerMs?.toFixed(3) ?? '-',
      s.peerMs ? `${(s.peerMs / s.ms).toFixed(1)}x` : '-']);
  }
  const info = r.adapter;
  return [
    `${r.date}, ${r.runtime}, ${`${info.vendor} ${info.architecture} ${info.description}`.trim()}${info.isFallbackAdapter ? ' (software)' : ''}; ` +
      `engine holds ${r.memory.buffers} buffers, ${(r.memory.bytes / 2 ** 20).toFixed(1)} MiB`,
    ...formatTable(rows),
  ];
}
