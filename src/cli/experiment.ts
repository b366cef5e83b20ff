// initscope experiment --act tanh --init xavier [--backward] [--json]  (npm run experiment -- ...)
// The lecture's experiment in a terminal: per-layer statistics of a forward (and backward) pass.
import { createEngine, formatProfile, type MLPOptions, type NetOptions } from '../index';
import { createNodeGPU } from '../node/index';
import { formatTable, parseExperimentArgs, usage } from './args';
import { parseOrUsage } from './flags';

/** Runs the experiment with command-line arguments; resolves to the process exit code. */
export async function experiment(argv: string[]): Promise<number> {
  const args = parseOrUsage('experiment', usage, () => parseExperimentArgs(argv));
  if (typeof args === 'number') return args;
  if (args.help) { console.log(usage); return 0; }
  const engine = await createEngine({ gpu: await createNodeGPU() });
  const info = engine.adapterInfo;
  const log = (msg: string) => { if (!args.json) console.error(msg); };
  log(`adapter: ${info.vendor} ${info.architecture} ${info.description}${info.isFallbackAdapter ? ' (software, CPU)' : ''}`);
  if (args.net && args.net.input === undefined) {
    console.error('experiment: --net FILE.json needs an "input" in the file ([channels, height, width] or a number of features)');
    return 2;
  }
  const options: MLPOptions | NetOptions = args.net
    ? { input: args.net.input!, batch: args.batch, activation: args.activation, init: args.init, bias: args.bias, seed: args.seed, layers: args.net.layers }
    : { dims: args.dims, batch: args.batch, activation: args.activation, init: args.init, bias: args.bias, seed: args.seed };
  const started = performance.now();
  const net = 'layers' in options ? engine.createNet(options) : engine.createMLP(options);
  log('layers' in options
    ? `net: ${options.layers.length} layers (${options.layers.map((l) => l.type).join(', ')}) on input ${JSON.stringify(options.input)}, batch ${args.batch}; initialising...`
    : `net: dims ${args.dims.join('x')}, batch ${args.batch}, ${JSON.stringify(args.activation)}, ${JSON.stringify(args.init)}; initialising ${
      args.dims.slice(1).reduce((s, d, i) => s + d * args.dims[i], 0).toLocaleString('en')} weights...`);
  await net.ready();
  log(`initialised in ${((performance.now() - started) / 1000).toFixed(1)} s; running ${args.backward ? 'forward + backward' : 'forward'}...`);
  await net.setInput('randn');
  if (args.init === 'lsuv') {
    const r = await net.lsuv();
    log(`lsuv: per-layer scales ${r.scales.map((x) => x.toFixed(3)).join(' ')} after ${r.iterations.join('/')} passes on the input`);
  }
  const histogram = { bins: args.bins };
  const pass = performance.now();
  const result = args.backward
    ? await net.forwardBackward(args.gradient, { histogram })
    : { forward: await net.forward({ histogram }), backward: undefined };
  const gpuTimes = [['forward', result.forward.gpuTimeMs], ['backward', result.backward?.gpuTimeMs]]
    .filter(([, ms]) => ms !== undefined).map(([pass, ms]) => `${(ms as number).toFixed(3)} ms GPU ${pass as string}`);
  log(`pass took ${((performance.now() - pass) / 1000).toFixed(2)} s wall${gpuTimes.length ? `, ${gpuTimes.join(', ')}` : ''}`);
  if (args.json) {
    console.log(JSON.stringify({ adapter: info, options, ...result }, null, 2));
  } else {
    const weightStd = args.backward ? (await net.weightStats({ histogram })).map((w) => w.std) : [];
    console.log(formatTable(result.forward, result.backward, weightStd));
  }
  if (args.profile) {
    const profile = await net.profile(args.backward ? 'forwardBackward' : 'forward');
    console.log(args.json ? JSON.stringify(profile, null, 2) : `\n${formatProfile(profile)}`);
  }
  net.destroy();
  engine.destroy();
  return 0;
}
