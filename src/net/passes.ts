// A net's passes (the base of the user-facing Net, net.ts): its resources and queue, the input
// and parameters, the plans of forward and backward with their statistics, and reading tensors
// back. Allocation is resources.ts, reading tensors readers.ts; what builds on the passes
// (initialisations from data, training, masks, checkpoints) is Net's, in net.ts.
import { allocateChecked } from '../gpu/allocate';
import { writeFloats } from '../gpu/buffers';
import { initDispatch, STREAM_INPUT } from '../kernels/init';
import { InitscopeError, validated } from '../model/errors';
import { DEFAULT_BINS, parseHistogram, type HistogramOptions } from '../model/histogram';
import { resolveLayer, weightedLayers, widthOf, type NetSpec } from '../model/net';
import { checkArray } from '../model/options';
import type { BuiltPlan, PlanKind as BuildKind, Upstream } from '../scheduler/build';
import { PlanExecutor, type PlanRun } from '../scheduler/executor';
import { LAYER_TYPES } from '../scheduler/layers';
import { formatPlan, summarizePlan, type Plan, type PlanSummary } from '../scheduler/plan';
import type { PlanProfile } from '../scheduler/profile';
import { decodeLayerStats, nestLayerStats } from '../stats/layers';
import { statsSlotWords } from '../stats/layout';
import type { StatsSection } from '../stats/slots';
import type { BackwardLayerStats, BackwardResult, ForwardLayerStats, ForwardResult, TensorStats } from '../stats/types';
import { initializeParameters } from './initialize';
import { registerInternals } from './internals';
import { NetPlans } from './plans';
import { checkParameters, checkWeighted } from './checks';
import { readGradients, readParameters, readRegion, type LayerGradients, type LayerParameters } from './readers';
import type { EngineCore } from './core';
import type { NetSource } from './sources';
import { NetResources } from './resources';

/** Options of a pass: statistics (default true) and their histogram. */
export interface PassOptions { stats?: boolean; histogram?: HistogramOptions }
/** dL/dA_L for backward: all ones (L = sum(A_L)), N(0,1) with the net's seed, or given values. */
export type UpstreamGradient = 'ones' | 'randn' | Float32Array;
/** A layer: its index in `layers`, or [i, j], the j-th layer of the residual block at i. */
export type LayerPath = number | [number, number];
/** Which step a plan, a summary or a profile is of. */
export type PlanKind = 'forward' | 'backward' | 'forwardBackward';


function buildKind(kind: PlanKind, stats: boolean, upstream: Upstream): BuildKind {
  return { forward: kind !== 'backward', backward: kind === 'forward' ? undefined : upstream, stats };
}

/** The passes of a net on the GPU; {@link Net} is the class users get. Every method is queued
 *  behind the previous one, so calls never overlap on the GPU and the net can be returned before
 *  the weights are made. Every method that returns a Promise reports a refusal by rejecting it. */
export class NetPasses {
  protected readonly spec: NetSpec;
  protected readonly inputWidth: number;
  /** The createNet options it was made from, as plain JSON data. */
  protected readonly madeFrom: unknown;
  protected readonly res: NetResources;
  protected readonly executor: PlanExecutor;
  private queue: Promise<unknown>;
  protected readonly plans: NetPlans;
  private inputSet = false;
  protected forwardCurrent = false;
  protected destroyed = false;
  /** Why the net cannot run (its buffers could not be allocated). */
  private failure?: InitscopeError;

