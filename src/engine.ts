import { InitscopeError, invalid, refuseUnknownKeys, validated } from './model/errors';
import { BufferAllocator } from './gpu/buffers';
import { acquireDevice, type AdapterDescription, type EngineOptions } from './gpu/device';
import { PipelineCache } from './gpu/pipelines';
import type { KernelTarget } from './kernels/program';
import type { EngineCore } from './net/core';
import { Net } from './net/net';
import { mlpSource, netEntries, netSource } from './net/sources';
import { checkCheckpoint, checkpointOptions, writeCheckpoint } from './net/checkpoint';
import { internalsOf } from './net/internals';
import { layoutNet } from './model/layout';
import { parseNetOptions, widthOf } from './model/net';

import type { MLPOptions } from './model/options';
import type { NetOptions } from './model/net';

/** A GPU device with the engine's buffer allocator and caches: makes nets, reports memory, is destroyed once. */
export interface Engine {
  readonly device: GPUDevice;
  readonly adapterInfo: AdapterDescription;
  /** Whether passes report GPU time (the adapter has `timestamp-query`). */
  readonly hasTimestamps: boolean;
  /** The kernel variants in use: 'cpu' on software adapters unless EngineOptions.kernels says otherwise. */
  readonly kernelTarget: KernelTarget;
  /** Resolves if the device is lost (driver reset, tab in background too long, destroy()). */
  readonly lost: Promise<GPUDeviceLostInfo>;
  /** The lecture's MLP on this engine; refuses bad options synchronously with an InitscopeError. */
  createMLP(options: MLPOptions): Net;
  /** A net of layers (dense, conv, maxpool, avgpool, flatten; design.md section 9); refuses bad
   *  options synchronously, naming the layer, the field and the shape that did not fit. */
  createNet(options: NetOptions): Net;
  /** A net made again from `net.save()`'s bytes (or a PyTorch `safetensors` file of the same
   *  names): `spec` (createNet options) wins over the file's metadata. Rejects a file that does
   *  not fit (each refusal names the tensor) before anything is allocated. */
  loadNet(bytes: Uint8Array, options?: { spec?: NetOptions }): Promise<Net>;
  /** Live GPU buffers the engine holds; constant across steps. */
  memory(): { buffers: number; bytes: number };
  /** Frees every GPU buffer and, if the engine made it, the device. A second call does nothing. */
  destroy(): void;
}

/** Each engine's core, and what must outlive its device (AcquiredDevice.keepAlive), for as long as
 *  the engine is reachable; kept off the public object. */
const CORES = new WeakMap<Engine, { core: EngineCore; keepAlive: unknown }>();

/** Internal (src/testing.ts): the core of an engine made by createEngine. */
export function coreOf(engine: Engine): EngineCore {
  const found = CORES.get(engine);
  if (!found) throw new Error('coreOf: not an engine made by createEngine');
  return found.core;
}

const ENGINE_OPTIONS = ['gpu', 'device', 'powerPreference', 'kernels'];

function checkEngineOptions(options: unknown): void {
  const where = 'createEngine';
  if (typeof options !== 'object' || options === null || Array.isArray(options)) throw invalid(where, 'options', options, `an object { ${ENGINE_OPTIONS.join(', ')} } (all optional)`);
  const o = options as Record<string, unknown>;
  refuseUnknownKeys(where, undefined, o, ENGINE_OPTIONS);
  if (o.kernels !== undefined && !['auto', 'gpu', 'cpu'].includes(o.kernels as string)) throw invalid(where, 'kernels', o.kernels, "'auto', 'gpu' or 'cpu'");
  if (o.powerPreference !== undefined && o.powerPreference !== 'low-power' && o.powerPreference !== 'high-performance') {
    throw invalid(where, 'powerPreference', o.powerPreference, "'low-power' or 'high-performance'");
  }
  const has = (v: unknown, method: string) => typeof v === 'object' && v !== null && typeof (v as Record<string, unknown>)[method] === 'function';
  if (o.gpu !== undefined && !has(o.gpu, 'requestAdapter')) throw invalid(where, 'gpu', o.gpu, "a GPU object (navigator.gpu, or Dawn's from createNodeGPU())");
  if (o.device !== undefined && !has(o.device, 'createBuffer')) throw invalid(where, 'device', o.device, 'a GPUDevice');
}

