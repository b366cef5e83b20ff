import { InitscopeError } from '../model/errors';

/** Options of {@link createEngine}: which GPU, device or kernel variants to use. */
export interface EngineOptions {
  /** A `GPU` object (Dawn's in Node); defaults to `navigator.gpu`. */
  gpu?: GPU;
  /** An existing device to run on; the engine then neither requests nor destroys one. */
  device?: GPUDevice;
  powerPreference?: GPUPowerPreference;
  /** Kernel variants: 'auto' (default) picks 'cpu' on software adapters (SwiftShader), else 'gpu'. */
  kernels?: 'auto' | 'gpu' | 'cpu';
}

/** The adapter the engine runs on, as it reports itself; software adapters (SwiftShader) count as fallback. */
export interface AdapterDescription {
  vendor: string;
  architecture: string;
  device: string;
  description: string;
  isFallbackAdapter: boolean;
}

export interface AcquiredDevice {
  device: GPUDevice;
  adapterInfo: AdapterDescription;
  ownsDevice: boolean;
  hasTimestamps: boolean;
  /** The GPU and adapter the device came from. Held for the device's lifetime: in Node, Dawn
   *  tears the instance down (and crashes the device's work) once its GPU object is collected. */
  keepAlive: unknown[];
}

const NO_WEBGPU = 'WebGPU is not available: navigator.gpu is missing. Use Chrome or Edge 113+ ' +
  '(on Linux start Chrome with --enable-unsafe-webgpu --enable-features=Vulkan, or enable ' +
  'chrome://flags/#enable-unsafe-webgpu), or in Node pass { gpu: await createNodeGPU() } from "initscope/node".';

// Limits the engine benefits from; requested at the adapter's real values (defaults are far lower).
const WANTED_LIMITS = [
  'maxStorageBufferBindingSize', 'maxBufferSize', 'maxStorageBuffersPerShaderStage',
  'maxComputeWorkgroupStorageSize', 'maxComputeInvocationsPerWorkgroup', 'maxComputeWorkgroupSizeX',
  'maxComputeWorkgroupSizeY', 'maxComputeWorkgroupsPerDimension',
] as const;

/** Adapter info as the engine reports it; software adapters (SwiftShader, llvmpipe, ...) count as
 *  fallback adapters whether or not the browser flags them. */
function describeAdapterInfo(info: GPUAdapterInfo | undefined, flaggedFallback: boolean | undefined): AdapterDescription {
  const software = /swiftshader|llvmpipe|lavapipe|software|microsoft basic/i
    .test(`${info?.vendor} ${info?.architecture} ${info?.description} ${info?.device}`);
  return {
    vendor: info?.vendor ?? '',
    architecture: info?.architecture ?? '',
    device: info?.device ?? '',
    description: info?.description ?? '',
    isFallbackAdapter: Boolean(flaggedFallback) || software,
  };
}

export async function acquireDevice(options: EngineOptions): Promise<AcquiredDevice> {
  if (options.device) {
    const info = options.device.adapterInfo;
    return {
      device: options.device,
      adapterInfo: describeAdapterInfo(info, (info as GPUAdapterInfo & { isFallbackAdapter?: boolean } | undefined)?.isFallbackAdapter),
      ownsDevice: false,
      hasTimestamps: options.device.features.has('timestamp-query'),
      keepAlive: [options.gpu],
    };
  }
  const gpu = options.gpu ?? (typeof navigator !== 'undefined' ? navigator.gpu : undefined);
  if (!gpu) throw new InitscopeError(NO_WEBGPU, 'no-webgpu');
  const adapter = await gpu.requestAdapter({ powerPreference: options.powerPreference ?? 'high-performance' });
  if (!adapter) {
    throw new InitscopeError('WebGPU is present but no adapter was found (requestAdapter returned null): ' +
      'the GPU may be blocklisted or the driver missing; in Chrome see chrome://gpu.', 'no-webgpu');
  }
  const requiredLimits: Record<string, number> = {};
  for (const name of WANTED_LIMITS) requiredLimits[name] = adapter.limits[name];
  const requiredFeatures: GPUFeatureName[] = [];
  if (adapter.features.has('timestamp-query')) requiredFeatures.push('timestamp-query');
  const device = await adapter.requestDevice({ label: 'initscope', requiredLimits, requiredFeatures });
  return {
    device,
    adapterInfo: describeAdapterInfo(adapter.info,
      (adapter.info as GPUAdapterInfo & { isFallbackAdapter?: boolean }).isFallbackAdapter
        ?? (adapter as GPUAdapter & { isFallbackAdapter?: boolean }).isFallbackAdapter),
    ownsDevice: true,
    hasTimestamps: device.features.has('timestamp-query'),
    keepAlive: [gpu, adapter],
  };
}