  /** @internal Made by `engine.createMLP(options)` or `engine.createNet(options)`. */
  constructor(protected core: EngineCore, source: NetSource) {
    this.spec = source.spec;
    this.inputWidth = widthOf(this.spec.input);
    this.madeFrom = source.options;
    const entries = source.entries;
    const types = entries.map((e) => {
      const type = source.types?.[e.type] ?? LAYER_TYPES[e.type];
      if (!type) throw new InitscopeError(`${source.where}: no layer type runs entries of type ${JSON.stringify(e.type)}`, 'invalid-option', 'layers');
      return type;
    });
    const allocator = core.allocator.scope();
    let allocated: { value: NetResources; check: Promise<void> };
    try {
      allocated = allocateChecked(core.ctx.device, source.where, () =>
        new NetResources({ ...core.ctx, allocator }, allocator, entries, types, this.spec.batch, this.inputWidth, this.spec.seed, DEFAULT_BINS));
    } catch (e) {
      if (!(e instanceof InitscopeError) || e.code !== 'too-large' || !source.hint) throw e;
      throw new InitscopeError(`${source.where}: ${e.message}; ${source.hint(core.ctx)}`, 'too-large', e.field);
    }
    this.res = allocated.value;
    this.executor = new PlanExecutor(this.res.ctx, allocator, core.timestamps, statsSlotWords(DEFAULT_BINS) * 4, this.res.slots.count);
    this.plans = new NetPlans(this.res, this.executor);
    // A net the GPU could not allocate frees what it made and refuses every call; the engine and
    // its other nets go on.
    this.queue = allocated.check.then(() => initializeParameters(this.spec, this.res, this.executor), (e: unknown) => {
      this.failure = e as InitscopeError;
      this.res.release();
      throw e;
    });
    // A net destroyed before its weights were made stops making them ('destroyed'); the first
    // queued call reports any failure, so the rejection is handled here, not lost as unhandled.
    this.queue.catch(() => undefined);
    registerInternals(this, {
      resources: this.res,
      run: (where, op) => this.serial(where, async () => { await op(); this.forwardCurrent = false; }),
    });
  }

