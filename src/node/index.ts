import { existsSync } from 'node:fs';
import { InitscopeError } from '../model/errors';

/** Options of {@link createNodeGPU}. */
export interface NodeGPUOptions {
  /** Extra Dawn toggles, e.g. ['enable-dawn-features=allow_unsafe_apis']. */
  dawnOptions?: string[];
  /** Skip the real GPU and go straight to SwiftShader. */
  forceSwiftShader?: boolean;
}

/** Where Debian's chromium package ships SwiftShader's Vulkan ICD. */
export const SWIFTSHADER_ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';

/** Dawn's Node bindings: an optional peer dependency, so a browser install pulls in no native code. */
async function loadDawn(): Promise<typeof import('webgpu')> {
  try {
    return await import('webgpu');
  } catch (e) {
    throw new InitscopeError('createNodeGPU: the optional peer dependency "webgpu" (Dawn for Node) is not installed; ' +
      `run \`npm install webgpu\` next to initscope (${(e as Error).message})`, 'no-webgpu');
  }
}

/** A `GPU` from Dawn (the `webgpu` npm package). When no adapter is found (no GPU driver), it
 *  retries with SwiftShader, the CPU Vulkan driver, selected with VK_ICD_FILENAMES; the engine's
 *  adapterInfo then says SwiftShader and isFallbackAdapter is true. */
export async function createNodeGPU(options: NodeGPUOptions = {}): Promise<GPU> {
  const dawn = await loadDawn();
  Object.assign(globalThis, dawn.globals);
  const dawnOptions = options.dawnOptions ?? [];
  if (!options.forceSwiftShader) {
    const gpu = dawn.create(dawnOptions);
    if (await gpu.requestAdapter({ powerPreference: 'high-performance' })) return gpu;
  }
  if (!existsSync(SWIFTSHADER_ICD)) {
    throw new InitscopeError(`createNodeGPU: Dawn found no GPU adapter, and SwiftShader is not at ${SWIFTSHADER_ICD} ` +
      '(Debian/Ubuntu: apt-get install chromium libvulkan1). Install a Vulkan GPU driver or SwiftShader.', 'no-webgpu');
  }
  process.env.VK_ICD_FILENAMES = SWIFTSHADER_ICD;
  const gpu = dawn.create(dawnOptions);
  if (!(await gpu.requestAdapter())) {
    throw new InitscopeError(`createNodeGPU: no adapter even with SwiftShader (${SWIFTSHADER_ICD}); is libvulkan1 installed?`, 'no-webgpu');
  }
  return gpu;
}
