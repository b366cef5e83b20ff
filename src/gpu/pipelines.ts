import { InitscopeError } from '../model/errors';
import { buildShader, sourceLocation, type KernelFamily, type ShaderConstants } from './shaders';

export interface KernelPipeline {
  key: string;
  pipeline: GPUComputePipeline;
  layout: GPUBindGroupLayout;
}

type LayoutEntry = 'uniform' | 'storage' | 'read-only-storage';

/** Compiles each kernel variant once. The key is the family, the entry point and every injected
 *  constant, so two variants can never share a pipeline by accident. */
export class PipelineCache {
  private cache = new Map<string, Promise<KernelPipeline>>();

  constructor(private device: GPUDevice) {}

  get size(): number { return this.cache.size; }

  static key(family: KernelFamily, entryPoint: string, constants: ShaderConstants): string {
    const parts = Object.keys(constants).sort().map((k) => `${k}=${constants[k]}`);
    return `${family}:${entryPoint}(${parts.join(',')})`;
  }

  get(family: KernelFamily, entryPoint: string, constants: ShaderConstants, bindings: LayoutEntry[]): Promise<KernelPipeline> {
    const key = PipelineCache.key(family, entryPoint, constants);
    let entry = this.cache.get(key);
    if (!entry) {
      entry = this.compile(key, family, entryPoint, constants, bindings);
      this.cache.set(key, entry);
      entry.catch(() => this.cache.delete(key));
    }
    return entry;
  }

  private async compile(key: string, family: KernelFamily, entryPoint: string, constants: ShaderConstants,
    bindings: LayoutEntry[]): Promise<KernelPipeline> {
    const { code, pieces } = buildShader(family, constants);
    this.device.pushErrorScope('validation');
    const module = this.device.createShaderModule({ label: key, code });
    const info = await module.getCompilationInfo();
    const scopeError = await this.device.popErrorScope();
    const errors = info.messages.filter((m) => m.type === 'error');
    if (errors.length || scopeError) {
      const lines = code.split('\n');
      const detail = errors.map((m) => `  ${sourceLocation(pieces, m.lineNum)} (generated line ${m.lineNum}): ` +
        `${m.message}\n    | ${lines[m.lineNum - 1]?.trim() ?? ''}`).join('\n');
      throw new InitscopeError(`WGSL compile error in kernel ${key}:\n${detail || scopeError?.message}`, 'gpu-error');
    }
    const layout = this.device.createBindGroupLayout({
      label: `${family} layout`,
      entries: bindings.map((type, binding) => ({
        binding,
        visibility: GPUShaderStage.COMPUTE,
        buffer: { type },
      })),
    });
    this.device.pushErrorScope('validation');
    const pipeline = await this.device.createComputePipelineAsync({
      label: key,
      layout: this.device.createPipelineLayout({ label: key, bindGroupLayouts: [layout] }),
      compute: { module, entryPoint },
    }).catch((e: unknown) => { throw new InitscopeError(`pipeline ${key} failed: ${(e as Error).message}`, 'gpu-error'); });
    const pipelineError = await this.device.popErrorScope();
    if (pipelineError) throw new InitscopeError(`pipeline ${key} failed: ${pipelineError.message}`, 'gpu-error');
    return { key, pipeline, layout };
  }
}