  protected serial<T>(where: string, op: () => Promise<T>): Promise<T> {
    if (this.destroyed) return Promise.reject(new InitscopeError(`${where}: this net was destroyed`, 'destroyed'));
    const run = this.queue.then(() => {
      if (this.destroyed) throw new InitscopeError(`${where}: this net was destroyed`, 'destroyed');
      if (this.failure) throw new InitscopeError(`${where}: ${this.failure.message}`, this.failure.code);
      this.core.assertHealthy(where);
      return op();
    }).catch(async (e: unknown) => {
      if (e instanceof InitscopeError) throw e;
      await this.core.settle();
      this.core.assertHealthy(where);
      throw e;
    });
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** Resolves once the weights exist (createMLP returns before that). */
  ready(): Promise<void> { return this.serial('ready', () => Promise.resolve()); }

  /** The input X: N(0,1) from the net's seed, or batch x dims[0] values (a net of layers: batch x
   *  its input shape, row-major: batch x C x H x W for an image). */
  setInput(input: 'randn' | Float32Array): Promise<void> {
    const B = this.spec.batch;
    const din = this.inputWidth;
    return validated(() => {
      const shape = this.spec.input.length === 1 ? `batch x dims[0] = ${B} x ${din}` : `batch x C x H x W = ${B} x ${this.spec.input.join(' x ')}`;
      if (input !== 'randn') checkArray('setInput', 'input', input, B * din, `${shape}, row-major`);
    }, () => this.serial('setInput', async () => {
      this.forwardCurrent = false;
      if (input === 'randn') {
        const d = await this.plans.dispatch('input randn', () => initDispatch(this.res.ctx, { label: 'input X (randn)',
          buffer: this.res.buffers.arena, offset: this.res.layout.x, count: B * din, seed: this.spec.seed, stream: STREAM_INPUT,
          rule: { mode: 1, scale: 1, value: 0 } }));
        await this.executor.submitOnce({ name: 'input randn', dispatches: [d] });
      } else {
        writeFloats(this.core.ctx.device.queue, this.res.buffers.arena, this.res.layout.x, input);
      }
      this.inputSet = true;
    }));
  }

  /** Replaces layer l's W, b or PReLU alpha (l = 0..L-1, or [i, j] inside a residual block). */
  setParameters(l: LayerPath, params: { W?: Float32Array; b?: Float32Array; alpha?: Float32Array }): Promise<void> {
    const where = 'setParameters';
    return validated(() => checkParameters(this.spec, this.res, where, l, params), ({ index, at }) => this.serial(where, () => {
      this.forwardCurrent = false;
      const q = this.core.ctx.device.queue;
      if (params.W) writeFloats(q, this.res.buffers.own[index].W, 0, params.W);
      if (params.b && at.b !== undefined) writeFloats(q, this.res.buffers.small, at.b, params.b);
      if (params.alpha && at.alpha !== undefined) writeFloats(q, this.res.buffers.small, at.alpha, params.alpha);
      return Promise.resolve();
    }));
  }

  /** The plan a call would run, as data (dispatches, kernels, workgroups, buffers). */
  plan(kind: PlanKind = 'forward', options: { stats?: boolean; upstream?: 'ones' | 'randn' | 'array' } = {}): Promise<Plan> {
    return this.serial('plan', async () => (await this.plans.get(buildKind(kind, options.stats ?? true, options.upstream ?? 'randn'))).plan);
  }

  /** The plan as a table: one line per dispatch. */
  async describePlan(kind: PlanKind = 'forward', options: { stats?: boolean; upstream?: 'ones' | 'randn' | 'array' } = {}): Promise<string> {
    return formatPlan(await this.plan(kind, options));
  }

  /** The plan as plain data: dispatch count, kernels, one record per dispatch. */
  async planSummary(kind: PlanKind = 'forward', options: { stats?: boolean; upstream?: 'ones' | 'randn' | 'array' } = {}): Promise<PlanSummary> {
    return summarizePlan(await this.plan(kind, options));
  }

  protected requireInput(where: string): void {
    if (!this.inputSet) {
      throw new InitscopeError(`${where}: no input yet; call net.setInput('randn') or net.setInput(Float32Array of batch x dims[0])`, 'invalid-state');
    }
  }

  protected requireForward(where: string): void {
    if (!this.forwardCurrent) {
      throw new InitscopeError(`${where}: the forward activations are missing or stale; call net.forward() after ` +
        'setInput/setParameters and before backward()', 'invalid-state');
    }
  }

  /** Runs the plan of a call once with every dispatch in a pass of its own and returns the time of
   *  each (GPU timestamps where the adapter has them, else wall clock per submit). It is a real step:
   *  it changes what forward/backward would have changed. */
  profile(kind: PlanKind = 'forwardBackward', options: { stats?: boolean } = {}): Promise<PlanProfile> {
    return this.serial('profile', async () => {
      this.requireInput('profile');
      if (kind === 'backward') this.requireForward("profile('backward')");
      const built = await this.plans.get(buildKind(kind, options.stats ?? true, 'randn'));
      const profile = await this.executor.profile(built, this.plans.range);
      this.core.assertHealthy('profile');
      if (kind !== 'backward') this.forwardCurrent = true;
      return profile;
    });
  }

  protected async execute(built: BuiltPlan): Promise<PlanRun> {
    const run = await this.executor.run(built, this.res.buffers.stats, this.plans.range);
    this.core.assertHealthy(built.plan.name);
    if (built.plan.passes?.some((p) => p.name === 'forward')) this.res.trainModePasses++;
    return run;
  }

  private layerStats<T>(words: Uint32Array | undefined, firstSlot: number, section: StatsSection): T[] {
    if (!words) return [];
    const decoded = decodeLayerStats(words, firstSlot, this.res.histogramBins, this.res.slots, section, this.spec.units.length);
    return nestLayerStats(this.spec, decoded, section === 'forward') as unknown as T[];
  }

  private upstreamKind(where: string, gradient: UpstreamGradient): Upstream {
    if (gradient === 'ones' || gradient === 'randn') return gradient;
    const top = this.res.entries[this.res.entries.length - 1];
    checkArray(where, 'gradient', gradient, this.spec.batch * top.outputWidth, `dL/dA_L, batch x dims[L] = ${this.spec.batch} x ${top.outputWidth}`);
    return 'array';
  }

  private writeUpstream(gradient: UpstreamGradient): void {
    if (gradient instanceof Float32Array) {
      const last = this.res.layout.entries[this.res.entries.length - 1];
      writeFloats(this.core.ctx.device.queue, this.res.buffers.arena, last.at.dout, gradient);
    }
  }

  /** One forward pass with per-layer statistics of Z and A (one submit, one readback). */
  forward(options: PassOptions = {}): Promise<ForwardResult> {
    return validated(() => parseHistogram('forward', options.histogram),
      (hist) => this.serial('forward', async () => {
        this.requireInput('forward');
        await this.plans.useHistogram(hist);
        return this.runForward(options.stats ?? true);
      }));
  }

  protected async runForward(stats: boolean): Promise<ForwardResult> {
    const r = await this.execute(await this.plans.get({ forward: true, stats }));
    this.forwardCurrent = true;
    const first = this.res.slots.range('forward').first;
    return { layers: this.layerStats<ForwardLayerStats>(r.words, first, 'forward'), gpuTimeMs: r.passTimesMs?.[0], wallTimeMs: r.wallTimeMs };
  }

  /** One backward pass for L = sum(A_L * G), with statistics of dW, db, dalpha and dA per layer. */
  backward(gradient: UpstreamGradient = 'randn', options: PassOptions = {}): Promise<BackwardResult> {
    return validated(() => ({ upstream: this.upstreamKind('backward', gradient), hist: parseHistogram('backward', options.histogram) }),
      ({ upstream, hist }) => this.serial('backward', async () => {
        this.requireForward('backward');
        await this.plans.useHistogram(hist);
        this.writeUpstream(gradient);
        const r = await this.execute(await this.plans.get({ forward: false, backward: upstream, stats: options.stats ?? true }));
        const first = this.res.slots.range('backward').first;
        return { layers: this.layerStats<BackwardLayerStats>(r.words, first, 'backward'), gpuTimeMs: r.passTimesMs?.[0], wallTimeMs: r.wallTimeMs };
      }));
  }

  /** forward() and backward() as one recorded step: two compute passes (each timed), one submit, one readback. */
  forwardBackward(gradient: UpstreamGradient = 'randn', options: PassOptions = {}): Promise<{ forward: ForwardResult; backward: BackwardResult }> {
    return validated(() => ({ upstream: this.upstreamKind('forwardBackward', gradient), hist: parseHistogram('forwardBackward', options.histogram) }),
      ({ upstream, hist }) => this.serial('forwardBackward', async () => {
        this.requireInput('forwardBackward');
        await this.plans.useHistogram(hist);
        this.writeUpstream(gradient);
        const r = await this.execute(await this.plans.get({ forward: true, backward: upstream, stats: options.stats ?? true }));
        this.forwardCurrent = true;
        const first = this.res.slots.range('forward').first;
        return {
          // Two passes in one submit: each result has its own pass's GPU time; the wall time is the call's.
          forward: { layers: this.layerStats<ForwardLayerStats>(r.words, first, 'forward'), gpuTimeMs: r.passTimesMs?.[0], wallTimeMs: r.wallTimeMs },
          backward: { layers: this.layerStats<BackwardLayerStats>(r.words, first, 'backward'), gpuTimeMs: r.passTimesMs?.[1], wallTimeMs: r.wallTimeMs },
        };
      }));
  }

  /** A_l of the last forward (or training step: dropped entries included), batch x dims[l+1]. */
  readActivations(l: LayerPath): Promise<Float32Array> {
    return validated(() => resolveLayer('readActivations', this.spec, l),
      (layer) => this.serial('readActivations', () => readRegion(this.res, this.executor, this.spec, layer, 'out')));
  }

  /** Z_l of the last forward, batch x (pieces x dims[l+1]). */
  readPreactivations(l: LayerPath): Promise<Float32Array> {
    return validated(() => checkWeighted(this.spec, 'readPreactivations', l),
      (layer) => this.serial('readPreactivations', () => readRegion(this.res, this.executor, this.spec, layer, 'z')));
  }

  /** The input X, batch x dims[0]. */
  readInput(): Promise<Float32Array> {
    return this.serial('readInput', () => this.executor.readRegion(this.res.buffers.arena, this.res.layout.x, this.spec.batch * this.inputWidth, 'X'));
  }

  /** Statistics of every layer's W, computed on the GPU (no weights are read back): the same
   *  TensorStats as the passes report, e.g. for std(dW) / std(W). */
  weightStats(options: { histogram?: HistogramOptions } = {}): Promise<TensorStats[]> {
    return validated(() => parseHistogram('weightStats', options.histogram), (hist) => this.serial('weightStats', async () => {
      await this.plans.useHistogram(hist);
      const run = await this.execute(await this.plans.weights());
      const first = this.res.slots.range('weights').first;
      const perUnit = decodeLayerStats(run.words!, first, this.res.histogramBins, this.res.slots, 'weights', this.spec.units.length);
      return weightedLayers(this.spec).map((l) => perUnit[l.unit].weight);
    }));
  }

  /** The current parameters of layer l (W, and b / alpha where the net has them). */
  readParameters(l: LayerPath): Promise<LayerParameters> {
    return validated(() => checkWeighted(this.spec, 'readParameters', l),
      (layer) => this.serial('readParameters', () => readParameters(this.res, this.executor, layer.unit)));
  }

  /** dL/dW_l, dL/db_l, dL/dalpha_l and dL/dA_{l-1} (dL/dX for l = 0) of the last backward. */
  readGradients(l: LayerPath): Promise<LayerGradients> {
    return validated(() => checkWeighted(this.spec, 'readGradients', l),
      (layer) => this.serial('readGradients', () => readGradients(this.res, this.executor, layer.unit)));
  }

  /** Frees the net's GPU buffers at once; queued calls and every later call reject with code
   *  'destroyed'. A second call does nothing. */
  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    this.plans.clear();
    this.executor.release();
    this.res.release();
  }
}