/** Acquires a WebGPU device (the browser's `navigator.gpu`, or `options.gpu` such as Dawn's in Node) and returns an engine on it. */
export async function createEngine(options: EngineOptions = {}): Promise<Engine> {
  checkEngineOptions(options);
  const kernels = options.kernels ?? 'auto';
  const acquired = await acquireDevice(options);
  const target: KernelTarget = kernels === 'auto' ? (acquired.adapterInfo.isFallbackAdapter ? 'cpu' : 'gpu') : kernels;
  const { device } = acquired;
  const allocator = new BufferAllocator(device);
  const pipelines = new PipelineCache(device);
  let failure: InitscopeError | undefined;
  let destroyed = false;

  const lost = device.lost.then((info) => {
    if (!destroyed) {
      failure = new InitscopeError(`the GPU device was lost (${info.reason}): ${info.message || 'no message'}; create a new engine to continue`, 'device-lost');
    }
    return info;
  });
  device.addEventListener('uncapturederror', (event) => {
    const error = (event).error;
    failure ??= new InitscopeError(`GPU error: ${error.message}`, 'gpu-error');
    console.error('initscope:', error.message);
  });

  const core: EngineCore = {
    ctx: { device, target, pipelines, allocator },
    allocator,
    timestamps: acquired.hasTimestamps,
    settle: () => Promise.race([lost.then(() => undefined), new Promise<void>((resolve) => setTimeout(resolve, 100))]),
    assertHealthy(where: string) {
      if (destroyed) throw new InitscopeError(`${where}: the engine was destroyed`, 'destroyed');
      if (failure) throw new InitscopeError(`${where}: ${failure.message}`, failure.code);
    },
  };

  const engine: Engine = {
    device,
    adapterInfo: acquired.adapterInfo,
    hasTimestamps: acquired.hasTimestamps,
    kernelTarget: target,
    lost,
    createMLP(mlpOptions: MLPOptions) {
      core.assertHealthy('createMLP');
      return new Net(core, mlpSource(mlpOptions));
    },
    createNet(netOptions: NetOptions) {
      core.assertHealthy('createNet');
      return new Net(core, netSource(netOptions));
    },
    loadNet(bytes: Uint8Array, loadOptions: { spec?: NetOptions } = {}) {
      return validated(() => {
        core.assertHealthy('loadNet');
        const { options, tensors } = checkpointOptions(bytes);
        const chosen = loadOptions.spec ?? options;
        if (chosen === undefined) throw invalid('loadNet', 'spec', undefined, 'createNet options: the file has no "initscope" metadata to make the net from');
        // The file is checked against the net's shapes before any buffer is made.
        const spec = parseNetOptions(chosen);
        const entries = netEntries(spec);
        checkCheckpoint(spec, { entries, layout: layoutNet(entries, spec.batch, widthOf(spec.input)) }, tensors);
        return { chosen: chosen as NetOptions, tensors, spec };
      }, async ({ chosen, tensors, spec }) => {
        const net = new Net(core, netSource(chosen));
        const internals = internalsOf(net);
        await internals.run('loadNet', () => { writeCheckpoint(spec, internals.resources, device.queue, tensors); return Promise.resolve(); });
        return net;
      });
    },
    memory: () => allocator.stats,
    destroy() {
      if (destroyed) return;
      destroyed = true;
      allocator.releaseAll();
      if (acquired.ownsDevice) device.destroy();
    },
  };
  CORES.set(engine, { core, keepAlive: acquired.keepAlive });
  return engine;
}
