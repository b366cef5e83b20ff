// The public API's refusals (bad input never reaches the GPU), the plan as data, one submit and
// one readback per call, and memory that stays constant across steps.
import { expect, test } from './fixtures';

test('bad input is refused with the field, the value and what is allowed', async ({ harness }) => {
  const messages = await harness.evaluate(async () => {
    const { engine } = window.harness;
    const e = await engine();
    const attempt = async (f: () => unknown) => {
      try { await f(); return 'no error'; } catch (err) { return `${(err as Error).name}: ${(err as Error).message}`; }
    };
    const net = e.createMLP({ dims: [4, 3], batch: 2 });
    const limit = e.device.limits.maxStorageBufferBindingSize;
    const side = Math.ceil(Math.sqrt(limit / 4)) + 16;
    await net.ready();
    const memoryBefore = e.memory().buffers;
    return {
      fractionalDim: await attempt(() => e.createMLP({ dims: [4, 3.5], batch: 2 })),
      zeroDim: await attempt(() => e.createMLP({ dims: [4, 0], batch: 2 })),
      negativeDim: await attempt(() => e.createMLP({ dims: [-4, 3], batch: 2 })),
      shortDims: await attempt(() => e.createMLP({ dims: [4], batch: 2 })),
      batchZero: await attempt(() => e.createMLP({ dims: [4, 3], batch: 0 })),
      unknownActivation: await attempt(() => e.createMLP({ dims: [4, 3], batch: 2, activation: 'swish' as 'tanh' })),
      unknownInit: await attempt(() => e.createMLP({ dims: [4, 3], batch: 2, init: 'he' as 'xavier' })),
      badSlope: await attempt(() => e.createMLP({ dims: [4, 3], batch: 2, activation: { name: 'leaky_relu', slope: NaN } })),
      badK: await attempt(() => e.createMLP({ dims: [4, 3], batch: 2, activation: { name: 'maxout', k: 1 } })),
      unknownOption: await attempt(() => e.createMLP({ dims: [4, 3], batch: 2, width: 3 } as never)),
      wrongWLength: await attempt(() => net.setParameters(0, { W: new Float32Array(11) })),
      biasWithoutBias: await attempt(() => net.setParameters(0, { b: new Float32Array(3) })),
      wrongLayer: await attempt(() => net.setParameters(1, { W: new Float32Array(12) })),
      wrongInput: await attempt(() => net.setInput(new Float32Array(7))),
      // Nothing above reaches the GPU: no buffer is made by a refused call.
      memoryAfterCreateRefusals: e.memory().buffers - memoryBefore,
      wrongGradient: await attempt(async () => { await net.setInput('randn'); await net.forward(); await net.backward(new Float32Array(5)); }),
      memoryAfterPass: e.memory().buffers,
      badBins: await attempt(() => net.forward({ histogram: { bins: 0 } })),
      badRange: await attempt(() => net.forward({ histogram: { range: [1, -1] } })),
      tooLarge: await attempt(() => e.createMLP({ dims: [side, side], batch: 1 })),
      memoryAfterRefusals: e.memory().buffers,
    };
  });
  const m = messages;
  expect(m.memoryAfterCreateRefusals).toBe(0);
  expect(m.memoryAfterRefusals).toBe(m.memoryAfterPass);
  expect(m.fractionalDim).toMatch(/createMLP: dims\[1\] must be a positive integer, got 3\.5/);
  expect(m.zeroDim).toMatch(/dims\[1\] must be a positive integer, got 0/);
  expect(m.negativeDim).toMatch(/dims\[0\] must be a positive integer, got -4/);
  expect(m.shortDims).toMatch(/dims must be an array of at least 2 positive integers.*got \[4\]/);
  expect(m.batchZero).toMatch(/batch must be an integer >= 1, got 0/);
  expect(m.unknownActivation).toMatch(/activation must be one of linear, sigmoid, tanh.*maxout.*got "swish"/);
  expect(m.unknownInit).toMatch(/init must be one of zeros, constant, small.*got "he"/);
  expect(m.badSlope).toMatch(/activation\.slope must be a finite number, got NaN/);
  expect(m.badK).toMatch(/activation\.k must be an integer from 2 to 16.*got 1/);
  expect(m.unknownOption).toMatch(/width must be absent \(known options: dims, batch/);
  expect(m.wrongWLength).toMatch(/setParameters: W must have length 12 \(dims\[l\] x dims\[l\+1\] = 4 x 3, row-major\), got Float32Array\(11\)/);
  expect(m.biasWithoutBias).toMatch(/setParameters: b must be absent: this net was made with bias: false/);
  expect(m.wrongLayer).toMatch(/setParameters: layer must be an integer from 0 to 0, got 1/);
  expect(m.wrongInput).toMatch(/setInput: input must have length 8 \(batch x dims\[0\] = 2 x 4, row-major\), got Float32Array\(7\)/);
  expect(m.wrongGradient).toMatch(/backward: gradient must have length 6/);
  expect(m.badBins).toMatch(/histogram\.bins must be an integer from 1 to 1024, got 0/);
  expect(m.badRange).toMatch(/histogram\.range must be 'auto' or \[lo, hi\] with finite lo < hi .*got \[1, -1\]/);
  expect(m.tooLarge).toMatch(/needs \d+ bytes, more than this adapter's maxStorageBufferBindingSize \(\d+ bytes\)/);
});

test('the plan is data: one submit, counted dispatches, bind groups and buffers made once', async ({ harness }) => {
  const r = await harness.evaluate(async () => {
    const { engine } = window.harness;
    const e = await engine();
    const net = e.createMLP({ dims: [300, 200, 100, 10], batch: 16, activation: 'tanh', bias: true });
    await net.setInput('randn');
    const forward = await net.planSummary('forward');
    const step = await net.planSummary('forwardBackward');
    const printed = await net.describePlan('forward');
    await net.forwardBackward('randn');
    const before = e.memory();
    const submits: number[] = [];
    const maps: number[] = [];
    // Count submits and mapAsync calls of each step by wrapping the two entry points.
    const queue = e.device.queue;
    const submit = queue.submit.bind(queue);
    let calls = 0;
    (queue as { submit: GPUQueue['submit'] }).submit = (buffers) => { calls++; return submit(buffers); };
    const proto = GPUBuffer.prototype;
    // eslint-disable-next-line @typescript-eslint/unbound-method -- called below with apply(this, args)
    const mapAsync = proto.mapAsync;
    let mapCalls = 0;
    proto.mapAsync = function (this: GPUBuffer, ...args: Parameters<GPUBuffer['mapAsync']>) { mapCalls++; return mapAsync.apply(this, args); };
    for (let i = 0; i < 5; i++) {
      calls = 0; mapCalls = 0;
      await net.forwardBackward('randn');
      submits.push(calls); maps.push(mapCalls);
    }
    proto.mapAsync = mapAsync;
    (queue as { submit: GPUQueue['submit'] }).submit = submit;
    const after = e.memory();
    // Another bin count rebuilds the stats buffer and the plans; switching back and forth must
    // release what each rebuild replaced, so two cycles hold what one cycle holds.
    const cycle = async () => {
      await net.forwardBackward('randn', { histogram: { bins: 32 } });
      await net.forwardBackward('randn', { histogram: { bins: 64 } });
      return e.memory();
    };
    const rebinned = [await cycle(), await cycle()];
    net.destroy();
    return { forward, stepCount: step.dispatchCount, printed, submits, maps, before, after, rebinned };
  });
  // forward: per layer one fused matmul or split-K matmul + epilogue, then 3 stats dispatches.
  expect(r.forward.dispatchCount).toBeGreaterThanOrEqual(3 + 3);
  expect(r.forward.steps.slice(-3).map((s) => s.label)).toEqual(['forward stats moments', 'forward stats finalize', 'forward stats histogram']);
  expect(r.forward.steps[0].label).toMatch(/^layer 0 forward matmul/);
  expect(r.forward.steps[0].reads).toContain('W0');
  // The printed plan names its compute passes (the submits are counted below, on the device).
  expect(r.printed).toMatch(/plan "forward with stats": \d+ dispatches in 1 compute pass \(forward 0\.\.\d+\), stats slots \d+\.\.\d+ read back/);
  expect(r.stepCount).toBeGreaterThan(r.forward.dispatchCount);
  expect(r.submits).toEqual([1, 1, 1, 1, 1]);
  expect(r.maps).toEqual([1, 1, 1, 1, 1]);
  expect(r.after).toEqual(r.before);
  expect(r.rebinned[1]).toEqual(r.rebinned[0]);
});

test('profile times every dispatch of the plan, in plan order, and leaves the step usable', async ({ harness }) => {
  const r = await harness.evaluate(async () => {
    const { engine } = window.harness;
    const e = await engine();
    const net = e.createMLP({ dims: [40, 33, 20], batch: 5, activation: 'tanh' });
    await net.setInput('randn');
    const plan = await net.planSummary('forwardBackward');
    const profile = await net.profile('forwardBackward');
    const printed = window.harness.initscope.formatProfile(profile);
    const refusedBackward = await net.profile('backward').then(() => 'no error', (err: Error) => err.message);
    const fresh = e.createMLP({ dims: [4, 3], batch: 2 });
    const noInput = await (async () => fresh.profile('forward'))().then(() => 'no error', (err: Error) => err.message);
    const after = await net.backward('randn');
    net.destroy();
    fresh.destroy();
    return {
      planLabels: plan.steps.map((s) => s.label), profileLabels: profile.dispatches.map((d) => d.label),
      times: profile.dispatches.map((d) => d.ms), total: profile.totalMs, clock: profile.clock,
      timestamps: e.hasTimestamps, printed, refusedBackward, noInput, afterLayers: after.layers.length,
    };
  });
  expect(r.profileLabels).toEqual(r.planLabels);
  expect(r.times.every((t: number) => Number.isFinite(t) && t >= 0)).toBe(true);
  expect(r.total).toBeGreaterThan(0);
  expect(r.total).toBeCloseTo(r.times.reduce((a: number, b: number) => a + b, 0), 6);
  expect(r.clock).toBe(r.timestamps ? 'gpu' : 'wall');
  expect(r.printed.split('\n')).toHaveLength(r.planLabels.length + 1);
  expect(r.printed).toMatch(/profile "forward\+backward\(randn\) with stats" \((gpu|wall) clock, each dispatch alone\)/);
  // The profiled step ran a forward, so a backward can follow; a net without input is refused.
  expect(r.refusedBackward).toBe('no error');
  expect(r.noInput).toMatch(/profile: no input yet/);
  expect(r.afterLayers).toBe(2);
});

test('a lost device turns every later call into an error that says so', async ({ harness }) => {
  const r = await harness.evaluate(async () => {
    const { initscope } = window.harness;
    const adapter = await navigator.gpu.requestAdapter();
    const device = await adapter!.requestDevice();
    const e = await initscope.createEngine({ device });
    const net = e.createMLP({ dims: [8, 8], batch: 2 });
    await net.setInput('randn');
    await net.forward();
    device.destroy();
    const info = await e.lost;
    const forward = await net.forward().then(() => 'no error', (err: Error) => err.message);
    const create = await Promise.resolve().then(() => e.createMLP({ dims: [4, 4], batch: 1 })).then(() => 'no error', (err: Error) => err.message);
    return { reason: info.reason, forward, create };
  });
  expect(r.reason).toBe('destroyed');
  expect(r.forward).toMatch(/forward: the GPU device was lost \(destroyed\).*create a new engine/);
  expect(r.create).toMatch(/createMLP: the GPU device was lost/);
});
