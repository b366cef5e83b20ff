import { existsSync, readdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { InitscopeError } from '../model/errors';
import { setDawnPolling, type DawnPolling } from './ticks';

export type { DawnPolling } from './ticks';

/** Options of {@link createNodeGPU}. */
export interface NodeGPUOptions {
  /** Extra Dawn toggles, e.g. ['enable-dawn-features=allow_unsafe_apis']. */
  dawnOptions?: string[];
  /** Skip the real GPU and go straight to SwiftShader. */
  forceSwiftShader?: boolean;
  /** How Dawn ticks the device while a GPU promise is pending, for the whole process: 'timer'
   *  (default: once a millisecond, the thread asleep between) or 'immediate' (dawn.node's own:
   *  every turn of the event loop, which keeps a core at 100% while the GPU works; on a CPU adapter
   *  that core is taken from the driver's threads). */
  polling?: DawnPolling;
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

/** Whether a Vulkan driver could be found: VK_ICD_FILENAMES / VK_DRIVER_FILES set, or an ICD
 *  manifest in one of the Vulkan loader's search folders on Linux (other systems: assumed, Dawn
 *  uses Metal or D3D12 there). Without one, Dawn's first try prints the loader's "Found no
 *  drivers!" and a source path, which reads as a failure; createNodeGPU then goes straight to SwiftShader. */
function hasVulkanDriver(): boolean {
  if (process.platform !== 'linux' || process.env.VK_ICD_FILENAMES || process.env.VK_DRIVER_FILES) return true;
  const env = process.env;
  const config = [env.XDG_CONFIG_HOME ?? join(homedir(), '.config'), ...(env.XDG_CONFIG_DIRS ?? '/etc/xdg').split(':'), '/etc'];
  const data = [env.XDG_DATA_HOME ?? join(homedir(), '.local/share'), ...(env.XDG_DATA_DIRS ?? '/usr/local/share:/usr/share').split(':')];
  return [...config, ...data].some((dir) => {
    try {
      return readdirSync(join(dir, 'vulkan', 'icd.d')).some((f) => f.endsWith('.json'));
    } catch {
      return false;
    }
  });
}

/** A `GPU` from Dawn (the `webgpu` npm package). When no adapter is found (no GPU driver), it
 *  retries with SwiftShader, the CPU Vulkan driver, selected with VK_ICD_FILENAMES; the engine's
 *  adapterInfo then says SwiftShader and isFallbackAdapter is true. On Linux without any Vulkan
 *  driver it goes to SwiftShader at once, quietly. It also sets how Dawn waits for the GPU in this
 *  process (`polling`: a millisecond timer by default rather than dawn.node's busy loop). */
export async function createNodeGPU(options: NodeGPUOptions = {}): Promise<GPU> {
  const dawn = await loadDawn();
  setDawnPolling(options.polling ?? 'timer');
  Object.assign(globalThis, dawn.globals);
  const dawnOptions = options.dawnOptions ?? [];
  if (!options.forceSwiftShader && hasVulkanDriver()) {
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
