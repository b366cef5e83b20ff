// initscope experiment --act tanh --init xavier [--backward] [--json]  (npm run experiment -- ...)
// The lecture's experiment in a terminal: per-layer statistics of a forward (and backward) pass.
import { createEngine, formatProfile, type ActivationOption, type InitOption, type MLPOptions } from '../index';
import { createNodeGPU } from '../node/index';
import { formatTable, parseExperimentArgs, usage } from './args';

/** Runs the experiment with command-line arguments; resolves to the process exit code. */
export async function experiment(argv: string[]): Promise<number> {
  let args;
  try {
    args = parseExperimentArgs(argv);
  } catch (e) {
    console.error(`experiment: ${(e as Error).message}\n\n${usage}`);
    return 2;
  }
  if (args.help) { console.log(usage); return 0; }
  const engine = await createEngine({ gpu: await createNodeGPU() });
  const info = engine.adapterInfo;
  const log = (msg: string) => { if (!args.json) console.error(msg); };
  log(`adapter: ${info.vendor} ${info.architecture} ${info.description}${info.isFallbackAdapter ? ' (software, CPU)' : ''}`);
  const options: MLPOptions = {
    dims: args.dims, batch: args.batch, activation: args.activation as ActivationOption, init: args.init as InitOption,
    bias: args.bias, seed: args.seed,
  };
  const started = performance.now();
  const net = engine.createMLP(options);
  log(`net: dims ${args.dims.join('x')}, batch ${args.batch}, ${JSON.stringify(args.activation)}, ${JSON.stringify(args.init)}; initialising ${
    args.dims.slice(1).reduce((s, d, i) => s + d * args.dims[i], 0).toLocaleString('en')} weights...`);
  await net.ready();
  log(`initialised in ${((performance.now() - started) / 1000).toFixed(1)} s; running ${args.backward ? 'forward + backward' : 'forward'}...`);
  await net.setInput('randn');
  const histogram = { bins: args.bins };
  const pass = performance.now();
  const result = args.backward
    ? await net.forwardBackward(args.gradient, { histogram })
    : { forward: await net.forward({ histogram }), backward: undefined };
  log(`pass took ${((performance.now() - pass) / 1000).toFixed(2)} s wall${result.forward.gpuTimeMs ? `, ${result.forward.gpuTimeMs.toFixed(3)} ms GPU` : ''}`);
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
