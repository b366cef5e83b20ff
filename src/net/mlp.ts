import { InitscopeError, invalid } from '../model/errors';
import { writeFloats, type BufferPool } from '../gpu/buffers';
import type { Dispatch, KernelContext } from '../kernels/program';
import { initDispatch, STREAM_INPUT } from '../kernels/init';
import { initRule } from '../model/initializers';
import { statsScratch } from '../stats/batch';
import { PARTIAL_WORDS, statsSlotWords } from '../stats/layout';
import { DEFAULT_BINS, parseHistogram, type HistogramOptions, type HistogramRange } from '../model/histogram';
import {
  backwardStatsBatches, buildPlan, buildWeightStatsPlan, forwardStatsTensors, type BuiltPlan, type NetBuffers,
  type Upstream,
} from '../scheduler/build';
import { PlanExecutor, type PlanRun } from '../scheduler/executor';
import { formatPlan, summarizePlan, type Plan, type PlanSummary } from '../scheduler/plan';
import type { PlanProfile } from '../scheduler/profile';
import { layerShapes, partialFloats, storedDzFloats, type LayerShapes } from '../scheduler/shapes';
import { backwardLayerStats, forwardLayerStats, SlotReader } from '../stats/layers';
import { slotCount, weightSlot } from '../stats/slots';
import type { BackwardLayerStats, BackwardResult, ForwardLayerStats, ForwardResult, TensorStats } from '../stats/types';
import { inputGradOffset, layoutNet, type NetLayout } from '../model/layout';
import { checkArray, checkLayerIndex, parseMLPOptions, type MLPOptions, type MLPSpec } from '../model/options';

export interface PassOptions { stats?: boolean; histogram?: HistogramOptions }
export type UpstreamGradient = 'ones' | 'randn' | Float32Array;
export type PlanKind = 'forward' | 'backward' | 'forwardBackward';

/** What the net needs from its engine. */
export interface EngineCore {
  ctx: KernelContext;
  pool: BufferPool;
  timestamps: boolean;
  /** Throws if the device was lost or an uncaptured GPU error happened. */
  assertHealthy(where: string): void;
}

/** The lecture's MLP on the GPU. Every method is queued behind the previous one, so calls never
 *  overlap on the GPU and `createMLP` can return before the weights are made. */
export class MLP {
  readonly spec: MLPSpec;
  readonly layout: NetLayout;
  private readonly shapes: LayerShapes[];
  private readonly buffers: NetBuffers;
  private queue: Promise<unknown>;
  private plans = new Map<string, Promise<BuiltPlan>>();
  private bins = DEFAULT_BINS;
  private range: HistogramRange = 'auto';
  private readonly executor: PlanExecutor;
  private cachedDispatches = new Map<string, Promise<Dispatch>>();
  private inputSet = false;
  private forwardCurrent = false;
  private destroyed = false;

  constructor(private core: EngineCore, options: MLPOptions) {
    this.spec = parseMLPOptions(options);
    this.layout = layoutNet(this.spec);
    this.shapes = layerShapes(this.spec, this.layout, core.ctx.target);
    const pool = core.pool;
    const made: GPUBuffer[] = [];
    const storage = (label: string, bytes: number) => { const b = pool.storage(label, bytes); made.push(b); return b; };
    try {
      const scratch = this.statsScratchSizes();
      this.buffers = {
        arena: storage('arena (X, Z, A, dA, db, dalpha)', this.layout.arenaFloats * 4),
        small: storage('biases and alphas', this.layout.smallFloats * 4),
        weights: this.layout.layers.map((layer, l) => storage(`W${l} [${layer.din}x${layer.cols}]`, layer.weightCount * 4)),
        weightGrads: [],
        partials: storage('split-K partials', Math.max(4, partialFloats(this.shapes, this.spec.activation.pieces > 1)) * 4),
        storedDz: storage('stored dZ (CPU-adapter dW)', Math.max(4, storedDzFloats(this.shapes)) * 4),
        dummy: storage('unused binding', 16),
        stats: storage('stats', slotCount(this.spec.layers) * statsSlotWords(this.bins) * 4),
        statsPartials: storage('stats partials', scratch.partialWords * 4),
        statsFlags: storage('stats column flags', scratch.flagWords * 4),
      };
    } catch (e) {
      made.forEach((b) => pool.release(b));
      throw e;
    }
    this.executor = new PlanExecutor(core.ctx, pool, core.timestamps, statsSlotWords(this.bins) * 4, slotCount(this.spec.layers));
    this.queue = this.initialize();
  }

