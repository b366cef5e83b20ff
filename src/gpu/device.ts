import { InitscopeError } from '../errors';

export interface EngineOptions {
  /** A `GPU` object (Dawn's in Node); defaults to `navigator.gpu`. */
  gpu?: GPU;
  /** An existing device to run on; the engine then neither requests nor destroys one. */
  device?: GPUDevice;
  powerPreference?: GPUPowerPreference;
}

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

function describeAdapter(adapter: GPUAdapter): AdapterDescription {
  const info = adapter.info;
  const legacyFallback = (adapter as GPUAdapter & { isFallbackAdapter?: boolean }).isFallbackAdapter;
  const infoFallback = (info as GPUAdapterInfo & { isFallbackAdapter?: boolean }).isFallbackAdapter;
  const software = /swiftshader|llvmpipe|lavapipe|software|microsoft basic/i
    .test(`${info.vendor} ${info.architecture} ${info.description} ${info.device}`);
  return {
    vendor: info.vendor ?? '',
    architecture: info.architecture ?? '',
    device: info.device ?? '',
    description: info.description ?? '',
    isFallbackAdapter: Boolean(infoFallback ?? legacyFallback ?? false) || software,
  };
}

export async function acquireDevice(options: EngineOptions): Promise<AcquiredDevice> {
  if (options.device) {
    const info = options.device.adapterInfo;
    return {
      device: options.device,
      adapterInfo: {
        vendor: info?.vendor ?? '', architecture: info?.architecture ?? '', device: info?.device ?? '',
        description: info?.description ?? '',
        isFallbackAdapter: /swiftshader/i.test(`${info?.vendor} ${info?.architecture} ${info?.description}`),
      },
      ownsDevice: false,
      hasTimestamps: options.device.features.has('timestamp-query'),
      keepAlive: [options.gpu],
    };
  }
  const gpu = options.gpu ?? (typeof navigator !== 'undefined' ? navigator.gpu : undefined);
  if (!gpu) throw new InitscopeError(NO_WEBGPU);
  const adapter = await gpu.requestAdapter({ powerPreference: options.powerPreference ?? 'high-performance' });
  if (!adapter) {
    throw new InitscopeError('WebGPU is present but no adapter was found (requestAdapter returned null): ' +
      'the GPU may be blocklisted or the driver missing; in Chrome see chrome://gpu.');
  }
  const requiredLimits: Record<string, number> = {};
  for (const name of WANTED_LIMITS) requiredLimits[name] = adapter.limits[name];
  const requiredFeatures: GPUFeatureName[] = [];
  if (adapter.features.has('timestamp-query')) requiredFeatures.push('timestamp-query');
  const device = await adapter.requestDevice({ label: 'initscope', requiredLimits, requiredFeatures });
  return {
    device,
    adapterInfo: describeAdapter(adapter),
    ownsDevice: true,
    hasTimestamps: device.features.has('timestamp-query'),
    keepAlive: [gpu, adapter],
  };
}