  private statsScratchSizes(): { partialWords: number; flagWords: number } {
    const batches = [forwardStatsTensors(this.spec, this.layout),
      ...backwardStatsBatches(this.spec, this.layout, this.layout.layers.map(() => 'arena' as const))];
    let partialWords = PARTIAL_WORDS;
    let flagWords = 1;
    for (const batch of batches) {
      const s = statsScratch(batch, this.core.ctx.target);
      partialWords = Math.max(partialWords, s.partialWords);
      flagWords = Math.max(flagWords, s.flagWords);
    }
    return { partialWords, flagWords };
  }

  private serial<T>(where: string, op: () => Promise<T>): Promise<T> {
    if (this.destroyed) return Promise.reject(new InitscopeError(`${where}: this net was destroyed`, 'destroyed'));
    const run = this.queue.then(() => { this.core.assertHealthy(where); return op(); });
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async initialize(): Promise<void> {
    const { spec, layout, core } = this;
    const dispatches: Dispatch[] = [];
    for (const [l, layer] of layout.layers.entries()) {
      dispatches.push(await initDispatch(core.ctx, { label: `init W${l}`, buffer: this.buffers.weights[l], offset: 0,
        count: layer.weightCount, seed: spec.seed, stream: l, rule: initRule(spec.init, layer.din, layer.cols) }));
      if (layer.bias !== undefined) {
        dispatches.push(await initDispatch(core.ctx, { label: `init b${l}`, buffer: this.buffers.small, offset: layer.bias,
          count: layer.cols, seed: spec.seed, stream: 0, rule: { mode: 0, scale: 0, value: spec.biasInit ?? 0 } }));
      }
      if (layer.alpha !== undefined) {
        dispatches.push(await initDispatch(core.ctx, { label: `init alpha${l}`, buffer: this.buffers.small, offset: layer.alpha,
          count: layer.units, seed: spec.seed, stream: 0, rule: { mode: 0, scale: 0, value: spec.activation.param } }));
      }
    }
    await this.executor.submitOnce({ name: 'initialise parameters', dispatches });
    dispatches.forEach((d) => d.owned.forEach((b) => core.pool.release(b)));
  }

  /** Resolves once the weights exist (createMLP returns before that). */
  ready(): Promise<void> { return this.serial('ready', async () => undefined); }

  setInput(input: 'randn' | Float32Array): Promise<void> {
    const B = this.spec.batch;
    const din = this.spec.dims[0];
    if (input !== 'randn') checkArray('setInput', 'input', input, B * din, `batch x dims[0] = ${B} x ${din}, row-major`);
    this.forwardCurrent = false;
    this.inputSet = true;
    return this.serial('setInput', async () => {
      if (input === 'randn') {
        const d = await this.cachedDispatch('input randn', () => initDispatch(this.core.ctx, { label: 'input X (randn)',
          buffer: this.buffers.arena, offset: this.layout.x, count: B * din, seed: this.spec.seed, stream: STREAM_INPUT,
          rule: { mode: 1, scale: 1, value: 0 } }));
        await this.executor.submitOnce({ name: 'input randn', dispatches: [d] });
      } else {
        writeFloats(this.core.ctx.device.queue, this.buffers.arena, this.layout.x, input);
      }
    });
  }

  setParameters(l: number, params: { W?: Float32Array; b?: Float32Array; alpha?: Float32Array }): Promise<void> {
    const where = 'setParameters';
    checkLayerIndex(where, l, this.spec.layers);
    const layer = this.layout.layers[l];
    if (typeof params !== 'object' || params === null) throw invalid(where, 'params', params, 'an object { W?, b?, alpha? }');
    for (const key of Object.keys(params)) {
      if (!['W', 'b', 'alpha'].includes(key)) throw invalid(where, key, (params as Record<string, unknown>)[key], 'absent (known: W, b, alpha)');
    }
    if (params.W !== undefined) checkArray(where, 'W', params.W, layer.weightCount, `dims[l] x ${this.spec.activation.pieces > 1 ? 'k*' : ''}dims[l+1] = ${layer.din} x ${layer.cols}, row-major`);
    if (params.b !== undefined) {
      if (layer.bias === undefined) throw invalid(where, 'b', params.b, 'absent: this net was made with bias: false');
      checkArray(where, 'b', params.b, layer.cols, `${layer.cols} columns`);
    }
    if (params.alpha !== undefined) {
      if (layer.alpha === undefined) throw invalid(where, 'alpha', params.alpha, `absent: only prelu has alpha (activation is ${this.spec.activation.name})`);
      checkArray(where, 'alpha', params.alpha, layer.units, `one per unit = ${layer.units}`);
    }
    this.forwardCurrent = false;
    return this.serial(where, async () => {
      const q = this.core.ctx.device.queue;
      if (params.W) writeFloats(q, this.buffers.weights[l], 0, params.W);
      if (params.b && layer.bias !== undefined) writeFloats(q, this.buffers.small, layer.bias, params.b);
      if (params.alpha && layer.alpha !== undefined) writeFloats(q, this.buffers.small, layer.alpha, params.alpha);
    });
  }

  private cachedDispatch(key: string, make: () => Promise<Dispatch>): Promise<Dispatch> {
    let d = this.cachedDispatches.get(key);
    if (!d) { d = make(); this.cachedDispatches.set(key, d); }
    return d;
  }

  /** Drops every built plan and the uniform and descriptor buffers its dispatches own. */
  private async releasePlans(): Promise<void> {
    const plans = [...this.plans.values()];
    this.plans.clear();
    for (const built of plans) {
      (await built.catch(() => undefined))?.plan.dispatches.forEach((d) => d.owned.forEach((b) => this.core.pool.release(b)));
    }
  }

  /** Switches to the histogram settings of a call; a new bin count needs a new stats buffer and plans. */
  private async useHistogram({ bins, range }: { bins: number; range: HistogramRange }): Promise<void> {
    if (bins !== this.bins) {
      this.core.pool.release(this.buffers.stats);
      this.bins = bins;
      this.buffers.stats = this.core.pool.storage('stats', slotCount(this.spec.layers) * statsSlotWords(bins) * 4);
      await this.releasePlans();
      this.executor.resizeSlots(statsSlotWords(bins) * 4);
    }
    this.range = range;
  }

  private ensureGradientBuffers(): void {
    if (this.buffers.weightGrads.length) return;
    this.buffers.weightGrads = this.layout.layers.map((layer, l) =>
      this.core.pool.storage(`dW${l} [${layer.din}x${layer.cols}]`, layer.weightCount * 4));
  }

  private planInputs() {
    return { ctx: this.core.ctx, spec: this.spec, layout: this.layout, shapes: this.shapes, buffers: this.buffers, bins: this.bins, range: this.range };
  }

  private cachedPlan(key: string, build: () => Promise<BuiltPlan>): Promise<BuiltPlan> {
    let built = this.plans.get(key);
    if (!built) {
      built = build();
      this.plans.set(key, built);
      built.catch(() => this.plans.delete(key));
    }
    return built;
  }

  private planKey(forward: boolean, backward: Upstream | undefined, stats: boolean): string {
    return `${forward}|${backward ?? ''}|${stats}|${this.bins}`;
  }

  private getPlan(forward: boolean, backward: Upstream | undefined, stats: boolean): Promise<BuiltPlan> {
    if (backward) this.ensureGradientBuffers();
    return this.cachedPlan(this.planKey(forward, backward, stats), () => buildPlan(this.planInputs(), { forward, backward, stats }));
  }

  /** The plan a call would run, as data (dispatches, kernels, workgroups, buffers). */
  async plan(kind: PlanKind = 'forward', options: { stats?: boolean; upstream?: 'ones' | 'randn' | 'array' } = {}): Promise<Plan> {
    const upstream = kind === 'forward' ? undefined : options.upstream ?? 'randn';
    return (await this.serial('plan', () => this.getPlan(kind !== 'backward', upstream, options.stats ?? true))).plan;
  }

  async describePlan(kind: PlanKind = 'forward', options: { stats?: boolean; upstream?: 'ones' | 'randn' | 'array' } = {}): Promise<string> {
    return formatPlan(await this.plan(kind, options));
  }

  async planSummary(kind: PlanKind = 'forward', options: { stats?: boolean; upstream?: 'ones' | 'randn' | 'array' } = {}): Promise<PlanSummary> {
    return summarizePlan(await this.plan(kind, options));
  }

  /** Runs the plan of a call once with every dispatch in a pass of its own and returns the time of
   *  each (GPU timestamps where the adapter has them, else wall clock per submit). It is a real step:
   *  it changes what forward/backward would have changed. */
  profile(kind: PlanKind = 'forwardBackward', options: { stats?: boolean } = {}): Promise<PlanProfile> {
    this.requireInput('profile');
    const stats = options.stats ?? true;
    return this.serial('profile', async () => {
      if (kind === 'backward' && !this.forwardCurrent) {
        throw new InitscopeError("profile('backward'): the forward activations are missing or stale; call net.forward() first", 'invalid-state');
      }
      const built = await this.getPlan(kind !== 'backward', kind === 'forward' ? undefined : 'randn', stats);
      const profile = await this.executor.profile(built, this.range);
      this.core.assertHealthy('profile');
      if (kind !== 'backward') this.forwardCurrent = true;
      return profile;
    });
  }

  private async execute(built: BuiltPlan): Promise<PlanRun> {
    const run = await this.executor.run(built, this.buffers.stats, this.range);
    this.core.assertHealthy(built.plan.name);
    return run;
  }

  private forwardStats(words: Uint32Array): ForwardLayerStats[] {
    return forwardLayerStats(new SlotReader(words, 0, this.bins), this.spec, this.layout);
  }

  private backwardStats(words: Uint32Array, firstSlot: number): BackwardLayerStats[] {
    return backwardLayerStats(new SlotReader(words, firstSlot, this.bins), this.spec, this.layout);
  }

  private requireInput(where: string): void {
    if (!this.inputSet) throw new InitscopeError(`${where}: no input yet; call net.setInput('randn') or net.setInput(Float32Array of batch x dims[0])`, 'invalid-state');
  }

  private upstreamKind(where: string, gradient: UpstreamGradient): Upstream {
    if (gradient === 'ones' || gradient === 'randn') return gradient;
    const top = this.layout.layers[this.spec.layers - 1];
    checkArray(where, 'gradient', gradient, this.spec.batch * top.units, `dL/dA_L, batch x dims[L] = ${this.spec.batch} x ${top.units}`);
    return 'array';
  }

  private writeUpstream(gradient: UpstreamGradient): void {
    if (gradient instanceof Float32Array) {
      const top = this.layout.layers[this.spec.layers - 1];
      writeFloats(this.core.ctx.device.queue, this.buffers.arena, top.da, gradient);
    }
  }

  forward(options: PassOptions = {}): Promise<ForwardResult> {
    this.requireInput('forward');
    const stats = options.stats ?? true;
    const hist = parseHistogram('forward', options.histogram);
    return this.serial('forward', async () => {
      await this.useHistogram(hist);
      const result = await this.execute(await this.getPlan(true, undefined, stats));
      this.forwardCurrent = true;
      return { layers: result.words ? this.forwardStats(result.words) : [], gpuTimeMs: result.gpuTimeMs, wallTimeMs: result.wallTimeMs };
    });
  }

  backward(gradient: UpstreamGradient = 'randn', options: PassOptions = {}): Promise<BackwardResult> {
    const upstream = this.upstreamKind('backward', gradient);
    const stats = options.stats ?? true;
    const hist = parseHistogram('backward', options.histogram);
    return this.serial('backward', async () => {
      if (!this.forwardCurrent) {
        throw new InitscopeError('backward: the forward activations are missing or stale; call net.forward() after setInput/setParameters and before backward()', 'invalid-state');
      }
      await this.useHistogram(hist);
      this.writeUpstream(gradient);
      const result = await this.execute(await this.getPlan(false, upstream, stats));
      return { layers: result.words ? this.backwardStats(result.words, 2 * this.spec.layers) : [], gpuTimeMs: result.gpuTimeMs, wallTimeMs: result.wallTimeMs };
    });
  }

  /** forward() and backward() as one recorded step: one submit, one readback. */
  forwardBackward(gradient: UpstreamGradient = 'randn', options: PassOptions = {}): Promise<{ forward: ForwardResult; backward: BackwardResult }> {
    this.requireInput('forwardBackward');
    const upstream = this.upstreamKind('forwardBackward', gradient);
    const stats = options.stats ?? true;
    const hist = parseHistogram('forwardBackward', options.histogram);
    return this.serial('forwardBackward', async () => {
      await this.useHistogram(hist);
      this.writeUpstream(gradient);
      const r = await this.execute(await this.getPlan(true, upstream, stats));
      this.forwardCurrent = true;
      const words = r.words;
      return {
        forward: { layers: words ? this.forwardStats(words) : [], gpuTimeMs: r.gpuTimeMs, wallTimeMs: r.wallTimeMs },
        backward: { layers: words ? this.backwardStats(words, 0) : [], gpuTimeMs: r.gpuTimeMs, wallTimeMs: r.wallTimeMs },
      };
    });
  }

  /** Fills every output the passes write (arena except X, dW, stats) with NaN, so a test can
   *  tell an element a kernel never wrote from one it wrote. */
  poisonForTesting(): Promise<void> {
    return this.serial('poisonForTesting', async () => {
      const q = this.core.ctx.device.queue;
      const nan = (n: number) => new Float32Array(n).fill(NaN);
      const xEnd = this.layout.x + this.spec.batch * this.spec.dims[0];
      writeFloats(q, this.buffers.arena, xEnd, nan(this.layout.arenaFloats - xEnd));
      this.buffers.weightGrads.forEach((b, l) => writeFloats(q, b, 0, nan(this.layout.layers[l].weightCount)));
      writeFloats(q, this.buffers.stats, 0, nan(this.buffers.stats.size / 4));
      this.forwardCurrent = false;
    });
  }

  readActivations(l: number): Promise<Float32Array> {
    checkLayerIndex('readActivations', l, this.spec.layers);
    const layer = this.layout.layers[l];
    return this.serial('readActivations', () => this.executor.readRegion(this.buffers.arena, layer.a, this.spec.batch * layer.units, `A${l}`));
  }

  readPreactivations(l: number): Promise<Float32Array> {
    checkLayerIndex('readPreactivations', l, this.spec.layers);
    const layer = this.layout.layers[l];
    return this.serial('readPreactivations', () => this.executor.readRegion(this.buffers.arena, layer.z, this.spec.batch * layer.cols, `Z${l}`));
  }

  readInput(): Promise<Float32Array> {
    return this.serial('readInput', () => this.executor.readRegion(this.buffers.arena, this.layout.x, this.spec.batch * this.spec.dims[0], 'X'));
  }

  /** Statistics of every layer's W, computed on the GPU (no weights are read back): the same
   *  TensorStats as the passes report, e.g. for std(dW) / std(W). */
  weightStats(options: { histogram?: HistogramOptions } = {}): Promise<TensorStats[]> {
    const hist = parseHistogram('weightStats', options.histogram);
    return this.serial('weightStats', async () => {
      await this.useHistogram(hist);
      const run = await this.execute(await this.cachedPlan(`weights|${this.bins}`, () => buildWeightStatsPlan(this.planInputs())));
      const slots = new SlotReader(run.words!, weightSlot(this.spec.layers, 0), this.bins);
      return this.layout.layers.map((layer, l) => slots.tensor(weightSlot(this.spec.layers, l), layer.weightCount, layer.cols));
    });
  }

  /** The current parameters of layer l (W, and b / alpha where the net has them). */
  readParameters(l: number): Promise<{ W: Float32Array; b?: Float32Array; alpha?: Float32Array }> {
    checkLayerIndex('readParameters', l, this.spec.layers);
    const layer = this.layout.layers[l];
    return this.serial('readParameters', async () => ({
      W: await this.executor.readRegion(this.buffers.weights[l], 0, layer.weightCount, `W${l}`),
      ...(layer.bias !== undefined ? { b: await this.executor.readRegion(this.buffers.small, layer.bias, layer.cols, `b${l}`) } : {}),
      ...(layer.alpha !== undefined ? { alpha: await this.executor.readRegion(this.buffers.small, layer.alpha, layer.units, `alpha${l}`) } : {}),
    }));
  }

  /** dL/dW_l, dL/db_l, dL/dalpha_l and dL/dA_{l-1} (dL/dX for l = 0) of the last backward. */
  readGradients(l: number): Promise<{ W: Float32Array; b?: Float32Array; alpha?: Float32Array; input: Float32Array }> {
    checkLayerIndex('readGradients', l, this.spec.layers);
    const layer = this.layout.layers[l];
    return this.serial('readGradients', async () => {
      if (!this.buffers.weightGrads.length) throw new InitscopeError('readGradients: no gradients yet; call net.backward() first', 'invalid-state');
      return {
        W: await this.executor.readRegion(this.buffers.weightGrads[l], 0, layer.weightCount, `dW${l}`),
        ...(layer.db !== undefined ? { b: await this.executor.readRegion(this.buffers.arena, layer.db, layer.cols, `db${l}`) } : {}),
        ...(layer.dalpha !== undefined ? { alpha: await this.executor.readRegion(this.buffers.arena, layer.dalpha, layer.units, `dalpha${l}`) } : {}),
        input: await this.executor.readRegion(this.buffers.arena, inputGradOffset(this.layout, l), this.spec.batch * layer.din, l === 0 ? 'dX' : `dA${l - 1}`),
      };
    });
  }

  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    const pool = this.core.pool;
    const release = async () => {
      await this.queue;
      await this.releasePlans();
      for (const d of this.cachedDispatches.values()) (await d.catch(() => undefined))?.owned.forEach((buf) => pool.release(buf));
      const { weights, weightGrads, ...rest } = this.buffers;
      [...weights, ...weightGrads, ...Object.values(rest)].forEach((buf) => pool.release(buf));
      this.executor.release();
    };
    void release();
  }
}
